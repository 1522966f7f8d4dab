// A scripted OpenAI-compatible server on 127.0.0.1: each chat completion or response request is answered by the next step of
// a script. Responses are checked as OpenAI checks them (stateless, reasoning sent back, every call answered).
import http from 'node:http';
import {
  chatCompletion,
  errorBody,
  invalidUrlBody,
  modelsList,
  type ErrorStatus,
  type ScriptedToolCall,
  type UsageOverride,
} from './openai-replies.js';
import { closeServer, drop, listen, readBody, recordRequest, send, type Reply } from './http.js';
import type { RecordedRequest } from './openai-requests.js';
import { responsesBodySchema, ResponsesLedger, type RecordedOutput } from './openai-responses.js';

export type { RecordedRequest } from './openai-requests.js';
export * from './openai-requests.js';
export type { ScriptedToolCall } from './openai-replies.js';
export type { RecordedOutput } from './openai-responses.js';

export type ModelStep =
  /** An assistant turn that calls tools (content optional, usually null). */
  | { tools: ScriptedToolCall[]; content?: string; usage?: UsageOverride; reasoning?: boolean }
  /** An answer without tool calls: the model says it is done. On /responses a reasoning item comes first unless `reasoning: false`. */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter'; usage?: UsageOverride; reasoning?: boolean }
  /** An error in OpenAI's shape; `contextLength` with 400 gives context_length_exceeded. */
  | { status: ErrorStatus; headers?: Record<string, string>; body?: unknown; contextLength?: boolean }
  /** Any status and text, e.g. a gateway's HTML page or truncated JSON. */
  | { raw: string; status?: number; contentType?: string }
  /** The connection is destroyed without an answer. */
  | { drop: true }
  /** No answer for `hang` ms; then `then` is served (default: the socket is destroyed). */
  | { hang: number; then?: ModelStep }
  /** A reply that depends on what the client sent (e.g. the last tool result). */
  | ((req: RecordedRequest) => ModelStep | Promise<ModelStep>);

export interface OpenAIServerOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401 and consume no step. */
  apiKey?: string;
  /** Ids listed by GET /v1/models. */
  models?: string[];
}

export interface OpenAIServer {
  /** Base URL including /v1, as an OpenAI client's baseURL. */
  url: string;
  /** Every request, chat completions or not, in arrival order. */
  requests: RecordedRequest[];
  /** Only the chat completion requests (each consumed a step, unless refused for its key). */
  readonly completions: RecordedRequest[];
  /** Only the /responses requests (each consumed a step, unless refused). */
  readonly responses: RecordedRequest[];
  /** /responses requests refused as OpenAI would refuse them (no store: false, reasoning not sent back, a call without output). */
  readonly refusals: string[];
  /** The outputs a client sent for the calls of /responses replies: function, apply_patch and shell outputs. */
  readonly toolOutputs: RecordedOutput[];
  /** The usage each /responses reply reported (input and cached input, output and reasoning tokens). */
  readonly responseUsage: ResponsesLedger['usage'];
  /** Requests no route answered. */
  readonly unhandled: RecordedRequest[];
  /** How many script steps are left. */
  readonly remaining: number;
  /** Errors thrown by function steps (the client got a 500); a test should expect this empty. */
  errors: string[];
  close(): Promise<void>;
}

const exhausted: ModelStep = { content: 'I have nothing more to do.' };

export async function startOpenAIServer(script: ModelStep[], opts: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const errors: string[] = [];
  let completionCount = 0;
  const ledger = new ResponsesLedger();
  const refusals: string[] = [];

  const wait = (ms: number, req: http.IncomingMessage) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(true);
      }, ms);
      timers.add(timer);
      // A client that gave up does not need an answer.
      req.socket.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      });
    });

  async function serveStep(
    step: ModelStep,
    record: RecordedRequest,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    number: number,
  ): Promise<void> {
    if (typeof step === 'function') {
      return serveStep(await step(record), record, req, res, number);
    }
    if ('hang' in step) {
      const stillThere = await wait(step.hang, req);
      if (!stillThere) return;
      return serveStep(step.then ?? { drop: true }, record, req, res, number);
    }
    if ('drop' in step) {
      record.status = 0;
      drop(req, res);
      return;
    }
    const model = typeof (record.json as { model?: unknown } | undefined)?.model === 'string'
      ? (record.json as { model: string }).model
      : 'unknown-model';
    let reply: Reply;
    if ('raw' in step) {
      reply = { status: step.status ?? 200, text: step.raw, headers: { 'content-type': step.contentType ?? 'application/json' } };
    } else if ('status' in step) {
      reply = {
        status: step.status,
        json: step.body ?? errorBody(step.status, model, { contextLength: step.contextLength === true }),
        headers: { ...step.headers },
      };
    } else if (record.route === 'responses') {
      reply = {
        status: 200,
        json: ledger.respond({
          model,
          content: 'tools' in step ? (step.content ?? null) : step.content,
          tools: 'tools' in step ? step.tools : [],
          reasoning: step.reasoning !== false,
          body: responsesBodySchema.parse(record.json),
          bytes: record.bytes,
          usage: step.usage,
        }),
      };
    } else {
      reply = {
        status: 200,
        json: chatCompletion({
          requestNumber: number,
          model,
          content: 'tools' in step ? (step.content ?? null) : step.content,
          tools: 'tools' in step ? step.tools : [],
          promptBytes: record.bytes,
          finishReason: 'finishReason' in step ? step.finishReason : undefined,
          usage: step.usage,
        }),
      };
    }
    reply.headers = { 'x-request-id': `req_scripted_${number}`, 'openai-processing-ms': '1', ...reply.headers };
    record.status = reply.status;
    send(res, reply);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const record = recordRequest(requests.length, req, body);
    requests.push(record);
    const answer = (route: string | null, reply: Reply) => {
      record.route = route;
      record.status = reply.status;
      send(res, reply);
    };

    if (record.method === 'GET' && record.pathname === '/v1/models') {
      answer('models', { status: 200, json: modelsList(opts.models ?? ['gpt-scripted']) });
      return;
    }
    const route = record.method !== 'POST' ? null : record.pathname === '/v1/chat/completions' ? 'chat.completions' : record.pathname === '/v1/responses' ? 'responses' : null;
    if (route === null) {
      answer(null, { status: 404, json: invalidUrlBody(record.method, record.pathname) });
      return;
    }
    record.route = route;
    if (opts.apiKey !== undefined && record.headers['authorization'] !== `Bearer ${opts.apiKey}`) {
      answer(route, { status: 401, json: errorBody(401, 'unknown-model') });
      return;
    }
    const model = String((record.json as { model?: unknown } | undefined)?.model ?? '');
    // As OpenAI serves them: the codex models only on /responses.
    if (route === 'chat.completions' && /codex/i.test(model)) {
      answer(route, { status: 400, json: errorBody(400, model, { responsesOnly: true }) });
      return;
    }
    if (route === 'responses') {
      const body = responsesBodySchema.safeParse(record.json);
      const refusal = body.success ? ledger.check(body.data) : { message: `Invalid body: ${body.error.message}`, param: null, code: null };
      if (refusal) {
        refusals.push(refusal.message);
        answer(route, { status: 400, json: { error: { ...refusal, type: 'invalid_request_error' } } });
        return;
      }
    }
    completionCount += 1;
    const step = queue.shift() ?? exhausted;
    await serveStep(step, record, req, res, completionCount);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      errors.push(message);
      if (!res.headersSent) send(res, { status: 500, json: { error: { message: `scripted server failed: ${message}`, type: 'server_error', param: null, code: null } } });
    });
  });
  const port = await listen(server);

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    errors,
    get completions() {
      return requests.filter((r) => r.route === 'chat.completions');
    },
    get responses() {
      return requests.filter((r) => r.route === 'responses');
    },
    refusals,
    toolOutputs: ledger.outputs,
    responseUsage: ledger.usage,
    get unhandled() {
      return requests.filter((r) => r.route === null);
    },
    get remaining() {
      return queue.length;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await closeServer(server);
    },
  };
}
