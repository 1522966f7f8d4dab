// Maven and Gradle: the JUnit XML reports they write themselves, their console output, reruns by class and method.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { boundText, messageOf, projectFrames } from '../frames.js';
import type { ParsedResult, TestCase, TestFailure } from '../types.js';
import { readFresh, result } from './common.js';
import { junitResult, readJUnitCases, type JUnitCase } from './junit-xml.js';
import type { RunnerSpec } from './types.js';

const MAX_DEPTH = 5;
const SKIP_DIRS = new Set(['node_modules', 'src', '.git', '.gradle', '.idea', '.mvn', 'out', 'bin']);

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** JUnit XML files under a module tree: Surefire/Failsafe reports and Gradle test results. */
export async function findReportFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const collect = async (reports: string, depth: number): Promise<void> => {
    for (const e of await entries(reports)) {
      const path = join(reports, e.name);
      if (e.isFile() && /^TEST-.*\.xml$/.test(e.name)) found.push(path);
      else if (e.isDirectory() && depth > 0) await collect(path, depth - 1);
    }
  };
  const walk = async (at: string, depth: number): Promise<void> => {
    for (const e of await entries(at)) {
      if (!e.isDirectory() || e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      const path = join(at, e.name);
      if (e.name === 'target') {
        await collect(join(path, 'surefire-reports'), 0);
        await collect(join(path, 'failsafe-reports'), 0);
      } else if (e.name === 'build') {
        await collect(join(path, 'test-results'), 2);
      } else if (depth > 0) {
        await walk(path, depth - 1);
      }
    }
  };
  await walk(dir, MAX_DEPTH);
  return found.sort();
}

/** "com.example.CartTest#adds": the class and the method, as Maven's -Dtest and the JVM world write it. */
function nameOf(c: JUnitCase): TestCase {
  const method = c.name.replace(/\(\)$/, '');
  return { name: c.classname ? `${c.classname}#${method}` : method };
}

function javaFailure(name: string, body: string[], root: string): TestFailure {
  const text = body.join('\n');
  return { name, message: messageOf(text) || boundText(body[0] ?? '', 5, 1000), frames: projectFrames(text, root) };
}

function parseMaven(lines: string[], root: string): ParsedResult {
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^\[(?:ERROR|INFO|WARNING)\] /, '');
    // Surefire 3: "pkg.Class.method -- Time elapsed: 0.1 s <<< FAILURE!"; Surefire 2: "method(pkg.Class)  Time elapsed...".
    const v3 = /^(\S+)\.([^.\s]+?) -- Time elapsed: .*<<< (?:FAILURE|ERROR)!$/.exec(line);
    const v2 = /^(\S+?)\((\S+)\)\s+Time elapsed: .*<<< (?:FAILURE|ERROR)!$/.exec(line);
    if (!v3 && !v2) continue;
    const name = v3 ? `${v3[1]}#${v3[2]}` : `${v2![2]}#${v2![1]}`;
    const body: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.trim() && !/^\[(?:INFO|ERROR|WARNING)\]/.test(lines[i + 1]!)) body.push(lines[++i]!);
    failures.push(javaFailure(name, body, root));
  }
  const totals = lines.filter((l) => /Tests run: \d+, Failures: \d+, Errors: \d+, Skipped: \d+\s*$/.test(l)).pop();
  const n = totals ? /Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(totals)!.slice(1).map(Number) : undefined;
  return result('junit', 'output', failures, [], n ? { passed: n[0]! - n[1]! - n[2]! - n[3]!, failed: n[1]! + n[2]!, skipped: n[3] } : {});
}

function parseGradle(lines: string[], root: string): ParsedResult {
  const failures: TestFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\S+) > (.+?)(?:\(\))? FAILED$/.exec(lines[i]!);
    if (!m) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]!)) body.push(lines[++i]!.trim());
    failures.push(javaFailure(`${m[1]}#${m[2]}`, body, root));
  }
  const totals = lines.map((l) => /^(\d+) tests? completed(?:, (\d+) failed)?(?:, (\d+) skipped)?/.exec(l)).filter(Boolean).pop();
  const counts = totals
    ? { passed: Number(totals[1]) - Number(totals[2] ?? 0) - Number(totals[3] ?? 0), failed: Number(totals[2] ?? 0), skipped: Number(totals[3] ?? 0) }
    : {};
  return result('junit', 'output', failures, [], counts);
}

export const junit: RunnerSpec = {
  kind: 'junit',
  async readReport(ctx) {
    const cases: JUnitCase[] = [];
    for (const file of await findReportFiles(ctx.dir)) {
      const xml = await readFresh(file, ctx.startedAt);
      const found = xml ? readJUnitCases(xml) : undefined;
      if (found) cases.push(...found);
    }
    return cases.length ? junitResult('junit', cases, nameOf, ctx) : undefined;
  },
  parseOutput(output, ctx) {
    if (/^\s*(?:\[\w+\] )?T E S T S$/m.test(output) || /\[(?:INFO|ERROR)\] Tests run: \d+/.test(output)) {
      return parseMaven(output.split('\n'), ctx.root);
    }
    if (/^> Task :\S*test\b/im.test(output) || /^\d+ tests? completed/m.test(output)) return parseGradle(output.split('\n'), ctx.root);
    return undefined;
  },
  targetArgs(targets, inv) {
    if (!inv.anchor || !inv.tool) return undefined;
    const pairs = targets.map((t) => {
      const [cls, method] = t.name.split('#');
      return { cls: cls!, method: method?.replace(/[[(].*$/, '') };
    });
    if (pairs.some((p) => !p.cls || !p.method)) return undefined;
    if (inv.tool === 'gradle') return [{ args: pairs.flatMap((p) => ['--tests', `${p.cls}.${p.method}`]) }];
    const byClass = new Map<string, string[]>();
    for (const p of pairs) byClass.set(p.cls, [...(byClass.get(p.cls) ?? []), p.method!]);
    const spec = [...byClass].map(([cls, methods]) => `${cls}#${[...new Set(methods)].join('+')}`).join(',');
    // Modules without the named tests must not fail the build (Surefire 3 and 2 spell this differently).
    return [{ args: [`-Dtest=${spec}`, '-Dsurefire.failIfNoSpecifiedTests=false', '-DfailIfNoTests=false'] }];
  },
  looksLike(output) {
    return /^\s*(?:\[\w+\] )?T E S T S$/m.test(output) || /^> Task :\S*test\b/m.test(output) || /\[(?:INFO|ERROR)\] Tests run: \d+/.test(output);
  },
};
