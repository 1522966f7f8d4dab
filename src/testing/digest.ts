// What the model sees of a test run: failing tests, their messages and frames, the relevant output, within a byte budget.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { plainText } from './ansi.js';
import { sliceBytes } from './capture.js';
import type { TestFailure, TestRun } from './types.js';

export interface DigestOptions {
  budgetBytes: number;
  /** Absolute paths under it are shown relative to it. */
  projectRoot: string;
}

const HEAD_WINDOW = 64 * 1024;
const MIN_TAIL_WINDOW = 256 * 1024;
/** Share of the budget the failing tests may take when there is output to show too. */
const FAILURE_SHARE = 0.6;
const MAX_FULL_FAILURES = 20;

const bytes = (text: string): number => Buffer.byteLength(text);

/** Cuts text to a byte budget, saying so, never splitting a character. */
export function fitBytes(text: string, budget: number): string {
  if (bytes(text) <= budget) return text;
  const marker = '\n[truncated to fit]';
  if (budget <= bytes(marker)) return sliceBytes(text, Math.max(0, budget));
  return sliceBytes(text, budget - bytes(marker)) + marker;
}

/** The head and the tail of a log file, read in two bounded reads whatever its size. */
function readLog(file: string, tailWindow: number): { head: string; tail: string; whole: boolean; size: number } {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const read = (start: number, length: number): string => {
      const buf = Buffer.alloc(length);
      const n = readSync(fd!, buf, 0, length, start);
      return buf.subarray(0, n).toString();
    };
    if (size <= HEAD_WINDOW + tailWindow) return { head: read(0, size), tail: '', whole: true, size };
    // A cut may land inside a character or a line: drop the partial first line of the tail.
    const tail = read(size - tailWindow, tailWindow);
    return { head: read(0, HEAD_WINDOW), tail: tail.slice(tail.indexOf('\n') + 1), whole: false, size };
  } catch {
    return { head: '', tail: '', whole: true, size: 0 };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function relativize(text: string, root: string): string {
  if (!root || root === '/') return text;
  const base = root.endsWith('/') ? root : `${root}/`;
  return text.split(`file://${base}`).join('').split(base).join('');
}

function indent(text: string, by = '   '): string {
  return text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');
}

function title(f: { file?: string; name: string }): string {
  if (!f.file || f.name === f.file) return f.name;
  return f.name.startsWith(f.file) ? f.name : `${f.file} > ${f.name}`;
}

function renderFailure(f: TestFailure, n: number, compact: boolean): string {
  const message = compact
    ? f.message
        .split('\n')
        .slice(0, 3)
        .map((line) => (line.length > 160 ? `${line.slice(0, 160)}…` : line))
        .join('\n')
    : f.message;
  const frames = compact ? f.frames.slice(0, 1) : f.frames;
  const lines = [`${n}) ${title(f)}`];
  if (message) lines.push(indent(message));
  for (const frame of frames) lines.push(`     at ${frame}`);
  return `${lines.join('\n')}\n`;
}

/** Lines from the end that fit the budget, after a marker for what came before (`before`: more not shown). */
function tailLines(lines: string[], budget: number, before = ''): string {
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const size = bytes(lines[i]!) + 1;
    if (used + size > budget - 80) break;
    kept.unshift(lines[i]!);
    used += size;
  }
  const elided = lines.length - kept.length;
  const marker = elided > 0 ? `[${elided} lines elided${before}]\n` : before ? `[${before.replace(/^, and /, '')}]\n` : '';
  return marker + kept.join('\n');
}

const ERROR_LINE = /\b(?:error|errors|fail|failed|failure|exception|panic|panicked|traceback|assert\w*|expected|fatal|cannot|undefined|not found)\b|✖|✗|×/i;

/**
 * A digest of output from a runner that was not recognised: the lines that look like errors, then the
 * head and the tail, with markers for what was left out.
 */
export function digestOutput(text: string, budgetBytes: number, projectRoot = ''): string {
  const clean = relativize(plainText(text), projectRoot).replace(/\n+$/, '');
  if (bytes(clean) <= budgetBytes) return clean;
  const lines = clean.split('\n');
  const parts: string[] = [];
  const errorBudget = Math.floor(budgetBytes * 0.3);
  const errors: string[] = [];
  let used = 0;
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!ERROR_LINE.test(line) || seen.has(line.trim())) continue;
    seen.add(line.trim());
    const shown = `${i + 1}: ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`;
    if (used + bytes(shown) + 1 > errorBudget) break;
    errors.push(shown);
    used += bytes(shown) + 1;
  }
  if (errors.length) parts.push(`Lines that look like errors (line: text):\n${errors.join('\n')}`);
  const headBudget = Math.floor(budgetBytes * 0.15);
  const head: string[] = [];
  let headUsed = 0;
  for (const line of lines) {
    if (headUsed + bytes(line) + 1 > headBudget) break;
    head.push(line);
    headUsed += bytes(line) + 1;
  }
  parts.push(`Start of the output:\n${head.join('\n')}`);
  const rest = budgetBytes - bytes(parts.join('\n\n')) - 40;
  parts.push(`End of the output:\n${tailLines(lines.slice(head.length), rest)}`);
  return fitBytes(parts.join('\n\n'), budgetBytes);
}

function header(run: TestRun): string {
  const p = run.parsed;
  const outcome = run.timedOut
    ? `timed out after ${Math.round(run.durationMs / 1000)} s (its whole process group was killed)`
    : run.exitCode === null
      ? 'killed by a signal'
      : `exit code ${run.exitCode}`;
  const counts = [
    p.failed !== undefined ? `${p.failed} failed` : undefined,
    p.passed !== undefined ? `${p.passed} passed` : undefined,
    p.skipped ? `${p.skipped} skipped` : undefined,
  ].filter(Boolean);
  const source = p.source === 'report' ? "the runner's report" : p.source === 'output' ? 'its output' : 'nothing (runner not recognised)';
  return [
    `$ ${run.command}${run.targeted ? '   (only the failing tests)' : ''}`,
    `${outcome}${counts.length ? ` · ${counts.join(', ')}` : ''} · ${(run.durationMs / 1000).toFixed(1)} s · ${p.runner}, results read from ${source}`,
  ].join('\n');
}

/** The digest of one run, never larger than budgetBytes, whatever the size of its log. */
export function digest(run: TestRun, opts: DigestOptions): string {
  const budget = Math.max(0, Math.floor(opts.budgetBytes));
  const root = opts.projectRoot;
  const parts: string[] = [header(run)];
  const used = (): number => bytes(parts.join('\n\n')) + 2;

  const failures = run.parsed.failures.map((f) => ({
    ...f,
    message: relativize(plainText(f.message), root),
    frames: f.frames.map((frame) => relativize(frame, root)),
  }));
  if (failures.length) {
    const share = Math.floor(budget * FAILURE_SHARE) - used();
    const blocks: string[] = [];
    let size = 0;
    let shown = 0;
    for (const f of failures) {
      // Leave room to name the failures that will not be shown in full.
      const limit = share - (shown < failures.length - 1 ? 300 : 0);
      const full = shown < MAX_FULL_FAILURES ? renderFailure(f, shown + 1, false) : undefined;
      const block = full && size + bytes(full) <= limit ? full : renderFailure(f, shown + 1, true);
      if (size + bytes(block) > limit) break;
      blocks.push(block);
      size += bytes(block);
      shown++;
    }
    let section = `Failing tests (${failures.length}):\n\n${blocks.join('\n')}`;
    if (shown < failures.length) {
      const rest = failures.slice(shown).map(title);
      const room = Math.max(0, share - size - 40);
      const list = rest.join('; ');
      section += `\n[${rest.length} more failing tests: ${bytes(list) <= room ? list : `${sliceBytes(list, room)}…`}]`;
    }
    parts.push(section.trimEnd());
  } else if (!run.ok) {
    parts.push('No failing test could be named from the results; see the output below.');
  }

  const room = budget - used() - 60;
  if (room > 200) {
    const log = readLog(run.logFile, Math.max(MIN_TAIL_WINDOW, budget * 4));
    const text = log.whole ? log.head : log.tail;
    const recognised = run.parsed.source !== 'none' && failures.length > 0;
    if (recognised || run.ok) {
      const lines = relativize(plainText(text), root).replace(/\n+$/, '').split('\n');
      const before = log.whole ? '' : `, and the log's first ${log.size - bytes(text)} bytes`;
      parts.push(`Output (last lines):\n${tailLines(lines, room, before)}`);
    } else {
      const whole = log.whole ? log.head : `${log.head}\n[…]\n${log.tail}`;
      parts.push(`Output:\n${digestOutput(whole, room, root)}`);
    }
  }
  return fitBytes(parts.join('\n\n'), budget);
}
