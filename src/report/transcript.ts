// The model transcript as readable markdown: each message, each tool call, and a bounded view of each result.
import { z } from 'zod';
import { codeBlock, elide } from './markdown.js';

// Chat Completions messages and Responses API items, read loosely: the transcript comes from the model API.
const TextPart = z.object({ type: z.string().optional(), text: z.string().optional() }).loose();
const Content = z.union([z.string(), z.array(TextPart), z.null()]).optional();
const ToolCall = z
  .object({ id: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string().optional() }).loose() })
  .loose();
const ChatMessage = z
  .object({
    role: z.string(),
    content: Content,
    tool_calls: z.array(ToolCall).optional(),
    tool_call_id: z.string().optional(),
    name: z.string().optional(),
  })
  .loose();
const FunctionCall = z
  .object({ type: z.literal('function_call'), call_id: z.string().optional(), name: z.string(), arguments: z.string().optional() })
  .loose();
const FunctionOutput = z
  .object({ type: z.literal('function_call_output'), call_id: z.string().optional(), output: z.unknown() })
  .loose();

const Bounds = {
  prompt: [4000, 1000],
  text: [6000, 2000],
  args: [2000, 500],
  result: [2000, 1000],
  other: [1500, 500],
} as const;

export function renderTranscript(transcript: readonly unknown[]): string {
  const out: string[] = ['# Model transcript', `${transcript.length} messages. Long texts are shortened here; transcript.json has them whole.`];
  const toolNames = new Map<string, string>();
  transcript.forEach((item, i) => {
    const n = i + 1;
    const call = FunctionCall.safeParse(item);
    if (call.success) {
      if (call.data.call_id) toolNames.set(call.data.call_id, call.data.name);
      out.push(`## ${n}. tool call`, toolCall(call.data.name, call.data.call_id, call.data.arguments));
      return;
    }
    const output = FunctionOutput.safeParse(item);
    if (output.success) {
      const name = (output.data.call_id && toolNames.get(output.data.call_id)) || 'tool';
      const value = typeof output.data.output === 'string' ? output.data.output : JSON.stringify(output.data.output, null, 2);
      out.push(`## ${n}. result of ${name}`, bounded(value ?? '', Bounds.result));
      return;
    }
    const msg = ChatMessage.safeParse(item);
    if (!msg.success) {
      out.push(`## ${n}. item`, bounded(JSON.stringify(item, null, 2) ?? String(item), Bounds.other));
      return;
    }
    const m = msg.data;
    const content = textOf(m.content);
    if (m.role === 'tool') {
      const name = (m.tool_call_id && toolNames.get(m.tool_call_id)) || m.name || 'tool';
      out.push(`## ${n}. result of ${name}`, bounded(content, Bounds.result));
      return;
    }
    out.push(`## ${n}. ${m.role}`);
    if (content.trim()) {
      out.push(bounded(content, m.role === 'assistant' ? Bounds.text : Bounds.prompt));
    }
    for (const tc of m.tool_calls ?? []) {
      if (tc.id) toolNames.set(tc.id, tc.function.name);
      out.push(toolCall(tc.function.name, tc.id, tc.function.arguments));
    }
  });
  return `${out.join('\n\n')}\n`;
}

function toolCall(name: string, id: string | undefined, args: string | undefined): string {
  const head = `**Tool call** \`${name}\`${id ? ` (${id})` : ''}`;
  return `${head}\n\n${bounded(prettyJson(args ?? ''), Bounds.args, 'json')}`;
}

function textOf(content: z.infer<typeof Content>): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((p) => p.text ?? `[${p.type ?? 'part'}]`).join('\n');
}

function bounded(value: string, [head, tail]: readonly [number, number], lang = 'text'): string {
  return codeBlock(elide(value, head, tail), lang);
}

function prettyJson(args: string): string {
  try {
    return JSON.stringify(JSON.parse(args), null, 2);
  } catch {
    return args;
  }
}
