// Runs one shell command in its own process group, bounded in time, with its output redacted into a log file.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HeadTail, LineRedactor } from './capture.js';

export interface ProcessOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  logFile: string;
  redact: (text: string) => string;
  onOutput?: (chunk: string) => void;
  /** Output kept in memory whole up to this size; beyond it only the head and the tail. Default 8 MiB. */
  maxCaptureBytes?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Redacted stdout and stderr, merged in order, bounded by maxCaptureBytes. */
  output: string;
  logBytes: number;
}

const DEFAULT_CAPTURE = 8 * 1024 * 1024;
/** Time between SIGTERM and SIGKILL on a timeout. */
const GRACE_MS = 2000;
/** How long the pipes may stay open after the group is gone (a process that left the group holds them). */
const DRAIN_MS = 1000;

/** Process groups started here and not yet known to be finished. */
const running = new Set<number>();

/**
 * Every process a run starts inherits `REDGREEN_TEST_RUN=<tag>`, so one that left the process group (a server
 * spawned `detached`, a daemon) can still be found. The tags of every run so far, for the sweep at shutdown.
 */
const TAG = 'REDGREEN_TEST_RUN';
const tags = new Set<string>();

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: nobody left in the group. EPERM cannot happen for our own children.
    return false;
  }
}

/**
 * Live processes (read from /proc; none where there is none) that carry one of `runTags` or, when `root` is
 * given, descend from it: the tag finds a process whose parent is gone, the tree one that dropped its environment.
 */
function strays(runTags: ReadonlySet<string>, root?: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
  const parents = new Map<number, number>();
  const found = new Set<number>();
  for (const pid of pids) {
    if (pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      parents.set(pid, Number(ppid));
      const tagged = readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .some((v) => v.startsWith(`${TAG}=`) && runTags.has(v.slice(TAG.length + 1)));
      if (tagged) found.add(pid);
    } catch {
      // Gone already, or not ours to read.
    }
  }
  if (root !== undefined) {
    for (const pid of parents.keys()) {
      for (let p = pid, depth = 0; p > 1 && depth < 64; p = parents.get(p) ?? 0, depth++) {
        if (p === root) {
          found.add(pid);
          break;
        }
      }
    }
  }
  return [...found];
}

function killPids(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/**
 * For shutdown: kills every process group still running, and every process any run started that left its
 * group. Returns how many groups were signalled.
 */
export function killAllRunning(): number {
  let killed = 0;
  for (const pgid of running) {
    if (signalGroup(pgid, 'SIGKILL')) killed++;
  }
  running.clear();
  killPids(strays(tags));
  tags.clear();
  return killed;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runProcess(opts: ProcessOptions): Promise<ProcessResult> {
  await mkdir(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile);
  let logError: Error | undefined;
  log.on('error', (err) => {
    logError = err;
  });

  const redactor = new LineRedactor(opts.redact);
  const kept = new HeadTail(opts.maxCaptureBytes ?? DEFAULT_CAPTURE);
  let logBytes = 0;
  const emit = (text: string): boolean => {
    if (!text) return true;
    logBytes += Buffer.byteLength(text);
    kept.push(text);
    opts.onOutput?.(text);
    return log.write(text);
  };

  const started = performance.now();
  const tag = randomUUID();
  // `exec 2>&1` first: one pipe for both streams keeps their lines in the order they were written.
  const child = spawn('bash', ['-c', `exec 2>&1\n${opts.command}`], {
    cwd: opts.cwd,
    env: { ...opts.env, [TAG]: tag },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      // Backpressure: a test printing faster than the disk takes it waits for the log.
      if (!emit(redactor.push(chunk))) {
        child.stdout.pause();
        child.stderr.pause();
        log.once('drain', () => {
          child.stdout.resume();
          child.stderr.resume();
        });
      }
    });
  }

  try {
    await spawned;
  } catch (err) {
    log.end();
    throw new Error(`could not start the test command in ${opts.cwd}: ${(err as Error).message}`);
  }
  const pgid = child.pid!;
  running.add(pgid);
  tags.add(tag);

  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });

  const first = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (first === 'timeout') {
    timedOut = true;
    // The tree is whole while the command still runs: note every process in it before signals break it up.
    const tree = strays(new Set([tag]), pgid);
    signalGroup(pgid, 'SIGTERM');
    const deadline = performance.now() + GRACE_MS;
    while (performance.now() < deadline && signalGroup(pgid, 0)) await sleep(100);
    // A hung run goes whole, including what left its group.
    killPids(new Set([...tree, ...strays(new Set([tag]))]));
  }
  // Whatever the command left behind in its group (watchers, `sleep &`) goes now. What a finished command
  // started in a session of its own (a database a setup command daemonized) lives on for the later runs,
  // until killAllRunning at the end.
  signalGroup(pgid, 'SIGKILL');
  running.delete(pgid);
  const exit = await exited;
  await Promise.race([closed, sleep(DRAIN_MS)]);
  child.stdout.destroy();
  child.stderr.destroy();

  emit(redactor.end());
  await new Promise<void>((resolve) => log.end(resolve));
  if (logError) throw new Error(`could not write the test log ${opts.logFile}: ${logError.message}`);

  return {
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    durationMs: Math.round(exit.at - started),
    output: kept.text(),
    logBytes,
  };
}
