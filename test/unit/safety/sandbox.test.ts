// The sandbox seam with real processes: what a command leaves behind is followed and ended, not found by a variable it could unset.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activeSandbox, openSandbox, type Sandbox } from '../../../src/safety/sandbox.js';
import { killAllRunning, runProcess } from '../../../src/testing/process.js';
import { keepTempDirsOnFailure, makeTempDir } from '../../support/tmp.js';

keepTempDirsOnFailure();

async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (bounded) until the process is gone: a SIGKILL is delivered, not awaited. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (!(await alive(pid))) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/** Runs `command` through the active sandbox in `dir`; returns the pid it wrote to `pidfile`. */
async function leaveBehind(dir: string, command: string): Promise<number> {
  const res = await runProcess({ command, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 20_000, logFile: path.join(dir, 'log.txt'), redact: (s) => s });
  expect(res.exitCode, res.output).toBe(0);
  return Number((await readFile(path.join(dir, 'pid'), 'utf8')).trim());
}

let opened: Sandbox | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

describe('without a second user', () => {
  it('ends a daemon that left its session and emptied its environment while its parent still ran', async () => {
    const dir = await makeTempDir('sandbox-daemon');
    const pid = await leaveBehind(dir, 'env -i setsid sleep 321.5 & echo $! > pid; sleep 0.5');
    // The command is over and its process group gone; the daemon, in a session of its own, is not.
    expect(await alive(pid)).toBe(true);
    killAllRunning();
    expect(await gone(pid)).toBe(true);
  });

  it('ends a double-forked daemon left to init, when it works in the workspace the action opened', async () => {
    const dir = await makeTempDir('sandbox-orphan');
    opened = await openSandbox({ mode: 'off', network: 'on', workspace: dir, env: process.env });
    expect(activeSandbox().kind).toBe('none');
    expect(opened.notes.join(' ')).toMatch(/^Warning: no second user/);
    // `setsid -f` forks, and the fork's parent exits at once: nothing links the daemon to the command but its folder.
    const pid = await leaveBehind(dir, "setsid -f sh -c 'echo $$ > pid; exec env -i sleep 321.6'; sleep 0.3");
    expect(await alive(pid)).toBe(true);
    killAllRunning();
    expect(await gone(pid)).toBe(true);
  });
});
