// jest: its --json report, its `● suite › test` output, reruns by file pattern and -t.
import { join } from 'node:path';
import { z } from 'zod';
import { plainText } from '../ansi.js';
import { messageOf, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { countsIn, escapeRegex, fileFromRunner, isFileCase, namesPattern, parseJson, pick, readFresh, result, targetFiles, TITLE_SEP } from './common.js';
import type { ParseContext, RunnerSpec } from './types.js';

const REPORT = 'jest.json';

const Assertion = z.object({
  ancestorTitles: z.array(z.string()).default([]),
  title: z.string(),
  status: z.string(),
  failureMessages: z.array(z.string()).nullish(),
});
const Report = z.object({
  numPassedTests: z.number().optional(),
  numFailedTests: z.number().optional(),
  numPendingTests: z.number().optional(),
  numTodoTests: z.number().optional(),
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string().optional(),
      message: z.string().nullish(),
      assertionResults: z.array(Assertion).default([]),
    }),
  ),
});

/** Code frames (`> 6 | expect(...)`, `  | ^`) sit between jest's message and its stack. */
function withoutCodeFrame(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*>?\s*\d+ \|/.test(line) && !/^\s*\|\s*\^?\s*$/.test(line))
    .join('\n');
}

function failureFromText(tc: TestCase, text: string, ctx: ParseContext): TestFailure {
  const plain = plainText(text);
  return { ...tc, message: messageOf(withoutCodeFrame(plain)), frames: projectFrames(plain, ctx.root, ctx.dir) };
}

function parseTree(lines: string[], ctx: ParseContext): { passed: TestCase[]; failed: Map<string, string> } {
  const passed: TestCase[] = [];
  // Full names of failing tests by their "a › b" form, to give output failures their file.
  const failed = new Map<string, string>();
  let file: string | undefined;
  const suites: { indent: number; name: string }[] = [];
  for (const line of lines) {
    const header = /^(?:PASS|FAIL) (\S+)/.exec(line);
    if (header) {
      file = fileFromRunner(header[1]!, ctx);
      suites.length = 0;
      continue;
    }
    if (!file || !line.trim() || /^\s*●/.test(line) || /^\S/.test(line)) {
      if (/^\s*●/.test(line)) file = undefined;
      continue;
    }
    const indent = /^\s*/.exec(line)![0].length;
    while (suites.length && suites[suites.length - 1]!.indent >= indent) suites.pop();
    const item = /^\s+([✓✕○✎]) (?:skipped |todo )?(.+?)(?: \(\d+(?:\.\d+)? m?s\))?$/.exec(line);
    if (!item) {
      suites.push({ indent, name: line.trim() });
      continue;
    }
    const parts = [...suites.map((s) => s.name), item[2]!];
    if (item[1] === '✓') passed.push({ file, name: parts.join(TITLE_SEP) });
    if (item[1] === '✕') failed.set(parts.join(' › '), file);
  }
  return { passed, failed };
}

export const jest: RunnerSpec = {
  kind: 'jest',
  reportArgs(inv, reportDir) {
    if (!inv.anchor || inv.args.some((a) => a === '--json' || a.startsWith('--outputFile'))) return undefined;
    return { inserts: [{ args: ['--json', `--outputFile=${join(reportDir, REPORT)}`] }] };
  },
  async readReport(ctx) {
    const text = await readFresh(join(ctx.reportDir, REPORT), ctx.startedAt);
    if (!text) return undefined;
    const data = parseJson(Report, text);
    if (!data) return undefined;
    const failures: TestFailure[] = [];
    const passed: TestCase[] = [];
    for (const suite of data.testResults) {
      const file = fileFromRunner(suite.name, ctx);
      let failedHere = 0;
      for (const a of suite.assertionResults) {
        const tc = { file, name: [...a.ancestorTitles, a.title].join(TITLE_SEP) };
        if (a.status === 'passed') passed.push(tc);
        if (a.status === 'failed') {
          failedHere++;
          failures.push(failureFromText(tc, (a.failureMessages ?? []).join('\n'), ctx));
        }
      }
      // A suite that failed without a failing test did not run (syntax error, failing import).
      if (suite.status === 'failed' && failedHere === 0) failures.push(failureFromText({ file, name: file }, suite.message ?? '', ctx));
    }
    const r = data;
    return result('jest', 'report', failures, passed, {
      passed: r.numPassedTests ?? passed.length,
      failed: Math.max(r.numFailedTests ?? 0, failures.length),
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
    });
  },
  parseOutput(output, ctx) {
    if (!looksLike(output) && !/^\s+● /m.test(output)) return undefined;
    const lines = output.split('\n');
    const tree = parseTree(lines, ctx);
    const failures: TestFailure[] = [];
    const seen = new Set<string>();
    let file: string | undefined;
    for (let i = 0; i < lines.length; i++) {
      const fileHeader = /^FAIL (\S+)/.exec(lines[i]!);
      if (fileHeader) file = fileFromRunner(fileHeader[1]!, ctx);
      const header = /^\s{2}● (.+)$/.exec(lines[i]!);
      if (!header) continue;
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !/^\s{2}● /.test(lines[j]!) && !/^(?:PASS|FAIL) |^Test Suites:|^Summary of all failing/.test(lines[j]!)) {
        body.push(lines[j]!);
        j++;
      }
      i = j - 1;
      const title = header[1]!.trim();
      const tc: TestCase =
        title === 'Test suite failed to run' && file
          ? { file, name: file }
          : { file: tree.failed.get(title) ?? file, name: title.split(' › ').join(TITLE_SEP) };
      // jest's "Summary of all failing tests" repeats every failure: count each once.
      const key = `${tc.file ?? ''}\0${tc.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      failures.push(failureFromText(tc, body.join('\n'), ctx));
    }
    const summary = lines.find((line) => /^Tests:\s+\d+/.test(line));
    const counts = summary ? countsIn(summary) : new Map<string, number>();
    return result('jest', 'output', failures, tree.passed, {
      passed: pick(counts, 'passed'),
      failed: pick(counts, 'failed') ?? (summary ? 0 : undefined),
      skipped: pick(counts, 'skipped', 'todo'),
    });
  },
  targetArgs(targets, inv, ctx) {
    if (!inv.anchor) return undefined;
    // jest reads file arguments as regular expressions over paths.
    const files = targetFiles(targets, ctx)?.map(escapeRegex);
    if (targets.some(isFileCase)) return files ? [{ args: files }] : undefined;
    return [{ args: [...(files ?? []), '-t', namesPattern(targets.map((t) => t.name), ' ')] }];
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return /^Tests:\s+\d+/m.test(output) && /^Test Suites:\s+\d+/m.test(output);
}
