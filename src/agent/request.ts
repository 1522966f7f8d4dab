// One model API request: retried where that can help, every failure turned into a typed error with a clear message.
import OpenAI, { APIError } from 'openai';
import { withRetry } from '../util/retry.js';

/** The key was rejected (401/403): retrying cannot help. */
export class ModelAuthError extends Error {
  override name = 'ModelAuthError';
}
/** The request is larger than the model's context; the caller may shrink the history and try again. */
export class ModelContextError extends Error {
  override name = 'ModelContextError';
}
/** The API stayed down (or kept refusing) through every retry. */
export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}

export type Api = 'chat' | 'responses';

export interface OpenAIClientOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
  api: Api;
  /** The model's reasoning effort; undefined for its default. */
  reasoningEffort?: string;
  attempts?: number;
  maxDelayMs?: number;
  requestTimeoutMs?: number;
  onRetry?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const s = headers?.get('retry-after');
  if (!s) return undefined;
  if (Number.isFinite(Number(s))) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function isContextError(e: APIError): boolean {
  const text = `${e.code ?? ''} ${e.message}`.toLowerCase();
  return e.status === 400 && (text.includes('context_length') || text.includes('context length') || text.includes('maximum context'));
}

function isResponsesOnly(e: APIError): boolean {
  return e.status === 400 && /only supported in v1\/responses/i.test(e.message);
}

/** One request with our retries; the SDK's are off so they stay bounded, logged and never hit auth failures. */
export async function request<T>(opts: OpenAIClientOptions, send: () => Promise<T>): Promise<T> {
  try {
    return await withRetry(send, {
      attempts: opts.attempts ?? 7,
      baseMs: 1000,
      maxMs: opts.maxDelayMs ?? 60_000,
      sleep: opts.sleep,
      classify(e) {
        if (e instanceof OpenAI.APIConnectionError) return undefined;
        if (e instanceof OpenAI.APIError) {
          if (e.status === 429 || (e.status !== undefined && e.status >= 500)) return retryAfterMs(e.headers);
          if (e.status === 408 || e.status === 409) return undefined;
        }
        return 'no';
      },
      onRetry(e, attempt, delay) {
        const what = e instanceof OpenAI.APIError && e.status ? `HTTP ${e.status}` : 'connection failed';
        opts.onRetry?.(`model API: ${what}; retry ${attempt} in ${(delay / 1000).toFixed(1)} s`);
      },
    });
  } catch (e) {
    if (e instanceof OpenAI.APIError && (e.status === 401 || e.status === 403)) {
      throw new ModelAuthError(
        `The model API rejected the key (HTTP ${e.status}): check the openai-api-key input${opts.baseUrl ? ` for ${opts.baseUrl}` : ''}.`,
      );
    }
    if (e instanceof OpenAI.APIError && isResponsesOnly(e)) {
      throw new ModelUnavailableError(
        `The model '${opts.model}' is served only on the Responses API, not on Chat Completions: set \`api: responses\` (or leave \`api\` on auto).`,
      );
    }
    if (e instanceof OpenAI.APIError && isContextError(e)) throw new ModelContextError(e.message);
    if (e instanceof OpenAI.APIConnectionError || (e instanceof OpenAI.APIError && (e.status === 429 || (e.status ?? 0) >= 500))) {
      throw new ModelUnavailableError(`The model API stayed unavailable after retries: ${e.message}`);
    }
    if (e instanceof OpenAI.APIError) throw new ModelUnavailableError(`The model API refused the request (HTTP ${e.status}): ${e.message}`);
    throw e;
  }
}

