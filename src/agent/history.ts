// Fits the conversation into a request: old tool outputs are hidden first, then the largest texts are cut, within a byte budget.
import type { ChatMessage } from './model.js';

const HIDDEN = '[earlier output hidden to keep the request small; call the tool again if you need it]';

export interface ComposeOptions {
  /** Tool results kept whole, counted from the newest. */
  keepToolResults: number;
  /** Most bytes of the serialised messages plus the tools. */
  maxBytes: number;
  /** Bytes the tool schemas take in the request. */
  fixedBytes: number;
}

const size = (m: ChatMessage): number => Buffer.byteLength(JSON.stringify(m));

function textOf(m: ChatMessage): string {
  return typeof m.content === 'string' ? m.content : '';
}

/** Hides long string values inside old tool-call arguments (a whole file written earlier, say). */
function slimArguments(args: string): string {
  if (args.length <= 2000) return args;
  try {
    const parsed = JSON.parse(args) as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === 'string' && v.length > 400) parsed[k] = `[${v.length} characters hidden]`;
    }
    return JSON.stringify(parsed);
  } catch {
    return JSON.stringify({ hidden: `${args.length} characters of arguments` });
  }
}

function cut(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const half = Math.max(0, Math.floor(maxBytes / 2) - 60);
  const head = Buffer.from(text).subarray(0, half).toString('utf8');
  const tail = Buffer.from(text).subarray(-half).toString('utf8');
  const elided = text.length - head.length - tail.length;
  return `${head}\n[${elided} characters elided]\n${tail}`;
}

export function compose(history: readonly ChatMessage[], opts: ComposeOptions): ChatMessage[] {
  const out = history.map((m) => ({ ...m }) as ChatMessage);
  const toolIdx = out.flatMap((m, i) => (m.role === 'tool' ? [i] : []));
  const lastAssistant = out.findLastIndex((m) => m.role === 'assistant');
  // Keep the newest tool results whole; older ones become a short placeholder.
  for (const i of toolIdx.slice(0, Math.max(0, toolIdx.length - opts.keepToolResults))) {
    const m = out[i]!;
    if (textOf(m).length > 400) out[i] = { ...m, content: HIDDEN } as ChatMessage;
  }
  out.forEach((m, i) => {
    if (m.role === 'assistant' && i !== lastAssistant && m.tool_calls) {
      out[i] = {
        ...m,
        tool_calls: m.tool_calls.map((c) => (c.type === 'function' ? { ...c, function: { ...c.function, arguments: slimArguments(c.function.arguments) } } : c)),
      };
    }
  });
  let total = opts.fixedBytes + out.reduce((n, m) => n + size(m), 0);
  // Still too large: hide the remaining tool results oldest first, then cut the largest texts.
  for (const i of toolIdx) {
    if (total <= opts.maxBytes) break;
    const before = size(out[i]!);
    out[i] = { ...out[i]!, content: HIDDEN } as ChatMessage;
    total += size(out[i]!) - before;
  }
  for (let guard = 0; total > opts.maxBytes && guard < 50; guard++) {
    let largest = -1;
    let largestSize = 0;
    out.forEach((m, i) => {
      const s = Buffer.byteLength(textOf(m));
      if (s > largestSize) {
        largest = i;
        largestSize = s;
      }
    });
    if (largest < 0 || largestSize < 256) break;
    const m = out[largest]!;
    const target = Math.max(128, largestSize - (total - opts.maxBytes) - 256);
    const before = size(m);
    out[largest] = { ...m, content: cut(textOf(m), target) } as ChatMessage;
    total += size(out[largest]!) - before;
  }
  return out;
}
