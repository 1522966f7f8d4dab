// Running one command: merged ordered output, redaction, bounded capture, and killing whole process groups.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllRunning, runProcess } from '../../../src/testing/process.js';

let dir: string;
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redgreen-process-'));
});

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const noRedact = (text: string): string => text;

/**
 * Whether a process still runs. A killed process whose parent is gone stays a zombie until PID 1 reaps it,
 * and some containers' PID 1 never does: a zombie runs nothing, so it counts as dead.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A SIGKILL is delivered when the kernel next schedules the process: give it a moment to be gone. */
async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isAlive(pid);
}

describe('runProcess', () => {
  it('merges stdout and stderr in order into the log and the output', async () => {
    const logFile = join(dir, 'order.log');
    const res = await runProcess({
      command: 'echo one; echo two >&2; echo three; exit 3',
      cwd: dir,
      env,
      timeoutMs: 10_000,
      logFile,
      redact: noRedact,
    });
    expect(res.exitCode).toBe(3);
    expect(res.timedOut).toBe(false);
    expect(res.output).toBe('one\ntwo\nthree\n');
    expect(await readFile(logFile, 'utf8')).toBe('one\ntwo\nthree\n');
    expect(res.logBytes).toBe(14);
  });

  it('redacts secrets in the log, the output and the live chunks, even when printed in pieces', async () => {
    const logFile = join(dir, 'secret.log');
    const live: string[] = [];
    const res = await runProcess({
      // printf in two calls with a pause: the secret reaches the pipe in two chunks.
      command: "printf 'key=hunter2-'; sleep 0.2; printf 'secret-value\\nok\\n'",
      cwd: dir,
      env,
      timeoutMs: 10_000,
      logFile,
      redact: (text) => text.split('hunter2-secret-value').join('***'),
      onOutput: (chunk) => live.push(chunk),
    });
    expect(res.output).toBe('key=***\nok\n');
    expect(await readFile(logFile, 'utf8')).toBe('key=***\nok\n');
    expect(live.join('')).toBe('key=***\nok\n');
  });

  it('runs with the given environment, in the given folder, with stdin closed', async () => {
    const res = await runProcess({
      command: 'echo "$ONLY_THIS|$HOME|$(pwd)"; cat; echo "read:$?"',
      cwd: dir,
      env: { ...env, ONLY_THIS: 'yes' },
      timeoutMs: 10_000,
      logFile: join(dir, 'env.log'),
      redact: noRedact,
    });
    expect(res.output).toBe(`yes||${dir}\nread:0\n`);
  });

  it('keeps only the head and the tail of a large output in memory, the whole in the log', async () => {
    const logFile = join(dir, 'big.log');
    const res = await runProcess({
      command: 'seq 1 200000',
      cwd: dir,
      env,
      timeoutMs: 30_000,
      logFile,
      redact: noRedact,
      maxCaptureBytes: 10_000,
    });
    expect(res.logBytes).toBe(1_288_895);
    expect((await readFile(logFile)).length).toBe(1_288_895);
    expect(Buffer.byteLength(res.output)).toBeLessThan(10_100);
    expect(res.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(res.output.endsWith('199999\n200000\n')).toBe(true);
    expect(res.output).toMatch(/\[1278895 bytes elided\]/);
  });

  it('on timeout kills the whole process group, background children included', async () => {
    const pidFile = join(dir, 'pids');
    const res = await runProcess({
      // A child that ignores SIGTERM in the background, and the shell itself waiting.
      command: `bash -c 'trap "" TERM; sleep 1000' & echo $! > ${pidFile}; sleep 1000 & echo $! >> ${pidFile}; echo started; wait`,
      cwd: dir,
      env,
      timeoutMs: 500,
      logFile: join(dir, 'timeout.log'),
      redact: noRedact,
    });
    expect(res.timedOut).toBe(true);
    expect(res.exitCode).toBeNull();
    expect(res.output).toBe('started\n');
    const pids = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await goneSoon(pid)).toBe(true);
  });

  it('kills what a finished command left running in its group', async () => {
    const pidFile = join(dir, 'left');
    const res = await runProcess({
      command: `sleep 1000 > /dev/null 2>&1 & echo $! > ${pidFile}; echo done`,
      cwd: dir,
      env,
      timeoutMs: 10_000,
      logFile: join(dir, 'left.log'),
      redact: noRedact,
    });
    expect(res.exitCode).toBe(0);
    expect(res.output).toBe('done\n');
    expect(await goneSoon(Number((await readFile(pidFile, 'utf8')).trim()))).toBe(true);
  });

  it('does not hang on a process that left the group and holds the output open', async () => {
    const pidFile = join(dir, 'escaped');
    const res = await runProcess({
      command: `setsid sleep 1000 & echo $! > ${pidFile}; echo done`,
      cwd: dir,
      env,
      timeoutMs: 60_000,
      logFile: join(dir, 'escaped.log'),
      redact: noRedact,
    });
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    // It is beyond the group kill; the run still ends, and this test cleans up after it.
    process.kill(pid, 'SIGKILL');
    expect(res).toMatchObject({ exitCode: 0, timedOut: false, output: 'done\n' });
  });

  it('killAllRunning stops a command that is still running', async () => {
    let killed: number | undefined;
    const pending = runProcess({
      command: 'echo up; sleep 1000',
      cwd: dir,
      env,
      timeoutMs: 60_000,
      logFile: join(dir, 'shutdown.log'),
      redact: noRedact,
      onOutput: () => {
        killed ??= killAllRunning();
      },
    });
    const res = await pending;
    expect(killed).toBe(1);
    expect(res.timedOut).toBe(false);
    expect(res.signal).toBe('SIGKILL');
    expect(killAllRunning()).toBe(0);
  });

  it('reports a folder that does not exist', async () => {
    await expect(
      runProcess({ command: 'true', cwd: join(dir, 'missing'), env, timeoutMs: 1000, logFile: join(dir, 'x.log'), redact: noRedact }),
    ).rejects.toThrow(/could not start the test command/);
  });
});
