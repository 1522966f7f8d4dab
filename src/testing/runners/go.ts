// go test: its -json event stream or its plain `--- FAIL: TestX` output (-v added for passes), reruns with -run.
import { z } from 'zod';
import { boundText, dedent, projectFrames } from '../frames.js';
import type { ParsedResult, TestCase, TestFailure } from '../types.js';
import { parseJson as parseWith, result } from './common.js';
import type { ParseContext, RunnerSpec } from './types.js';

/** One line of `go test -json` (cmd/test2json); Go 1.24 adds build events keyed by ImportPath. */
const Event = z.object({
  Action: z.string(),
  Package: z.string().optional(),
  ImportPath: z.string().optional(),
  Test: z.string().optional(),
  Output: z.string().optional(),
  FailedBuild: z.string().optional(),
});

const isLeafFailure = (name: string, failed: Set<string>): boolean => ![...failed].some((other) => other.startsWith(`${name}/`));

function failure(name: string, lines: string[], ctx: ParseContext): TestFailure {
  const text = dedent(lines.filter((l) => !/^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)|--- (?:FAIL|PASS|SKIP):)/.test(l)).join('\n')).trim();
  return { name, message: boundText(text, 40, 4000), frames: projectFrames(text, ctx.root, ctx.dir) };
}

function parseJson(lines: string[], ctx: ParseContext): ParsedResult {
  const output = new Map<string, string[]>();
  const failed = new Set<string>();
  const failedPackages: { pkg: string; build?: string }[] = [];
  const passed: TestCase[] = [];
  let skipped = 0;
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    const e = parseWith(Event, line);
    if (!e) continue;
    const pkg = e.Package ?? e.ImportPath ?? '';
    const key = e.Test ? `${pkg}\u0000${e.Test}` : pkg;
    if ((e.Action === 'output' || e.Action === 'build-output') && e.Output !== undefined) {
      const list = output.get(key) ?? [];
      list.push(e.Output.replace(/\n$/, ''));
      output.set(key, list);
    } else if (e.Action === 'fail') {
      if (e.Test) failed.add(key);
      else failedPackages.push({ pkg, build: e.FailedBuild });
    } else if (e.Action === 'pass' && e.Test) {
      passed.push({ name: e.Test });
    } else if (e.Action === 'skip' && e.Test) {
      skipped++;
    }
  }
  const failures: TestFailure[] = [];
  for (const key of failed) {
    if (!isLeafFailure(key, failed)) continue;
    failures.push(failure(key.split('\u0000')[1]!, output.get(key) ?? [], ctx));
  }
  // A package that failed with no failing test: it did not build, or it crashed outside a test.
  for (const { pkg, build } of failedPackages) {
    if ([...failed].some((key) => key.startsWith(`${pkg}\u0000`))) continue;
    failures.push(failure(pkg, [...(build ? (output.get(build) ?? []) : []), ...(output.get(pkg) ?? [])], ctx));
  }
  return result('go', 'output', failures, passed, { passed: passed.length, failed: failures.length, skipped });
}

function parsePlain(lines: string[], ctx: ParseContext): ParsedResult {
  const failed = new Map<string, string[]>();
  const passed: TestCase[] = [];
  let skipped = 0;
  const running = new Map<string, string[]>();
  let current: string | undefined;
  // Lines outside any test since the last package result, and the tests that failed in this package.
  let pending: string[] = [];
  let failedInPackage = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const run = /^=== (?:RUN|CONT|NAME)\s+(\S+)/.exec(line);
    if (run) {
      current = run[1]!;
      if (!running.has(current)) running.set(current, []);
      continue;
    }
    const end = /^(\s*)--- (FAIL|PASS|SKIP): (\S+)/.exec(line);
    if (end) {
      const name = end[3]!;
      if (end[2] === 'PASS') passed.push({ name });
      if (end[2] === 'SKIP') skipped++;
      if (end[2] === 'FAIL') {
        // Without -v the test's log comes after its FAIL line, indented deeper.
        const after: string[] = [];
        const indent = end[1]!.length;
        while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]!) && /^\s*/.exec(lines[i + 1]!)![0].length > indent && !/^\s*--- /.test(lines[i + 1]!)) {
          after.push(lines[++i]!);
        }
        failed.set(name, [...(running.get(name) ?? []), ...after]);
        failedInPackage++;
      }
      current = undefined;
      continue;
    }
    const pkgFail = /^FAIL\t(\S+)(?:\s+\[(?:build failed|setup failed)\]|\t)/.exec(line);
    if (pkgFail) {
      if (failedInPackage === 0) failed.set(pkgFail[1]!, pending);
      pending = [];
      failedInPackage = 0;
      continue;
    }
    if (/^(?:ok  \t|\? +\t)/.test(line)) {
      pending = [];
      failedInPackage = 0;
      continue;
    }
    if (/^(?:FAIL|PASS)$/.test(line)) continue;
    if (current) running.get(current)!.push(line);
    else pending.push(line);
  }
  const names = new Set(failed.keys());
  const failures = [...failed]
    .filter(([name]) => isLeafFailure(name, names))
    .map(([name, log]) => failure(name, log, ctx));
  return result('go', 'output', failures, passed, { passed: passed.length, failed: failures.length, skipped });
}

export const go: RunnerSpec = {
  kind: 'go',
  // go test writes no report file; -v makes it name the tests that pass.
  reportArgs(inv) {
    if (!inv.anchor || inv.args.includes('-v') || inv.args.includes('-json')) return undefined;
    return { inserts: [{ args: ['-v'] }] };
  },
  parseOutput(output, ctx) {
    if (!looksLike(output)) return undefined;
    const lines = output.split('\n');
    return lines.some((line) => /^\{"(?:Time|Action)":/.test(line)) ? parseJson(lines, ctx) : parsePlain(lines, ctx);
  },
  targetArgs(targets, inv) {
    if (!inv.anchor) return undefined;
    const tops = [...new Set(targets.map((t) => t.name.split('/')[0]!))];
    if (!tops.every((name) => /^\w+$/.test(name))) return undefined;
    return [{ args: ['-run', tops.length === 1 ? `^${tops[0]}$` : `^(?:${tops.join('|')})$`] }];
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return /^(?:--- (?:FAIL|PASS): |=== RUN |ok  \t|FAIL\t\S)/m.test(output) || /^\{"(?:Time|Action)":/m.test(output);
}
