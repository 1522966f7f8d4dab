// Measures what the second user costs (npx tsx scripts/sandbox-cost.ts, as root or with passwordless sudo): making and removing it, and each command it runs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { activeSandbox, openSandbox, type SandboxMode } from '../src/safety/sandbox.js';
import { runProcess } from '../src/testing/process.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A workspace of `files` small files in folders of 100. */
async function workspace(files: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sandbox-cost-'));
  for (let d = 0; d < Math.ceil(files / 100); d++) {
    await mkdir(path.join(dir, `d${d}`));
    await Promise.all(Array.from({ length: Math.min(100, files - d * 100) }, (_, i) => writeFile(path.join(dir, `d${d}`, `f${i}.js`), 'x\n')));
  }
  return dir;
}

/** Milliseconds to run `true` through the active sandbox, the median of `n` runs. */
async function perCommand(n: number, logDir: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await runProcess({ command: 'true', cwd: logDir, env: { PATH: process.env.PATH ?? '' }, timeoutMs: 10_000, logFile: path.join(logDir, `${i}.log`), redact: (s) => s });
    times.push(performance.now() - t);
  }
  return median(times);
}

async function measure(mode: SandboxMode, files: number): Promise<{ open: number; close: number; command: number }> {
  const ws = await workspace(files);
  try {
    const t0 = performance.now();
    const sandbox = await openSandbox({ mode, network: 'on', workspace: ws, env: process.env });
    const open = performance.now() - t0;
    const command = await perCommand(15, ws);
    const t1 = performance.now();
    await sandbox.close();
    return { open, close: performance.now() - t1, command };
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

const rows: string[] = ['| workspace | sandbox | open | close | one command (`true`), median of 15 |', '|---|---|---|---|---|'];
for (const files of [100, 10_000]) {
  for (const mode of ['off', 'user'] as const) {
    const m = await measure(mode, files);
    rows.push(`| ${files.toLocaleString('en')} files | ${mode} | ${m.open.toFixed(0)} ms | ${m.close.toFixed(0)} ms | ${m.command.toFixed(0)} ms |`);
  }
}
console.log(rows.join('\n'));
console.log(`(last sandbox: ${activeSandbox().kind})`);
