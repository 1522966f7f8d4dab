// The Responses adapter: stateless (store: false), every reasoning item sent back encrypted and in order, built-in tools.
import type OpenAI from 'openai';
import type { Item, ModelReply, ReplyPart, ShellCommandResult, ToolCall, ToolDef } from './conversation.js';
import type { ModelClient } from './model.js';
import { request, type OpenAIClientOptions } from './request.js';

type R = OpenAI.Responses.ResponseInputItem;
type Tool = OpenAI.Responses.Tool;
type ApplyPatchOperation = OpenAI.Responses.ResponseInputItem.ApplyPatchCall['operation'];
type ShellAction = OpenAI.Responses.ResponseInputItem.ShellCall.Action;

export interface ResponsesRequest {
  instructions: string;
  input: R[];
}

function parse(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function callItem(call: ToolCall): R {
  if (call.native && call.name === 'apply_patch') {
    return { type: 'apply_patch_call', call_id: call.id, status: 'completed', operation: parse(call.arguments) as unknown as ApplyPatchOperation };
  }
  if (call.native && call.name === 'shell') {
    return { type: 'shell_call', call_id: call.id, status: 'completed', action: parse(call.arguments) as unknown as ShellAction };
  }
  return { type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments };
}

function outputItem(item: Extract<Item, { role: 'tool' }>, call: ToolCall | undefined): R {
  if (call?.native && call.name === 'apply_patch') {
    return { type: 'apply_patch_call_output', call_id: item.callId, status: item.failed ? 'failed' : 'completed', output: item.text };
  }
  if (call?.native && call.name === 'shell') {
    const results: ShellCommandResult[] = item.shell ?? [{ stdout: '', stderr: item.text, outcome: { type: 'exit', exitCode: 1 } }];
    const max = parse(call.arguments).max_output_length;
    return {
      type: 'shell_call_output',
      call_id: item.callId,
      ...(typeof max === 'number' ? { max_output_length: max } : {}),
      output: results.map((r) => ({
        stdout: r.stdout,
        stderr: r.stderr,
        outcome: r.outcome.type === 'exit' ? { type: 'exit', exit_code: r.outcome.exitCode } : { type: 'timeout' },
      })),
    };
  }
  return { type: 'function_call_output', call_id: item.callId, output: item.text };
}

/** The conversation as Responses input: system text as instructions, each model part as its own item, in order. */
export function toResponsesInput(conversation: readonly Item[]): ResponsesRequest {
  const instructions: string[] = [];
  const input: R[] = [];
  const calls = new Map<string, ToolCall>();
  for (const item of conversation) {
    switch (item.role) {
      case 'system':
        instructions.push(item.text);
        break;
      case 'user':
        input.push({ role: 'user', content: item.text });
        break;
      case 'tool':
        input.push(outputItem(item, calls.get(item.callId)));
        break;
      case 'model':
        for (const part of item.parts) {
          if (part.kind === 'text') input.push({ role: 'assistant', content: part.text });
          else if (part.kind === 'reasoning') {
            const r = part.reasoning;
            input.push({ type: 'reasoning', id: r.id, encrypted_content: r.encrypted, summary: r.summary.map((text) => ({ type: 'summary_text', text })) });
          } else {
            calls.set(part.call.id, part.call);
            input.push(callItem(part.call));
          }
        }
        break;
    }
  }
  return { instructions: instructions.join('\n\n'), input };
}

export function toResponsesTools(tools: readonly ToolDef[], builtinTools: boolean): Tool[] {
  return tools.map((t): Tool => {
    if (builtinTools && t.builtin === 'apply_patch') return { type: 'apply_patch' };
    if (builtinTools && t.builtin === 'shell') return { type: 'shell' };
    return { type: 'function', name: t.name, description: t.description, parameters: t.parameters, strict: false };
  });
}

export function fromResponse(response: OpenAI.Responses.Response): ModelReply {
  const parts: ReplyPart[] = [];
  for (const item of response.output) {
    switch (item.type) {
      case 'reasoning':
        // Without its encrypted content a reasoning item cannot be sent back on a stateless request.
        if (item.encrypted_content) {
          parts.push({ kind: 'reasoning', reasoning: { id: item.id, encrypted: item.encrypted_content, summary: item.summary.map((s) => s.text) } });
        }
        break;
      case 'message':
        for (const c of item.content) if (c.type === 'output_text' && c.text) parts.push({ kind: 'text', text: c.text });
        break;
      case 'function_call':
        parts.push({ kind: 'call', call: { id: item.call_id, name: item.name, arguments: item.arguments } });
        break;
      case 'apply_patch_call':
        parts.push({ kind: 'call', call: { id: item.call_id, name: 'apply_patch', arguments: JSON.stringify(item.operation), native: true } });
        break;
      case 'shell_call':
        parts.push({ kind: 'call', call: { id: item.call_id, name: 'shell', arguments: JSON.stringify(item.action), native: true } });
        break;
      default:
        break;
    }
  }
  const u = response.usage;
  return {
    parts,
    usage: {
      input: u?.input_tokens ?? 0,
      cachedInput: u?.input_tokens_details?.cached_tokens ?? 0,
      output: u?.output_tokens ?? 0,
      reasoning: u?.output_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}

export function createResponsesAdapter(client: OpenAI, opts: OpenAIClientOptions, o: { builtinTools: boolean }): ModelClient {
  return {
    model: opts.model,
    async complete(conversation, tools) {
      const { instructions, input } = toResponsesInput(conversation);
      const response = await request(opts, () =>
        client.responses.create({
          model: opts.model,
          instructions,
          input,
          tools: toResponsesTools(tools, o.builtinTools),
          tool_choice: 'auto',
          // Nothing of the repository stays with the API: the reasoning travels encrypted, in every request.
          store: false,
          include: ['reasoning.encrypted_content'],
          ...(opts.reasoningEffort ? { reasoning: { effort: opts.reasoningEffort as OpenAI.ReasoningEffort } } : {}),
        }),
      );
      return fromResponse(response);
    },
  };
}
