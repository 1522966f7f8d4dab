// The model transcript as readable markdown: each message, each tool call, a bounded view of each result, and tokens.
import { z } from 'zod';
import { codeBlock, elide } from './markdown.js';

// The agent's neutral conversation, read back from transcript.json (it went through redaction as plain JSON).
const Call = z.object({ id: z.string(), name: z.string(), arguments: z.string(), native: z.boolean().optional() });
const Part = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('reasoning'), reasoning: z.object({ id: z.string(), encrypted: z.string(), summary: z.array(z.string()) }) }),
  z.object({ kind: z.literal('call'), call: Call }),
]);
const Usage = z.object({ input: z.number(), cachedInput: z.number(), output: z.number(), reasoning: z.number() });
const Shell = z.object({ stdout: z.string(), stderr: z.string(), outcome: z.object({ type: z.string(), exitCode: z.number().optional() }) });
const Item = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), text: z.string() }),
  z.object({ role: z.literal('user'), text: z.string() }),
  z.object({ role: z.literal('model'), parts: z.array(Part), usage: Usage.optional() }),
  z.object({ role: z.literal('tool'), callId: z.string(), name: z.string(), text: z.string(), failed: z.boolean(), shell: z.array(Shell).optional() }),
]);

const Bounds = {
  prompt: [4000, 1000],
  text: [6000, 2000],
  args: [2000, 500],
  result: [2000, 1000],
  other: [1500, 500],
} as const;

export function renderTranscript(transcript: readonly unknown[]): string {
  const out: string[] = ['# Model transcript', `${transcript.length} messages. Long texts are shortened here; transcript.json has them whole.`];
  transcript.forEach((raw, i) => {
    const n = i + 1;
    const parsed = Item.safeParse(raw);
    if (!parsed.success) {
      out.push(`## ${n}. item`, bounded(JSON.stringify(raw, null, 2) ?? String(raw), Bounds.other));
      return;
    }
    const item = parsed.data;
    switch (item.role) {
      case 'system':
      case 'user':
        out.push(`## ${n}. ${item.role}`, bounded(item.text, Bounds.prompt));
        return;
      case 'tool':
        out.push(`## ${n}. result of ${item.name}${item.failed ? ' (failed)' : ''}`, bounded(item.text, Bounds.result));
        return;
      case 'model': {
        out.push(`## ${n}. model${item.usage ? ` (${tokens(item.usage)})` : ''}`);
        for (const p of item.parts) {
          if (p.kind === 'text' && p.text.trim()) out.push(bounded(p.text, Bounds.text));
          if (p.kind === 'reasoning') {
            const summary = p.reasoning.summary.join('\n').trim();
            out.push(`**Reasoning** (encrypted, ${p.reasoning.encrypted.length} characters; sent back on every later turn)${summary ? `\n\n${bounded(summary, Bounds.other)}` : ''}`);
          }
          if (p.kind === 'call') out.push(toolCall(p.call));
        }
        return;
      }
    }
  });
  return `${out.join('\n\n')}\n`;
}

function tokens(u: z.infer<typeof Usage>): string {
  return `input ${u.input} tokens, ${u.cachedInput} cached; output ${u.output}, ${u.reasoning} reasoning`;
}

function toolCall(call: z.infer<typeof Call>): string {
  const head = `**Tool call** \`${call.name}\`${call.native ? ' (built-in)' : ''} (${call.id})`;
  return `${head}\n\n${bounded(prettyJson(call.arguments), Bounds.args, 'json')}`;
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
