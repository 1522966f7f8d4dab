// The V4A patch format of the apply_patch tool: parsing a patch into file operations, and applying one update's hunks.
import { findNearest } from './edit.js';

export type PatchOperation =
  | { type: 'create_file'; path: string; diff: string }
  | { type: 'update_file'; path: string; diff: string; moveTo?: string }
  | { type: 'delete_file'; path: string };

/** A patch that cannot be parsed or applied; the message says where, for the model to act on. */
export class PatchError extends Error {
  override name = 'PatchError';
}

const BEGIN = '*** Begin Patch';
const END = '*** End Patch';
const HEADER = /^\*\*\* (Add|Update|Delete) File: (.+)$/;
const MOVE = /^\*\*\* Move to: (.+)$/;

/** `*** Begin Patch` … `*** End Patch`, holding one or more `*** Add/Update/Delete File:` sections. */
export function parsePatch(text: string): PatchOperation[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.trim() === BEGIN);
  const end = lines.findLastIndex((l) => l.trim() === END);
  if (start < 0) throw new PatchError(`the patch must start with '${BEGIN}'.`);
  if (end < start) throw new PatchError(`the patch must end with '${END}'.`);
  const ops: PatchOperation[] = [];
  let current: { kind: string; path: string; moveTo?: string; body: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const diff = current.body.join('\n');
    if (current.kind === 'Add') ops.push({ type: 'create_file', path: current.path, diff });
    else if (current.kind === 'Delete') ops.push({ type: 'delete_file', path: current.path });
    else ops.push({ type: 'update_file', path: current.path, diff, ...(current.moveTo ? { moveTo: current.moveTo } : {}) });
  };
  for (const line of lines.slice(start + 1, end)) {
    const header = HEADER.exec(line);
    if (header) {
      flush();
      current = { kind: header[1]!, path: header[2]!.trim(), body: [] };
      continue;
    }
    const move = MOVE.exec(line);
    if (move && current?.kind === 'Update' && current.body.length === 0) {
      current.moveTo = move[1]!.trim();
      continue;
    }
    if (!current) {
      if (line.trim() === '') continue;
      throw new PatchError(`expected '*** Add File:', '*** Update File:' or '*** Delete File:' but found '${line.slice(0, 80)}'.`);
    }
    current.body.push(line);
  }
  flush();
  if (ops.length === 0) throw new PatchError('the patch changes no file.');
  return ops;
}

/** The content of a new file: every line of its diff starts with '+'. */
export function createdContent(diff: string): string {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  while (lines.length && lines.at(-1) === '') lines.pop();
  const bad = lines.findIndex((l) => !l.startsWith('+'));
  if (bad >= 0) throw new PatchError(`line ${bad + 1} of a new file must start with '+': '${lines[bad]!.slice(0, 80)}'.`);
  return lines.length ? `${lines.map((l) => l.slice(1)).join('\n')}\n` : '';
}

interface Hunk {
  anchor: string;
  old: string[];
  new: string[];
  atEnd: boolean;
}

function hunksOf(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let h: Hunk | undefined;
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  while (lines.length && lines.at(-1) === '') lines.pop();
  for (const line of lines) {
    if (line.startsWith('@@')) {
      h = { anchor: line.slice(2).trim(), old: [], new: [], atEnd: false };
      hunks.push(h);
      continue;
    }
    if (!h) {
      h = { anchor: '', old: [], new: [], atEnd: false };
      hunks.push(h);
    }
    if (line.trim() === '*** End of File') {
      h.atEnd = true;
      continue;
    }
    const sign = line[0];
    const body = line.slice(1);
    // A line without a sign is context: models often drop the leading space of an empty or unchanged line.
    if (sign === '-') h.old.push(body);
    else if (sign === '+') h.new.push(body);
    else {
      const ctx = sign === ' ' ? body : line;
      h.old.push(ctx);
      h.new.push(ctx);
    }
  }
  return hunks.filter((x) => x.old.length || x.new.length);
}

/** First index at or after `from` where `want` matches: exactly, then ignoring trailing, then all surrounding space. */
function seek(lines: string[], want: string[], from: number, atEnd: boolean): number {
  const norms = [(s: string) => s, (s: string) => s.trimEnd(), (s: string) => s.trim()];
  for (const norm of norms) {
    const w = want.map(norm);
    const first = atEnd ? Math.max(from, lines.length - w.length) : from;
    for (let i = first; i + w.length <= lines.length; i++) {
      if (w.every((x, j) => norm(lines[i + j]!) === x)) return i;
    }
  }
  return -1;
}

/** Applies an update's hunks in order; a hunk that does not match names itself and shows the nearest lines. */
export function applyUpdate(text: string, diff: string, path: string): string {
  const trailing = text.endsWith('\n');
  const lines = text.split('\n');
  if (trailing) lines.pop();
  const hunks = hunksOf(diff);
  if (hunks.length === 0) throw new PatchError(`the update of ${path} has no hunk.`);
  let cursor = 0;
  hunks.forEach((h, n) => {
    let from = cursor;
    if (h.anchor) {
      const at = seek(lines, [h.anchor], cursor, false);
      if (at >= 0) from = at + (h.old.length ? 0 : 1);
    }
    const at = h.old.length ? seek(lines, h.old, from, h.atEnd) : h.atEnd ? lines.length : from;
    if (at < 0) {
      const probe = h.old.find((l) => l.trim()) ?? h.old[0] ?? '';
      throw new PatchError(
        `hunk ${n + 1} of ${hunks.length} did not match ${path}${h.anchor ? ` (after '@@ ${h.anchor}')` : ''}. It expects:\n${h.old.join('\n')}\nThe nearest lines in ${path} are:\n${findNearest(lines.join('\n'), probe)}`,
      );
    }
    lines.splice(at, h.old.length, ...h.new);
    cursor = at + h.new.length;
  });
  return lines.join('\n') + (trailing ? '\n' : '');
}
