// pytest: a JUnit report (--junitxml, with file names), its `FAILED file::test - msg` output, reruns by node id.
import { basename, join, resolve } from 'node:path';
import { boundText, messageOf, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { countsIn, fileForRunner, fileFromRunner, isFileCase, pick, readFresh, result } from './common.js';
import { failureMessage, junitResult, readJUnitCases } from './junit-xml.js';
import type { ParseContext, RunnerSpec } from './types.js';

const REPORT = 'pytest-junit.xml';

/** pytest options that take their value as the next word. */
const VALUE_OPTIONS = new Set([
  '-k', '-m', '-c', '-p', '-o', '-W', '-r', '-n', '--rootdir', '--junitxml', '--junit-xml', '--cov', '--cov-report',
  '--cov-config', '--cov-fail-under', '--maxfail', '--tb', '--durations', '--basetemp', '--confcutdir', '--ignore',
  '--ignore-glob', '--deselect', '--log-level', '--log-file', '--log-cli-level', '--import-mode', '--override-ini',
  '--capture', '--color', '--ds', '--reruns', '--timeout', '--dist', '--numprocesses', '--randomly-seed', '--config-file',
]);

/** Indexes of the paths and node ids given on the command line. */
function positionalIndexes(args: string[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      for (let j = i + 1; j < args.length; j++) out.push(j);
      break;
    }
    if (arg.startsWith('-')) {
      if (VALUE_OPTIONS.has(arg)) i++;
      continue;
    }
    out.push(i);
  }
  return out;
}

function positionals(args: string[]): string[] {
  return positionalIndexes(args).map((i) => args[i]!);
}

/** The directory pytest reports paths from, as its header says. */
function rootdirOf(output: string, ctx: ParseContext): string {
  const m = /^rootdir: (.+?)(?:, \w+: .*)?$/m.exec(output);
  return m ? resolve(ctx.dir, m[1]!.trim()) : ctx.dir;
}

/** Splits a node id into file and the rest ("Class::test[param]"). */
function fromNodeId(nodeid: string, ctx: ParseContext): TestCase {
  const at = nodeid.indexOf('::');
  if (at === -1) {
    const file = fileFromRunner(nodeid, ctx);
    return { file, name: file };
  }
  return { file: fileFromRunner(nodeid.slice(0, at), ctx), name: nodeid.slice(at + 2) };
}

/** The FAILURES/ERRORS sections, by their header ("TestX.test_y", "ERROR collecting tests/t.py"). */
function sections(lines: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const header = /^_{3,} (.+?) _{3,}$/.exec(lines[i]!);
    if (!header) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^_{3,} .+ _{3,}$/.test(lines[j]!) && !/^={3,}/.test(lines[j]!)) body.push(lines[j++]!);
    i = j - 1;
    out.set(header[1]!, body.join('\n'));
  }
  return out;
}

function sectionFailure(tc: TestCase, body: string | undefined, summary: string | undefined, frameCtx: ParseContext): TestFailure {
  const text = body ?? '';
  let message = failureMessage({ suites: [], name: tc.name, status: 'failed', details: text });
  if (!message) message = summary ? boundText(summary, 10, 2000) : messageOf(text);
  return { ...tc, message, frames: projectFrames(text, frameCtx.root, frameCtx.dir) };
}

export const pytest: RunnerSpec = {
  kind: 'pytest',
  reportArgs(inv, reportDir) {
    if (!inv.anchor || inv.args.some((a) => a.startsWith('--junitxml') || a.startsWith('--junit-xml'))) return undefined;
    // xunit1 adds the file of each case, which the default family leaves out.
    return { inserts: [{ args: [`--junitxml=${join(reportDir, REPORT)}`, '-o', 'junit_family=xunit1'] }] };
  },
  async readReport(ctx) {
    const xml = await readFresh(join(ctx.reportDir, REPORT), ctx.startedAt);
    const cases = xml ? readJUnitCases(xml) : undefined;
    if (!cases) return undefined;
    const rootCtx = { root: ctx.root, dir: rootdirOf(ctx.output, ctx) };
    return junitResult(
      'pytest',
      cases,
      (c) => {
        if (!c.classname) {
          // A module that failed to collect: its name is the dotted module.
          const file = fileFromRunner(c.file ?? `${c.name.replace(/\./g, '/')}.py`, rootCtx);
          return { file, name: file };
        }
        const file = c.file ? fileFromRunner(c.file, rootCtx) : undefined;
        const parts = c.classname.split('.');
        const module = file ? basename(file, '.py') : undefined;
        const at = module ? parts.lastIndexOf(module) : -1;
        const classes = at === -1 ? parts.filter((p) => /^[A-Z]/.test(p)) : parts.slice(at + 1);
        return { file: file ?? `${parts.filter((p) => !/^[A-Z]/.test(p)).join('/')}.py`, name: [...classes, c.name].join('::') };
      },
      rootCtx,
    );
  },
  parseOutput(output, ctx) {
    if (!looksLike(output)) return undefined;
    const lines = output.split('\n');
    const rootCtx = { root: ctx.root, dir: rootdirOf(output, ctx) };
    const bodies = sections(lines);
    const failures: TestFailure[] = [];
    for (const line of lines) {
      const m = /^(FAILED|ERROR) (\S+?)(?: - (.*))?$/.exec(line);
      if (!m) continue;
      const tc = fromNodeId(m[2]!, rootCtx);
      const nodeName = m[2]!.includes('::') ? m[2]!.slice(m[2]!.indexOf('::') + 2).replace(/::/g, '.') : '';
      const body =
        m[1] === 'ERROR'
          ? (bodies.get(`ERROR collecting ${m[2]}`) ?? bodies.get(`ERROR at setup of ${nodeName}`) ?? bodies.get(`ERROR at teardown of ${nodeName}`))
          : bodies.get(nodeName);
      failures.push(sectionFailure(tc, body, m[3], rootCtx));
    }
    if (failures.length === 0) {
      // No short summary (-rN): fall back to the section headers.
      for (const [header, body] of bodies) {
        if (header.startsWith('ERROR ') || /^(?:Captured|warnings summary)/.test(header)) continue;
        const frames = projectFrames(body, rootCtx.root, rootCtx.dir);
        const file = frames.map((f) => f.replace(/:\d+.*$/, '')).find((f) => /(?:^|\/)test_[^/]*\.py$|_test\.py$/.test(f));
        failures.push(sectionFailure({ file, name: header.replace(/\./g, '::') }, body, undefined, rootCtx));
      }
    }
    const passed = lines
      .map((line) => /^(\S+::\S+) PASSED\b/.exec(line)?.[1] ?? /^PASSED (\S+::\S+)/.exec(line)?.[1])
      .filter((id): id is string => id !== undefined)
      .map((id) => fromNodeId(id, rootCtx));
    const summary = [...lines].reverse().find((line) => /\b\d+ (?:passed|failed|errors?|skipped)\b.* in [\d.]+s/.test(line));
    const counts = summary ? countsIn(summary) : new Map<string, number>();
    return result('pytest', 'output', failures, passed, {
      passed: pick(counts, 'passed'),
      failed: pick(counts, 'failed', 'error', 'errors') ?? (summary ? 0 : undefined),
      skipped: pick(counts, 'skipped', 'xfailed'),
    });
  },
  targetArgs(targets, inv, ctx) {
    if (!inv.anchor) return undefined;
    const own = positionals(inv.args);
    if (own.length === 0) {
      if (!targets.every((t) => t.file)) return undefined;
      const ids = targets.map((t) => (isFileCase(t) ? fileForRunner(t.file!, ctx) : `${fileForRunner(t.file!, ctx)}::${t.name}`));
      return [{ args: [...new Set(ids)] }];
    }
    if (inv.anchor.direct && targets.every((t) => t.file) && !inv.args.includes('--')) {
      // The command names its own paths: the node ids take their place, so only the failing tests run.
      const words = inv.anchor.words.slice(inv.anchor.words.length - inv.args.length);
      const ids = [...new Set(targets.map((t) => (isFileCase(t) ? fileForRunner(t.file!, ctx) : `${fileForRunner(t.file!, ctx)}::${t.name}`)))];
      return positionalIndexes(inv.args).map((i, n) => ({ args: n === 0 ? ids : [], at: words[i]!.start, replaceTo: words[i]!.end }));
    }
    // Through a script the paths cannot be taken out; node ids would add to them, so select by name instead.
    if (targets.some(isFileCase) || inv.args.includes('-k') || inv.args.some((a) => a.startsWith('-k'))) return undefined;
    const names = [...new Set(targets.map((t) => t.name.split('::').pop()!.replace(/\[.*$/, '')))];
    return [{ args: ['-k', names.join(' or ')] }];
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return (
    /^=+ test session starts =+$/m.test(output) ||
    /^=* ?\d+ (?:passed|failed|errors?|skipped)\b.* in [\d.]+s(?: \(.*\))? ?=*$/m.test(output)
  );
}
