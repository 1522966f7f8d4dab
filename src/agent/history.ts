// Fits the conversation into a request: old tool outputs are hidden first, then the largest texts are cut, then the
// oldest turns go whole (reasoning, calls and outputs together, so no call is ever sent without its output).
import type { Item, ReplyPart, ToolItem } from './conversation.js';

const HIDDEN = '[earlier output hidden to keep the request small; call the tool again if you need it]';

const NOTE_BYTES = 128;

export interface ComposeOptions {
  /** Tool results kept whole, counted from the newest. */
  keepToolResults: number;
  /** Most bytes of the serialised conversation plus the tools. */
  maxBytes: number;
  /** Bytes the tool schemas take in the request. */
  fixedBytes: number;
}

const size = (m: Item): number => Buffer.byteLength(JSON.stringify(m));

function hide(m: ToolItem): ToolItem {
  return { ...m, text: HIDDEN, ...(m.shell ? { shell: m.shell.map((r, i) => ({ stdout: i === 0 ? HIDDEN : '', stderr: '', outcome: r.outcome })) } : {}) };
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

/** The free text of an item (what cutting may shorten): reasoning and call arguments are never cut. */
function textOf(m: Item): string {
  if (m.role === 'model') return m.parts.flatMap((p) => (p.kind === 'text' ? [p.text] : [])).join('\n');
  return m.text;
}

function withText(m: Item, text: string): Item {
  if (m.role !== 'model') return { ...m, text };
  let done = false;
  const parts = m.parts.flatMap((p): ReplyPart[] => {
    if (p.kind !== 'text') return [p];
    if (done) return [];
    done = true;
    return [{ kind: 'text', text }];
  });
  return { ...m, parts };
}

/** Where the oldest droppable turn ends: a model item with the tool outputs after it (and the feedback before it). */
function oldestTurn(out: Item[], from: number): number | undefined {
  const model = out.findIndex((m, i) => i >= from && m.role === 'model');
  if (model < 0) return undefined;
  let end = model + 1;
  while (end < out.length && out[end]!.role === 'tool') end++;
  // The newest turn stays: it is what the model answers next.
  return out.slice(end).some((m) => m.role === 'model') ? end : undefined;
}

export function compose(history: readonly Item[], opts: ComposeOptions): Item[] {
  let out = history.map((m) => ({ ...m }) as Item);
  const toolIdx = out.flatMap((m, i) => (m.role === 'tool' ? [i] : []));
  const lastModel = out.findLastIndex((m) => m.role === 'model');
  // Keep the newest tool results whole; older ones become a short placeholder.
  for (const i of toolIdx.slice(0, Math.max(0, toolIdx.length - opts.keepToolResults))) {
    const m = out[i] as ToolItem;
    if (m.text.length > 400 || (m.shell && JSON.stringify(m.shell).length > 400)) out[i] = hide(m);
  }
  out.forEach((m, i) => {
    if (m.role === 'model' && i !== lastModel) {
      out[i] = { ...m, parts: m.parts.map((p) => (p.kind === 'call' ? { ...p, call: { ...p.call, arguments: slimArguments(p.call.arguments) } } : p)) };
    }
  });
  let total = opts.fixedBytes + out.reduce((n, m) => n + size(m), 0);
  // Still too large: hide the remaining tool results oldest first, then cut the largest texts.
  for (const i of toolIdx) {
    if (total <= opts.maxBytes) break;
    const before = size(out[i]!);
    out[i] = hide(out[i] as ToolItem);
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
    out[largest] = withText(m, cut(textOf(m), target));
    total += size(out[largest]!) - before;
  }
  // Many turns of reasoning (which cannot be cut) or calls: the oldest turns go, each whole, after the task.
  const keep = out.findIndex((m) => m.role === 'user') + 1;
  let dropped = 0;
  while (total > opts.maxBytes && keep > 0) {
    const end = oldestTurn(out, keep);
    if (end === undefined) break;
    dropped++;
    out = [...out.slice(0, keep), ...out.slice(end)];
    // Room for the note that says so.
    total = NOTE_BYTES + opts.fixedBytes + out.reduce((n, m) => n + size(m), 0);
  }
  if (dropped) out.splice(keep, 0, { role: 'user', text: `[${dropped} earlier turns were left out to keep the request small]` });
  return out;
}
