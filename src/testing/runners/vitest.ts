// vitest: a JUnit report next to the default reporter, its `FAIL file > suite > test` output, reruns by file and -t.
import { join } from 'node:path';
import { messageOf, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { countsIn, fileFromRunner, isFileCase, namesPattern, pick, readFresh, result, targetFiles, TITLE_SEP } from './common.js';
import { junitResult, readJUnitCases } from './junit-xml.js';
import type { RunnerSpec } from './types.js';

const REPORT = 'vitest-junit.xml';
const FAIL_HEADER = /^ ?FAIL {1,2}(\S.*?)\s*$/;
const SEPARATOR = /^⎯{3,}/;

function failureBlocks(lines: string[]): { headers: string[]; body: string[] }[] {
  const blocks: { headers: string[]; body: string[] }[] = [];
  let current: { headers: string[]; body: string[] } | undefined;
  for (const line of lines) {
    const header = FAIL_HEADER.exec(line);
    if (header && (header[1]!.includes(TITLE_SEP) || header[1]!.includes(' [ '))) {
      // Consecutive headers share one error (vitest groups identical failures).
      if (current && current.body.every((l) => !l.trim())) current.headers.push(header[1]!);
      else blocks.push((current = { headers: [header[1]!], body: [] }));
      continue;
    }
    if (SEPARATOR.test(line) || /^\s*Test Files\s+\d/.test(line)) {
      current = undefined;
      continue;
    }
    current?.body.push(line);
  }
  return blocks;
}

function caseFromHeader(header: string, ctx: Parameters<RunnerSpec['parseOutput']>[1]): TestCase {
  const fileLevel = /^(\S+) \[ .* \]$/.exec(header);
  if (fileLevel) {
    const file = fileFromRunner(fileLevel[1]!, ctx);
    return { file, name: file };
  }
  const parts = header.split(TITLE_SEP);
  return { file: fileFromRunner(parts[0]!, ctx), name: parts.slice(1).join(TITLE_SEP) };
}

/** Passing tests from the tree the default reporter prints for files with failures. */
function passedFromTree(lines: string[], ctx: Parameters<RunnerSpec['parseOutput']>[1]): TestCase[] {
  const passed: TestCase[] = [];
  let file: string | undefined;
  let fileIndent = 0;
  const suites: { indent: number; name: string }[] = [];
  for (const line of lines) {
    const fileLine = /^( ?)[❯✓×↓] (\S+\.[cm]?[jt]sx?) \(\d+ tests?/.exec(line);
    if (fileLine) {
      file = fileFromRunner(fileLine[2]!, ctx);
      fileIndent = fileLine[1]!.length;
      suites.length = 0;
      continue;
    }
    const item = /^(\s+)([❯✓×↓]) (.+?)(?: \d+(?:\.\d+)?m?s)?$/.exec(line);
    if (!item) {
      if (!line.trim()) file = undefined;
      continue;
    }
    if (!file || item[1]!.length <= fileIndent) continue;
    const indent = item[1]!.length;
    while (suites.length && suites[suites.length - 1]!.indent >= indent) suites.pop();
    const suite = /^(.+) \(\d+\)$/.exec(item[3]!);
    if (suite && item[2] !== '✓') {
      suites.push({ indent, name: suite[1]! });
    } else if (item[2] === '✓') {
      passed.push({ file, name: [...suites.map((s) => s.name), item[3]!].join(TITLE_SEP) });
    }
  }
  return passed;
}

function looksLike(output: string): boolean {
  return /^\s*Test Files\s+\d+ (?:failed|passed|skipped)/m.test(output) || /^\s*RUN\s+v\d+\.\d+\.\d+/m.test(output);
}

export const vitest: RunnerSpec = {
  kind: 'vitest',
  reportArgs(inv, reportDir) {
    if (!inv.anchor) return undefined;
    const hasReporter = inv.args.some((a) => a.startsWith('--reporter'));
    const args = [`--reporter=junit`, `--outputFile.junit=${join(reportDir, REPORT)}`];
    return { inserts: [{ args: hasReporter ? args : ['--reporter=default', ...args] }] };
  },
  async readReport(ctx) {
    const xml = await readFresh(join(ctx.reportDir, REPORT), ctx.startedAt);
    const cases = xml ? readJUnitCases(xml) : undefined;
    if (!cases) return undefined;
    return junitResult(
      'vitest',
      cases,
      (c) => {
        const file = fileFromRunner(c.classname ?? c.file ?? '', ctx);
        // A file that failed to load is reported as a case named after the file.
        return { file, name: c.name === c.classname ? file : c.name };
      },
      ctx,
    );
  },
  parseOutput(output, ctx) {
    if (!looksLike(output)) return undefined;
    const lines = output.split('\n');
    const failures: TestFailure[] = [];
    for (const block of failureBlocks(lines)) {
      const body = block.body.join('\n');
      const message = messageOf(body);
      const frames = projectFrames(body, ctx.root, ctx.dir);
      for (const header of block.headers) failures.push({ ...caseFromHeader(header, ctx), message, frames });
    }
    const summary = lines.find((line) => /^\s*Tests\s+\d+ (?:failed|passed|skipped|todo)/.test(line));
    const counts = summary ? countsIn(summary) : new Map<string, number>();
    return result('vitest', 'output', failures, passedFromTree(lines, ctx), {
      passed: pick(counts, 'passed'),
      failed: pick(counts, 'failed') ?? (summary ? 0 : undefined),
      skipped: pick(counts, 'skipped', 'todo'),
    });
  },
  targetArgs(targets, inv, ctx) {
    if (!inv.anchor) return undefined;
    const files = targetFiles(targets, ctx);
    if (targets.some(isFileCase)) return files ? [{ args: files }] : undefined;
    // vitest matches -t against "suite > test" (older versions: "suite test").
    const pattern = namesPattern(targets.map((t) => t.name), '(?: > | )');
    return [{ args: [...(files ?? []), '-t', pattern] }];
  },
  looksLike,
};
