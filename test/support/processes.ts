// Finding processes an action left running after it exited, through /proc, so a test can fail on them and they get killed.
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

async function readProc(pid: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Live processes that carry `marker=value` in their environment or belong to `sessionId`.
 * The marker catches children that started their own session; the session catches children
 * whose environment was replaced. Zombies are dead already and are left out.
 */
export async function findProcesses(marker: string, value: string, sessionId: number): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  const needle = `${marker}=${value}`;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const stat = await readProc(pid, 'stat');
    if (!stat) continue;
    // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp session ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') continue;
    const inSession = Number(fields[3]) === sessionId;
    const environ = inSession ? '' : ((await readProc(pid, 'environ')) ?? '');
    if (!inSession && !environ.split('\0').includes(needle)) continue;
    const cmdline = ((await readProc(pid, 'cmdline')) ?? '').split('\0').filter(Boolean).join(' ');
    found.push({ pid: Number(pid), cmdline });
  }
  return found;
}

/**
 * The processes still there after a short grace period: a child the action killed on its
 * way out may take a moment to disappear.
 */
export async function leftoverProcesses(marker: string, value: string, sessionId: number): Promise<ProcessInfo[]> {
  let found = await findProcesses(marker, value, sessionId);
  for (let i = 0; i < 20 && found.length > 0; i++) {
    await sleep(25);
    found = await findProcesses(marker, value, sessionId);
  }
  return found;
}

export function killAll(processes: ProcessInfo[]): void {
  for (const { pid } of processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** Live processes whose command line holds `needle`, after the same short grace: found by what they run, not by anything they could unset. */
export async function findByCmdline(needle: string): Promise<ProcessInfo[]> {
  const look = async (): Promise<ProcessInfo[]> => {
    const found: ProcessInfo[] = [];
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
      const stat = await readProc(pid, 'stat');
      if (!stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = ((await readProc(pid, 'cmdline')) ?? '').split('\0').filter(Boolean).join(' ');
      if (cmdline.includes(needle)) found.push({ pid: Number(pid), cmdline });
    }
    return found;
  };
  let found = await look();
  for (let i = 0; i < 20 && found.length > 0; i++) {
    await sleep(25);
    found = await look();
  }
  return found;
}
