// The model behind one small interface, on either protocol (Chat Completions or Responses), with retries and typed errors.
import OpenAI from 'openai';
import { createChatAdapter } from './chat.js';
import type { Item, ModelReply, ToolDef } from './conversation.js';
import type { Api, OpenAIClientOptions } from './request.js';
import { supportsBuiltinTools } from './protocol.js';
import { createResponsesAdapter } from './responses.js';

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
