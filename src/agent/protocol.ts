// Which protocol and which tools a model gets: decided from the endpoint in effect and the model's name.
import type { Api } from './request.js';

const OPENAI_HOST = /^https:\/\/api\.openai\.com(\/|$)/;

/**
 * The protocol for `auto`: Responses on OpenAI's own endpoint (the input, else OPENAI_BASE_URL, else OpenAI) and for
 * every codex model, which is served on nothing else; Chat Completions elsewhere, which every compatible server speaks.
 */
export function resolveApi(api: 'auto' | Api, model: string, endpoint: string | undefined): Api {
  if (api !== 'auto') return api;
  if (isOpenAIEndpoint(endpoint) || /codex/i.test(model)) return 'responses';
  return 'chat';
}

export function isOpenAIEndpoint(endpoint: string | undefined): boolean {
  return !endpoint || OPENAI_HOST.test(endpoint);
}

/**
 * The models OpenAI documents with the built-in apply_patch and shell tools: GPT-5.1 and later, codex variants
 * included. Every other model gets the same two as function tools.
 */
export function supportsBuiltinTools(model: string): boolean {
  const m = /^(?:openai\/)?gpt-(\d+)(?:\.(\d+))?/i.exec(model);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  return major > 5 || (major === 5 && minor >= 1);
}

