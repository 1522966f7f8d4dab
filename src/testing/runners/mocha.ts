// mocha: its JSON reporter written to a file, its spec output (`1) suite test:`), reruns with --grep.
import { join } from 'node:path';
import { z } from 'zod';
import { plainText } from '../ansi.js';
import { boundText, messageOf, projectFrames } from '../frames.js';
import type { ParsedResult, TestCase, TestFailure } from '../types.js';
import { fileFromRunner, isFileCase, namesPattern, parseJson, readFresh, result, TITLE_SEP } from './common.js';
import type { ParseContext, RunnerSpec } from './types.js';

const REPORT = 'mocha.json';

const Test = z.object({
  title: z.string(),
  fullTitle: z.string(),
  file: z.string().nullish(),
  err: z
    .object({ message: z.string().nullish(), stack: z.string().nullish(), actual: z.unknown(), expected: z.unknown() })
    .partial()
    .nullish(),
});
const Report = z.object({
  stats: z.object({ passes: z.number(), failures: z.number(), pending: z.number() }).partial(),
  failures: z.array(Test),
  passes: z.array(Test),
});

/** "suite > test" from mocha's title and space-joined full title. */
function nameOf(title: string, fullTitle: string): string {
  const prefix = fullTitle.endsWith(title) ? fullTitle.slice(0, fullTitle.length - title.length).trim() : '';
  return prefix ? `${prefix}${TITLE_SEP}${title}` : title;
}

function show(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fromReport(t: z.infer<typeof Test>, ctx: ParseContext): TestFailure {
  const err = t.err ?? {};
  const stack = plainText(err.stack ?? '');
  let message = plainText(err.message ?? '') || messageOf(stack);
  const expected = show(err.expected);
  const actual = show(err.actual);
  // Assertion libraries keep the compared values apart from the message; the model needs both.
  if (expected !== undefined && actual !== undefined && !(message.includes(expected) && message.includes(actual))) {
    message += `\nexpected: ${expected}\nactual: ${actual}`;
  }
  return {
    file: t.file ? fileFromRunner(t.file, ctx) : undefined,
    name: nameOf(t.title, t.fullTitle),
    message: boundText(message.trim(), 40, 4000),
    frames: projectFrames(stack, ctx.root, ctx.dir),
  };
}

function passedFromTree(lines: string[]): TestCase[] {
  const passed: TestCase[] = [];
  const suites: { indent: number; name: string }[] = [];
  for (const line of lines) {
    if (/^\s+\d+ (?:passing|failing|pending)\b/.test(line)) break;
    const indent = /^\s*/.exec(line)![0].length;
    // The spec reporter indents everything; unindented lines come from elsewhere (npm's banner).
    if (!line.trim() || indent === 0) continue;
    while (suites.length && suites[suites.length - 1]!.indent >= indent) suites.pop();
    const item = /^\s+(?:([✔✓]) |\d+\) |- )(.+?)(?: \(\d+ms\))?$/.exec(line);
    if (!item) {
      suites.push({ indent, name: line.trim() });
      continue;
    }
    if (item[1]) passed.push({ name: [...suites.map((s) => s.name), item[2]!].join(TITLE_SEP) });
  }
  return passed;
}

function failuresFromOutput(lines: string[], ctx: ParseContext): TestFailure[] {
  const failures: TestFailure[] = [];
  const start = lines.findIndex((line) => /^\s+\d+ failing\b/.test(line));
  if (start === -1) return failures;
  for (let i = start + 1; i < lines.length; i++) {
    const head = /^(\s*)\d+\) (.*)$/.exec(lines[i]!);
    if (!head) continue;
    const titles: string[] = [];
    let line = head[2]!;
    let j = i;
    // The title runs over several lines, one per suite, the last ending with ':'.
    while (j < lines.length) {
      if (line.trim().endsWith(':')) {
        titles.push(line.trim().slice(0, -1));
        break;
      }
      titles.push(line.trim());
      j++;
      line = lines[j] ?? '';
    }
    const body: string[] = [];
    let k = j + 1;
    while (k < lines.length && !/^\s*\d+\) \S/.test(lines[k]!)) body.push(lines[k++]!);
    i = k - 1;
    const text = body.join('\n');
    const frames = projectFrames(text, ctx.root, ctx.dir);
    const file = frames[0] ? frames[0].replace(/:\d+(?::\d+)?(?: \(.*\))?$/, '') : undefined;
    failures.push({ file, name: titles.join(TITLE_SEP), message: messageOf(text), frames });
  }
  return failures;
}

function fromJson(text: string, ctx: ParseContext, source: 'report' | 'output'): ParsedResult | undefined {
  const data = parseJson(Report, text);
  if (!data) return undefined;
  const { stats, failures, passes } = data;
  return result(
    'mocha',
    source,
    failures.map((t) => fromReport(t, ctx)),
    passes.map((t) => ({ file: t.file ? fileFromRunner(t.file, ctx) : undefined, name: nameOf(t.title, t.fullTitle) })),
    { passed: stats.passes ?? passes.length, failed: stats.failures ?? failures.length, skipped: stats.pending },
  );
}

export const mocha: RunnerSpec = {
  kind: 'mocha',
  reportArgs(inv, reportDir) {
    if (!inv.anchor) return undefined;
    return { inserts: [{ args: ['--reporter', 'json', '--reporter-option', `output=${join(reportDir, REPORT)}`] }] };
  },
  async readReport(ctx) {
    const text = await readFresh(join(ctx.reportDir, REPORT), ctx.startedAt);
    return text ? fromJson(text, ctx, 'report') : undefined;
  },
  parseOutput(output, ctx) {
    // Versions without the reporter's `output` option print the JSON report on stdout instead.
    const json = /^\{\n\s+"stats": \{/m.exec(output);
    if (json) {
      const end = output.lastIndexOf('\n}');
      const parsed = end > json.index ? fromJson(output.slice(json.index, end + 2), ctx, 'output') : undefined;
      if (parsed) return parsed;
    }
    if (!looksLike(output)) return undefined;
    const lines = output.split('\n');
    const count = (word: string): number | undefined => {
      const match = new RegExp(`^\\s+(\\d+) ${word}\\b`, 'm').exec(output);
      return match ? Number(match[1]) : undefined;
    };
    return result('mocha', 'output', failuresFromOutput(lines, ctx), passedFromTree(lines), {
      passed: count('passing'),
      failed: count('failing') ?? 0,
      skipped: count('pending'),
    });
  },
  targetArgs(targets, inv) {
    // --grep narrows whatever files the configuration loads; a file that failed to load cannot be grepped.
    if (!inv.anchor || targets.some(isFileCase)) return undefined;
    return [{ args: ['--grep', namesPattern(targets.map((t) => t.name), ' ')] }];
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return /^\s+\d+ passing \(\d+(?:\.\d+)?m?s\)/m.test(output) || /^\s+\d+ failing\s*$/m.test(output);
}
