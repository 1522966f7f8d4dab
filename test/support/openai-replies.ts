// The bodies a scripted OpenAI-compatible server sends: chat completions and errors, in OpenAI's exact shapes.

export interface ScriptedToolCall {
  name: string;
  /** An object is sent as JSON; a string is sent as is, so it may be malformed JSON on purpose. */
  args: Record<string, unknown> | string;
  /** Defaults to `call_<request>_<position>`. */
  id?: string;
  /** A call of the Responses API's built-in tool: `args` is its operation (apply_patch) or action (shell). */
  native?: 'apply_patch' | 'shell';
}

export interface UsageOverride {
  prompt_tokens?: number;
  completion_tokens?: number;
  /** Responses: input tokens read from the cache (default: the prefix shared with the last request). */
  cached_tokens?: number;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503;

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Deterministic, roughly 4 characters a token, like the size of what was sent. */
export function countTokens(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 4));
}

export function chatCompletion(opts: {
  requestNumber: number;
  model: string;
  content: string | null;
  tools: ScriptedToolCall[];
  promptBytes: number;
  finishReason?: 'stop' | 'length' | 'content_filter';
  usage?: UsageOverride;
}): unknown {
  const toolCalls = opts.tools.map((tool, i) => ({
    id: tool.id ?? `call_${opts.requestNumber}_${i}`,
    type: 'function' as const,
    function: {
      name: tool.name,
      arguments: typeof tool.args === 'string' ? tool.args : JSON.stringify(tool.args),
    },
  }));
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: opts.content,
    refusal: null,
    annotations: [],
  };
  if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
  const promptTokens = opts.usage?.prompt_tokens ?? countTokens(opts.promptBytes);
  const completionTokens = opts.usage?.completion_tokens ?? countTokens(JSON.stringify(message).length);
  return {
    id: `chatcmpl-scripted-${opts.requestNumber}`,
    object: 'chat.completion',
    // A fixed clock keeps recorded transcripts identical from run to run.
    created: 1_767_225_600 + opts.requestNumber,
    model: opts.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: opts.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_scripted',
  };
}

function body(message: string, type: string, code: string | null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** The error bodies OpenAI sends for each status, worded as OpenAI words them. */
export function errorBody(status: ErrorStatus, model: string, opts: { contextLength?: boolean; responsesOnly?: boolean } = {}): OpenAIErrorBody {
  switch (status) {
    case 400:
      if (opts.responsesOnly) return body('This model is only supported in v1/responses and not in v1/chat/completions.', 'invalid_request_error', null, 'model');
      return opts.contextLength
        ? body(
            `This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.`,
            'invalid_request_error',
            'context_length_exceeded',
            'messages',
          )
        : body(
            `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.`,
            'invalid_request_error',
            null,
            'messages',
          );
    case 401:
      return body(
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      );
    case 403:
      return body(`Project does not have access to model \`${model}\`.`, 'invalid_request_error', 'model_not_found');
    case 404:
      return body(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    case 429:
      return body(
        `Rate limit reached for ${model} on tokens per min (TPM): Limit 30000, Used 30000, Requested 1200. Please try again in 2.4s.`,
        'tokens',
        'rate_limit_exceeded',
      );
    case 500:
      return body('The server had an error while processing your request. Sorry about that!', 'server_error', null);
    case 502:
      return body('Bad gateway.', 'server_error', null);
    case 503:
      return body('The engine is currently overloaded, please try again later.', 'server_error', null);
  }
}

export function invalidUrlBody(method: string, path: string): OpenAIErrorBody {
  return body(`Invalid URL (${method} ${path})`, 'invalid_request_error', null);
}

export function modelsList(models: string[]): unknown {
  return {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1_767_225_600, owned_by: 'scripted' })),
  };
}
