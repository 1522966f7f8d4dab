// python -m unittest: its verbose output (`test_x (mod.Class.test_x) ... ok`), FAIL/ERROR blocks and counts; reruns with -k.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { boundText, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { fileFromRunner, result } from './common.js';
import type { ParseContext, RunnerSpec } from './types.js';

/** `test_x (pkg.mod.Class.test_x)` (Python 3.11+) or `test_x (pkg.mod.Class)` (older), with an optional result. */
const CASE = /^(\S+) \(([\w.]+)\)(?: \((.*)\))?(?: \.\.\. (.*))?$/;
const STATUS = /^(ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$/;
const FAILED_LOAD = 'unittest.loader._FailedTest.';

/** Folders module names are relative to: discover's top-level and start folders, then where it ran. */
function bases(ctx: ParseContext): string[] {
  const args = ctx.args ?? [];
  const out: string[] = [];
  const value = (...names: string[]) => {
    const at = args.findIndex((a) => names.includes(a));
    return at === -1 ? undefined : args[at + 1];
  };
  const discover = args.indexOf('discover');
  const positional = discover === -1 ? [] : args.slice(discover + 1).filter((a, i, all) => !a.startsWith('-') && !/^-[stpk]$|^--(?:start-directory|pattern|top-level-directory)$/.test(all[i - 1] ?? ''));
  for (const dir of [value('-t', '--top-level-directory') ?? positional[2], value('-s', '--start-directory') ?? positional[0]]) {
    if (dir) out.push(resolve(ctx.dir, dir));
  }
  return [...out, ctx.dir];
}

/** The file of a test's module: the longest dotted prefix of its id that is a .py file (or a package). */
function fileOf(id: string, ctx: ParseContext): string | undefined {
  const parts = id.split('.');
  for (let k = parts.length; k > 0; k--) {
    const path = parts.slice(0, k).join('/');
    for (const base of bases(ctx)) {
      for (const candidate of [`${path}.py`, `${path}/__init__.py`]) {
        if (existsSync(resolve(base, candidate))) return fileFromRunner(resolve(base, candidate), ctx);
      }
    }
  }
  return undefined;
}

/** A test's full id and file from the words of a result line or a FAIL/ERROR header. */
function caseOf(method: string, paren: string, ctx: ParseContext): TestCase {
  if (paren.startsWith(FAILED_LOAD)) {
    // A module that failed to import: it stands for its whole file.
    const file = fileOf(method, ctx);
    return file ? { file, name: file } : { name: method };
  }
  const id = paren === method || paren.endsWith(`.${method}`) ? paren : `${paren}.${method}`;
  return { file: fileOf(id, ctx), name: id };
}

/** The lines after the last traceback frame: the exception and its message. */
function messageOf(body: string[]): string {
  let last = -1;
  body.forEach((line, i) => {
    if (/^\s*File ".*", line \d+/.test(line)) last = i;
  });
  const rest = last === -1 ? body : body.slice(last + 2);
  return boundText(rest.join('\n').trim(), 30, 3000);
}

export const unittest: RunnerSpec = {
  kind: 'unittest',
  reportArgs(inv) {
    // Verbose output names every test with its result, passing ones included.
    if (!inv.anchor || inv.args.some((a) => a === '-v' || a === '--verbose' || /^-\w*v/.test(a))) return undefined;
    return { inserts: [{ args: ['-v'] }] };
  },
  parseOutput(output, ctx) {
    if (!looksLike(output)) return undefined;
    const lines = output.split('\n');
    const passed: TestCase[] = [];
    const failures: TestFailure[] = [];
    const seen = new Set<string>();
    let pending: { method: string; paren: string } | undefined;
    const settle = (method: string, paren: string, status: string) => {
      if (status === 'ok') passed.push(caseOf(method, paren, ctx));
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const header = /^(FAIL|ERROR): (\S+) \(([\w.]+)\)(?: \((.*)\))?$/.exec(line);
      if (header && /^-{20,}$/.test(lines[i + 1] ?? '')) {
        pending = undefined;
        const body: string[] = [];
        let j = i + 2;
        while (j < lines.length && !/^={20,}$/.test(lines[j]!) && !(/^-{20,}$/.test(lines[j]!) && /^Ran \d+/.test(lines[j + 1] ?? ''))) body.push(lines[j++]!);
        i = j - 1;
        const tc = caseOf(header[2]!, header[3]!, ctx);
        // Subtests fail under one test: count the test once.
        const key = `${tc.file ?? ''}\0${tc.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const text = body.join('\n');
        failures.push({ ...tc, message: messageOf(body), frames: projectFrames(text, ctx.root, ctx.dir) });
        continue;
      }
      const m = CASE.exec(line);
      if (m) {
        const status = m[4]?.trim();
        if (status && STATUS.test(status)) settle(m[1]!, m[2]!, status);
        else pending = { method: m[1]!, paren: m[2]! };
        continue;
      }
      // A docstring line or the test's own output came between the name and the result.
      const status = /(?:^|\.\.\. )(ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$/.exec(line.trim());
      if (pending && status) {
        settle(pending.method, pending.paren, status[1]!);
        pending = undefined;
      }
    }
    const ran = [...output.matchAll(/^Ran (\d+) tests? in /gm)].pop();
    const outcome = [...output.matchAll(/^(OK|FAILED)(?: \((.*)\))?$/gm)].pop();
    const counts = new Map<string, number>();
    for (const part of (outcome?.[2] ?? '').split(',')) {
      const kv = /^\s*([\w ]+)=(\d+)\s*$/.exec(part);
      if (kv) counts.set(kv[1]!.trim(), Number(kv[2]));
    }
    // Subtests fail one by one in the counts: the tests that failed are the FAIL/ERROR blocks, each counted once.
    const failed = failures.length + (counts.get('unexpected successes') ?? 0);
    const skipped = (counts.get('skipped') ?? 0) + (counts.get('expected failures') ?? 0);
    const total = ran ? Number(ran[1]) : undefined;
    return result('unittest', 'output', failures, passed, {
      passed: total === undefined ? undefined : Math.max(0, total - failed - skipped),
      failed: total === undefined ? undefined : failed,
      skipped: total === undefined ? undefined : skipped,
    });
  },
  targetArgs(targets, inv) {
    if (!inv.anchor) return undefined;
    // -k takes fnmatch patterns over "module.Class.test"; one with a `*` is used as it is, so it matches
    // the whole id (the `*` lets a module path differ only in a leading package).
    const ids = targets.map((t) => (t.file !== undefined && t.name === t.file ? undefined : t.name));
    if (ids.some((id) => id === undefined)) return undefined;
    return [{ args: [...new Set(ids)].flatMap((id) => ['-k', `*${id}`]) }];
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return /^Ran \d+ tests? in [\d.]+s$/m.test(output) && /^(?:OK|FAILED|NO TESTS RAN)\b/m.test(output);
}
