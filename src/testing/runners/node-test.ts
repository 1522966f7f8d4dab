// node:test: a JUnit report next to the spec reporter, its spec and TAP output, reruns with --test-name-pattern.
import { join } from 'node:path';
import { messageOf, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { countsIn, fileFromRunner, isFileCase, namesPattern, pick, readFresh, result, targetFiles, TITLE_SEP } from './common.js';
import { junitResult, readJUnitCases } from './junit-xml.js';
import { parseTap } from './tap.js';
import type { Insertion, Invocation, ParseContext, RunnerSpec } from './types.js';

const REPORT = 'node-junit.xml';
const SCRIPT_FILE = /\.(?:[cm]?[jt]sx?)$/;

/**
 * Where options can go. Node reads options only before its first file argument, so on a command line
 * they go right after `--test`; through a script (appended at its end) only when it names no files.
 */
function optionsAt(inv: Invocation): { at?: number } | undefined {
  if (!inv.anchor) return undefined;
  if (inv.anchor.direct) {
    const flag = inv.anchor.words.find((w) => w.value === '--test');
    return flag ? { at: flag.end } : undefined;
  }
  const afterTest = inv.args.slice(inv.args.indexOf('--test') + 1);
  return afterTest.some((a) => !a.startsWith('-')) ? undefined : {};
}

/** Reads the spec reporter: the tree of results, then the "failing tests:" details. */
function parseSpec(output: string, ctx: ParseContext): { failures: TestFailure[]; passed: TestCase[] } | undefined {
  const lines = output.split('\n');
  const detailsAt = lines.findIndex((line) => /^✖ failing tests:/.test(line));
  const tree = detailsAt === -1 ? lines : lines.slice(0, detailsAt);
  const passed: TestCase[] = [];
  const failing: string[] = [];
  const suites: { indent: number; name: string }[] = [];
  for (const line of tree) {
    const m = /^(\s*)([▶✔✖﹣]) (.+?)(?: \([\d.]+m?s\))?( # (?:SKIP|TODO).*)?$/.exec(line);
    if (!m) continue;
    const indent = m[1]!.length;
    while (suites.length && suites[suites.length - 1]!.indent > indent) suites.pop();
    const top = suites[suites.length - 1];
    if (m[2] === '▶') {
      suites.push({ indent, name: m[3]! });
      continue;
    }
    // A suite ends with a ✔/✖ line of its own name at its own indent.
    if (top && top.indent === indent && top.name === m[3]) {
      suites.pop();
      continue;
    }
    const name = [...suites.filter((s) => s.indent < indent).map((s) => s.name), m[3]!].join(TITLE_SEP);
    // A file whose tests were all filtered out, or that has none, is reported as a test named after it.
    // A skipped or todo test did not pass, whatever mark it carries.
    if (m[2] === '✔' && !m[4]) passed.push(SCRIPT_FILE.test(name) ? { file: fileFromRunner(name, ctx), name: fileFromRunner(name, ctx) } : { name });
    if (m[2] === '✖') failing.push(name);
  }
  if (detailsAt === -1 && passed.length === 0 && failing.length === 0) return undefined;

  const failures: TestFailure[] = [];
  const details = detailsAt === -1 ? [] : lines.slice(detailsAt + 1);
  for (let i = 0; i < details.length; i++) {
    const head = /^✖ (.+?)(?: \([\d.]+m?s\))?$/.exec(details[i]!);
    if (!head) continue;
    const at = /^test at (\S+?):\d+:\d+$/.exec(details[i - 1] ?? '');
    const body: string[] = [];
    let j = i + 1;
    while (j < details.length && !/^(?:✖ |test at )/.test(details[j]!)) body.push(details[j++]!);
    i = j - 1;
    const leaf = head[1]!;
    const file = at ? fileFromRunner(at[1]!, ctx) : undefined;
    const index = failing.findIndex((name) => name === leaf || name.endsWith(`${TITLE_SEP}${leaf}`));
    const name = index === -1 ? leaf : failing.splice(index, 1)[0]!;
    const text = body.join('\n');
    const fileLevel = SCRIPT_FILE.test(leaf) && file !== undefined && fileFromRunner(leaf, ctx) === file;
    failures.push({
      file,
      name: fileLevel ? file : name,
      message: messageOf(text),
      frames: projectFrames(text, ctx.root, ctx.dir),
    });
  }
  for (const name of failing) failures.push({ name, message: '', frames: [] });
  return { failures, passed };
}

export const nodeTest: RunnerSpec = {
  kind: 'node-test',
  reportArgs(inv, reportDir) {
    const where = optionsAt(inv);
    if (!where || inv.args.some((a) => a.startsWith('--test-reporter'))) return undefined;
    const args = [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=junit',
      `--test-reporter-destination=${join(reportDir, REPORT)}`,
    ];
    return { inserts: [{ args, ...where }] };
  },
  async readReport(ctx) {
    const xml = await readFresh(join(ctx.reportDir, REPORT), ctx.startedAt);
    const cases = xml ? readJUnitCases(xml) : undefined;
    if (!cases) return undefined;
    return junitResult(
      'node-test',
      cases,
      (c) => {
        const file = c.file ? fileFromRunner(c.file, ctx) : undefined;
        // A file that failed to load is a case named after the file, outside any suite.
        if (file && SCRIPT_FILE.test(c.name) && fileFromRunner(c.name, ctx) === file) return { file, name: file };
        return { file, name: [...c.suites, c.name].join(TITLE_SEP) };
      },
      ctx,
    );
  },
  parseOutput(output, ctx) {
    if (!looksLike(output)) return undefined;
    const tap = /^TAP version \d+/m.test(output) || /^# tests \d+/m.test(output);
    const found = tap ? parseTap(output, ctx) : parseSpec(output, ctx);
    const counts = countsIn(
      output
        .split('\n')
        .filter((line) => /^(?:ℹ|#) (?:tests|pass|fail|skipped|todo|cancelled) \d+$/.test(line))
        .map((line) => line.replace(/^(?:ℹ|#) (\w+) (\d+)$/, '$2 $1'))
        .join(', '),
    );
    return result('node-test', 'output', found?.failures ?? [], found?.passed ?? [], {
      passed: pick(counts, 'pass'),
      failed: pick(counts, 'fail', 'cancelled'),
      skipped: pick(counts, 'skipped', 'todo'),
    });
  },
  targetArgs(targets, inv, ctx) {
    const where = optionsAt(inv);
    if (!where) return undefined;
    const files = targetFiles(targets, ctx);
    const inserts: Insertion[] = [];
    if (!targets.every(isFileCase)) {
      // Node 22+ matches the pattern against "suite test"; older versions against the test's own name.
      const names = targets.flatMap((t) => (isFileCase(t) ? [] : [t.name, t.name.split(TITLE_SEP).pop()!]));
      inserts.push({ args: [`--test-name-pattern=${namesPattern(names, ' ')}`], ...where });
    }
    // File arguments go last: after them node takes nothing for itself.
    if (files) inserts.push({ args: files });
    return inserts.length ? inserts : undefined;
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return /^ℹ tests \d+$/m.test(output) || (/^# tests \d+$/m.test(output) && /^# pass \d+$/m.test(output));
}
