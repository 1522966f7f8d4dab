// The model behind one small interface, on either protocol (Chat Completions or Responses), with retries and typed errors.
import OpenAI from 'openai';
import { createChatAdapter } from './chat.js';
import type { Item, ModelReply, ToolDef } from './conversation.js';
import type { Api, OpenAIClientOptions } from './request.js';
import { supportsBuiltinTools } from './protocol.js';
import { createResponsesAdapter } from './responses.js';
import { resolveApi } from './protocol.js';
import type { Settings } from '../settings.js';

export { ModelAuthError, ModelContextError, ModelUnavailableError, type Api, type OpenAIClientOptions } from './request.js';

export type { ModelReply } from './conversation.js';
export { isOpenAIEndpoint, resolveApi, supportsBuiltinTools } from './protocol.js';

export interface ModelClient {
  readonly model: string;
  complete(conversation: readonly Item[], tools: readonly ToolDef[]): Promise<ModelReply>;
}

export function createOpenAIClient(opts: OpenAIClientOptions): ModelClient {
  const client = new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl,
    maxRetries: 0, // retries are ours, so they are bounded, logged and never hit auth failures
    timeout: opts.requestTimeoutMs ?? 300_000,
  });
  return opts.api === 'responses'
    ? createResponsesAdapter(client, opts, { builtinTools: supportsBuiltinTools(opts.model) })
    : createChatAdapter(client, opts);
}

/** The client a run's settings ask for: the protocol in effect (the `api` input, else chosen by endpoint and model), with retries logged. */
export function modelFromSettings(settings: Settings, onRetry: (line: string) => void, env: NodeJS.ProcessEnv = process.env): ModelClient {
  return createOpenAIClient({
    // A local server may need no key; the SDK still wants one.
    apiKey: settings.apiKey || 'none',
    baseUrl: settings.baseUrl,
    model: settings.model,
    api: resolveApi(settings.api, settings.model, settings.baseUrl ?? env.OPENAI_BASE_URL),
    reasoningEffort: settings.reasoningEffort || undefined,
    onRetry,
  });
}
