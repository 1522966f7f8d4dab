// The Responses API as OpenAI serves it, for the scripted server: stateless requests checked the way the API checks
// them (store: false, encrypted reasoning sent back, every call answered), response bodies, and prompt caching.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { countTokens, type ScriptedToolCall, type UsageOverride } from './openai-replies.js';

const item = z.looseObject({ type: z.string().optional(), role: z.string().optional(), call_id: z.string().optional() });
export const responsesBodySchema = z.looseObject({
  model: z.string(),
  instructions: z.string().optional(),
  input: z.array(item),
  tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).optional(),
  store: z.boolean().optional(),
  include: z.array(z.string()).optional(),
  previous_response_id: z.string().optional(),
});
export type ResponsesBody = z.infer<typeof responsesBodySchema>;
type InputItem = z.infer<typeof item>;

/** What a client sent as the output of one built-in or function call. */
export interface RecordedOutput {
  type: string;
  call_id: string;
  /** apply_patch_call_output: completed or failed. */
  status?: string;
  /** apply_patch_call_output and function_call_output: the text; shell_call_output: its per-command entries. */
  output: unknown;
}

const CALL_TYPES: Record<string, string> = {
  function_call: 'function_call_output',
  apply_patch_call: 'apply_patch_call_output',
  shell_call: 'shell_call_output',
};

/** An OpenAI-shaped 400, or undefined when the request is one OpenAI would take. */
export type Refusal = { message: string; param: string | null; code: string | null } | undefined;

/**
 * The state of one stateless conversation as the server sees it: the reasoning items it issued (their encrypted
 * content is all the API keeps of them), the calls it made, the outputs it was sent, and the last prompt (for caching).
 */
export class ResponsesLedger {
  readonly outputs: RecordedOutput[] = [];
  /** The usage each response reported, in order. */
  readonly usage: Array<{ input: number; cached: number; output: number; reasoning: number }> = [];
  private issued = new Map<string, string>();
  private lastOutput: Array<{ type: string; id?: string; call_id?: string }> = [];
  private lastPrompt = '';
  private counter = 0;

  check(body: ResponsesBody): Refusal {
    if (body.store !== false) return { message: 'This scripted API serves stateless requests only: send store: false.', param: 'store', code: null };
    if (body.previous_response_id) {
      return { message: `Previous response with id '${body.previous_response_id}' not found (store is false).`, param: 'previous_response_id', code: 'previous_response_not_found' };
    }
    const input = body.input;
    // Every reasoning item sent must be one this server issued, with its encrypted content intact.
    for (const it of input.filter((i) => i.type === 'reasoning')) {
      const enc = (it as { encrypted_content?: unknown }).encrypted_content;
      const id = (it as { id?: unknown }).id;
      if (typeof enc !== 'string' || this.issued.get(String(id)) !== enc) {
        return { message: `Item '${String(id)}' of type 'reasoning' was sent without its encrypted_content, or it was altered.`, param: 'input', code: null };
      }
    }
    // Every call needs its output, as the API says: "No tool output found for function call …".
    for (const call of input.filter((i) => i.type && CALL_TYPES[i.type])) {
      if (!input.some((o) => o.type === CALL_TYPES[call.type!] && o.call_id === call.call_id)) {
        return { message: `No tool output found for ${call.type!.replace('_call', '')} call ${String(call.call_id)}.`, param: 'input', code: null };
      }
    }
    // The previous turn's items come back in order: its reasoning, then its calls (a request without any is a new conversation).
    const fresh = !input.some((i) => i.type === 'reasoning' || (i.type && CALL_TYPES[i.type]) || i.role === 'assistant');
    if (fresh) this.lastOutput = [];
    const seen = input.flatMap((i, n) => {
      const key = i.type === 'reasoning' ? (i as { id?: string }).id : i.call_id;
      return this.lastOutput.some((o) => (o.type === 'reasoning' ? o.id : o.call_id) === key && o.type === i.type) ? [n] : [];
    });
    if (seen.length !== this.lastOutput.length || seen.some((v, k) => k > 0 && v < seen[k - 1]!)) {
      return { message: 'The items of the previous response (its reasoning and calls) must be sent back in order on a stateless request.', param: 'input', code: null };
    }
    for (const o of input) {
      if (o.type && Object.values(CALL_TYPES).includes(o.type) && this.lastOutput.some((l) => l.call_id === o.call_id) && !this.outputs.some((r) => r.call_id === o.call_id)) {
        const r = o as { status?: string; output?: unknown };
        this.outputs.push({ type: o.type, call_id: o.call_id!, ...(r.status ? { status: r.status } : {}), output: r.output });
      }
    }
    return undefined;
  }

  /** Prompt caching as OpenAI does it: the prefix shared with the last request, from 1024 tokens on, in steps of 128. */
  cachedTokens(body: ResponsesBody, inputTokens: number): number {
    const prompt = JSON.stringify([body.instructions ?? '', body.tools ?? [], body.input]);
    let n = 0;
    const max = Math.min(prompt.length, this.lastPrompt.length);
    while (n < max && prompt.charCodeAt(n) === this.lastPrompt.charCodeAt(n)) n++;
    this.lastPrompt = prompt;
    const tokens = Math.floor(n / 4);
    return tokens >= 1024 ? Math.min(inputTokens, Math.floor(tokens / 128) * 128) : 0;
  }

  /** A response in the shape the SDK parses; its reasoning item is remembered so its return can be checked. */
  respond(opts: {
    model: string;
    content: string | null;
    tools: ScriptedToolCall[];
    reasoning: boolean;
    body: ResponsesBody;
    bytes: number;
    usage?: UsageOverride;
  }): unknown {
    const n = ++this.counter;
    const output: Array<Record<string, unknown>> = [];
    let reasoningTokens = 0;
    if (opts.reasoning) {
      const id = `rs_scripted_${n}`;
      const encrypted = createHash('sha256').update(`${id}:${opts.bytes}`).digest('base64');
      this.issued.set(id, encrypted);
      reasoningTokens = 64;
      output.push({ type: 'reasoning', id, summary: [{ type: 'summary_text', text: `Thinking about step ${n}.` }], encrypted_content: encrypted });
    }
    if (opts.content !== null) {
      output.push({
        type: 'message',
        id: `msg_scripted_${n}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: opts.content, annotations: [] }],
      });
    }
    opts.tools.forEach((tool, i) => {
      const call_id = tool.id ?? `call_${n}_${i}`;
      const args = typeof tool.args === 'string' ? tool.args : JSON.stringify(tool.args);
      if (tool.native === 'apply_patch') output.push({ type: 'apply_patch_call', id: `apc_${n}_${i}`, call_id, status: 'completed', operation: tool.args });
      else if (tool.native === 'shell') {
        output.push({ type: 'shell_call', id: `sh_${n}_${i}`, call_id, status: 'completed', environment: null, action: { timeout_ms: null, max_output_length: null, ...(tool.args as object) } });
      } else output.push({ type: 'function_call', id: `fc_${n}_${i}`, call_id, name: tool.name, arguments: args, status: 'completed' });
    });
    this.lastOutput = output.filter((o) => o.type !== 'message') as typeof this.lastOutput;
    const input = opts.usage?.prompt_tokens ?? countTokens(opts.bytes);
    const cached = opts.usage?.cached_tokens ?? this.cachedTokens(opts.body, input);
    const out = (opts.usage?.completion_tokens ?? countTokens(JSON.stringify(output).length)) + reasoningTokens;
    this.usage.push({ input, cached, output: out, reasoning: reasoningTokens });
    return {
      id: `resp_scripted_${n}`,
      object: 'response',
      created_at: 1_767_225_600 + n,
      status: 'completed',
      model: opts.model,
      output,
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: opts.body.tools ?? [],
      store: false,
      usage: {
        input_tokens: input,
        input_tokens_details: { cached_tokens: cached },
        output_tokens: out,
        output_tokens_details: { reasoning_tokens: reasoningTokens },
        total_tokens: input + out,
      },
    };
  }
}

export function responsesBody(json: unknown): ResponsesBody {
  return responsesBodySchema.parse(json);
}

export type { InputItem };
