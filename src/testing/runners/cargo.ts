// cargo test: no report on stable, so its `test x ... FAILED` output and `---- x stdout ----` blocks; reruns by exact name.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { boundText, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { fileFromRunner, result } from './common.js';
import type { ParseContext, RunnerSpec } from './types.js';

/**
 * The file that holds a test's module: `parser::tests::x` run from the crate root src/lib.rs lives in
 * src/parser.rs or src/parser/mod.rs. The crate root itself when no module file is found.
 */
function moduleFile(crateRoot: string | undefined, name: string, ctx: ParseContext): string | undefined {
  if (!crateRoot) return undefined;
  const modules = name.split('::').slice(0, -1);
  const base = dirname(crateRoot);
  for (let k = modules.length; k > 0; k--) {
    const path = modules.slice(0, k).join('/');
    for (const candidate of [`${path}.rs`, `${path}/mod.rs`]) {
      const rel = base === '.' ? candidate : `${base}/${candidate}`;
      if (existsSync(resolve(ctx.root, rel))) return rel;
    }
  }
  return crateRoot;
}

/** The panic message of a failure block: from "panicked at" to the backtrace. */
function panicMessage(block: string[]): string {
  const start = block.findIndex((line) => /panicked at /.test(line));
  const from = start === -1 ? block : block.slice(start);
  const end = from.findIndex((line, i) => i > 0 && /^(?:stack backtrace:|note: )/.test(line));
  return boundText((end === -1 ? from : from.slice(0, end)).join('\n').trim(), 40, 4000);
}

export const cargo: RunnerSpec = {
  kind: 'cargo',
  parseOutput(output, ctx) {
    if (!looksLike(output)) return undefined;
    const lines = output.split('\n');
    let file: string | undefined;
    const fileOf = new Map<string, string | undefined>();
    const failedNames: string[] = [];
    const passed: TestCase[] = [];
    const blocks = new Map<string, string[]>();
    let passedCount = 0;
    let failedCount = 0;
    let skipped = 0;
    let seenSummary = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const running = /^\s*Running (?:unittests )?(\S+)(?: \(|$)/.exec(line);
      if (running) {
        file = /\.rs$/.test(running[1]!) ? fileFromRunner(running[1]!, ctx) : undefined;
        continue;
      }
      if (/^\s*Doc-tests /.test(line)) {
        file = undefined;
        continue;
      }
      const test = /^test (.+?) \.\.\. (ok|FAILED|ignored)\b/.exec(line);
      if (test) {
        const name = test[1]!;
        const where = moduleFile(file, name, ctx);
        if (test[2] === 'ok') passed.push({ file: where, name });
        if (test[2] === 'FAILED') {
          failedNames.push(name);
          fileOf.set(name, where);
        }
        continue;
      }
      const block = /^---- (.+?) stdout ----$/.exec(line);
      if (block) {
        const body: string[] = [];
        let j = i + 1;
        while (j < lines.length && !/^---- .+ stdout ----$/.test(lines[j]!) && !/^failures:$/.test(lines[j]!)) body.push(lines[j++]!);
        i = j - 1;
        blocks.set(block[1]!, body);
        continue;
      }
      const summary = /^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/.exec(line);
      if (summary) {
        seenSummary = true;
        passedCount += Number(summary[1]);
        failedCount += Number(summary[2]);
        skipped += Number(summary[3]);
      }
    }
    const failures: TestFailure[] = failedNames.map((name) => {
      const body = blocks.get(name) ?? [];
      return { file: fileOf.get(name), name, message: panicMessage(body), frames: projectFrames(body.join('\n'), ctx.root, ctx.dir) };
    });
    return result('cargo', 'output', failures, passed, {
      passed: seenSummary ? passedCount : passed.length,
      failed: seenSummary ? failedCount : failures.length,
      skipped: seenSummary ? skipped : undefined,
    });
  },
  targetArgs(targets, inv) {
    if (!inv.anchor) return undefined;
    // Doc tests are named after their file and line and cannot be filtered exactly.
    if (targets.some((t) => /\(line \d+\)/.test(t.name))) return undefined;
    const names = [...new Set(targets.map((t) => t.name))];
    return [{ args: inv.args.includes('--') ? ['--exact', ...names] : ['--', '--exact', ...names] }];
  },
  looksLike,
};

function looksLike(output: string): boolean {
  return /^test result: (?:ok|FAILED)\. \d+ passed/m.test(output) || /^running \d+ tests?$/m.test(output);
}
