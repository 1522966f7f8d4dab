// The one way untrusted code runs: a shell command through the sandbox, in its own process group, bounded in time, its output redacted into a log file.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { activeSandbox } from '../safety/sandbox.js';
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
 * For shutdown: kills every process group still running, and every process the untrusted side started,
 * wherever it went (the sandbox's sweep: the second user's every process, or all the run's descendants).
 * Returns how many groups were signalled.
 */
export function killAllRunning(): number {
  const sandbox = activeSandbox();
  let killed = 0;
  for (const pgid of running) if (sandbox.signal(-pgid, 'SIGKILL')) killed++;
  running.clear();
  sandbox.sweep();
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

  const sandbox = activeSandbox();
  const started = performance.now();
  // `exec 2>&1` first: one pipe for both streams keeps their lines in the order they were written.
  const launch = sandbox.launch(['bash', '-c', `exec 2>&1\n${opts.command}`], { ...opts.env, ...sandbox.env });
  const child = spawn(launch.file, launch.args, {
    cwd: opts.cwd,
    env: launch.env,
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
  sandbox.started(pgid);

  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });

  const first = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (first === 'timeout') {
    timedOut = true;
    sandbox.signal(-pgid, 'SIGTERM');
    const deadline = performance.now() + GRACE_MS;
    while (performance.now() < deadline && sandbox.signal(-pgid, 0)) await sleep(100);
    // A hung run goes whole, including what left its group: the sandbox followed every process it started.
    sandbox.killFrom(pgid);
  }
  // Whatever the command left behind in its group (watchers, `sleep &`) goes now. What a finished command
  // started in a session of its own (a database a setup command daemonized) lives on for the later runs,
  // until killAllRunning at the end.
  sandbox.signal(-pgid, 'SIGKILL');
  running.delete(pgid);
  sandbox.ended(pgid);
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

export interface CheckResult {
  exitCode: number | null;
  /** stderr, then stdout. */
  output: string;
  timedOut: boolean;
  /** The checker is not installed here. */
  missing: boolean;
}

/**
 * A short check (a parser over one file) run as the untrusted side, from outside the workspace, with nothing of
 * the action's environment but PATH: a file the model wrote cannot shadow what the checker imports, and what
 * runs is bounded and swept like any test run.
 */
export async function runCheck(argv: string[], timeoutMs: number): Promise<CheckResult> {
  const sandbox = activeSandbox();
  const launch = sandbox.launch(argv, { PATH: process.env.PATH ?? '/usr/bin:/bin', ...sandbox.env });
  const child = spawn(launch.file, launch.args, { cwd: sandbox.outside, env: launch.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].setEncoding('utf8').on('data', (c: string) => {
      if (out[name].length < 64 * 1024) out[name] += c;
    });
  }
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const result = await new Promise<{ code: number | null; missing: boolean }>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve({ code: null, missing: e.code === 'ENOENT' }));
    child.once('spawn', () => {
      running.add(child.pid!);
      sandbox.started(child.pid!);
      timer = setTimeout(() => {
        timedOut = true;
        sandbox.signal(-child.pid!, 'SIGKILL');
        sandbox.killFrom(child.pid!);
      }, timeoutMs);
    });
    child.once('close', (code) => resolve({ code, missing: false }));
  });
  clearTimeout(timer);
  if (child.pid !== undefined) {
    // A checker has no business leaving anything behind.
    sandbox.signal(-child.pid, 'SIGKILL');
    running.delete(child.pid);
    sandbox.ended(child.pid);
  }
  return { exitCode: result.code, output: `${out.stderr}${out.stdout}`.trim(), timedOut, missing: result.missing || result.code === 127 };
}
