// Helpers every runner module shares: results, paths, name patterns for reruns.
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { projectPath } from '../frames.js';
import type { ParsedResult, RunnerKind, TestCase, TestFailure } from '../types.js';
import type { z } from 'zod';
import type { ParseContext } from './types.js';

/** Reports larger than this are not read (the output is parsed instead). */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** JSON text checked against a schema; undefined when it is not JSON or not of that shape. */
export function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Separator of suite and test titles in TestCase.name for the JavaScript runners. */
export const TITLE_SEP = ' > ';

export function result(
  runner: RunnerKind,
  source: ParsedResult['source'],
  failures: TestFailure[],
  passedCases: TestCase[],
  counts: { passed?: number; failed?: number; skipped?: number } = {},
): ParsedResult {
  return {
    runner,
    passed: counts.passed ?? (source === 'report' ? passedCases.length : undefined),
    failed: counts.failed ?? (source === 'report' ? failures.length : undefined),
    skipped: counts.skipped,
    failures,
    passedCases,
    source,
  };
}

/** A runner's path for a file (absolute, or relative to where it ran) as seen from the project root. */
export function fileFromRunner(path: string, ctx: ParseContext): string {
  return projectPath(path, ctx.root, ctx.dir) ?? path;
}

/** A project-relative file as the runner, running in ctx.dir, expects it on its command line. */
export function fileForRunner(file: string, ctx: ParseContext): string {
  const rel = relative(ctx.dir, resolve(ctx.root, file));
  return rel.split(sep).join('/') || '.';
}

/** A case that stands for a whole file (it failed to load): its name is its file. */
export function isFileCase(tc: TestCase): boolean {
  return tc.file !== undefined && tc.name === tc.file;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An anchored pattern matching any of the names, their title parts joined by `joiner` (a regex). */
export function namesPattern(names: string[], joiner: string): string {
  const alternatives = [...new Set(names)].map((name) => name.split(TITLE_SEP).map(escapeRegex).join(joiner));
  return alternatives.length === 1 ? `^${alternatives[0]}$` : `^(?:${alternatives.join('|')})$`;
}

/** Unique files of the targets, or undefined when some target has none. */
export function targetFiles(targets: TestCase[], ctx: ParseContext): string[] | undefined {
  if (targets.some((t) => !t.file)) return undefined;
  return [...new Set(targets.map((t) => fileForRunner(t.file!, ctx)))];
}

/** Reads a report file written during this run; undefined when missing, stale or too large. */
export async function readFresh(path: string, startedAt = 0): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_REPORT_BYTES || info.mtimeMs < startedAt - 2000) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses `N word` counts from a summary line ("1 failed, 2 passed, 3 skipped"). */
export function countsIn(line: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of line.matchAll(/(\d+) ([a-z]+)/gi)) {
    const key = match[2]!.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + Number(match[1]));
  }
  return counts;
}

/** Sum of the counts under any of the keys, or undefined when none is present. */
export function pick(counts: Map<string, number>, ...keys: string[]): number | undefined {
  let total: number | undefined;
  for (const key of keys) {
    const value = counts.get(key);
    if (value !== undefined) total = (total ?? 0) + value;
  }
  return total;
}
