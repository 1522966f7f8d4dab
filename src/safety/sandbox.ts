// The one seam for untrusted code: how setup and test commands, the model's shell and syntax checks are started and ended.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descendants, killPid, Lineage, listProcs } from './procs.js';
import { loopbackUp, openSecondUser, secondUserPossible } from './second-user.js';

export const SandboxModes = ['auto', 'user', 'off'] as const;
export type SandboxMode = (typeof SandboxModes)[number];
export const NetworkModes = ['on', 'off'] as const;
export type NetworkMode = (typeof NetworkModes)[number];

/** How to start one untrusted command: the program, its arguments and its environment. */
export interface Launch {
  file: string;
  args: string[];
  env: Record<string, string>;
}

export interface Sandbox {
  /** `user`: a second user of this run runs the untrusted code; `none`: the action's own user does. */
  readonly kind: 'user' | 'none';
  /** Sentences for the summary: the warning without a second user, the places granted to it. */
  readonly notes: string[];
  /** The environment an untrusted command gets on top of the credential-free one: its own HOME, RUNNER_TEMP. */
  readonly env: Record<string, string>;
  /** A folder outside the workspace for checks that must not run inside it (the syntax checks). */
  readonly outside: string;
  /** How `argv` runs untrusted, with `env` (already free of credentials). */
  launch(argv: string[], env: Record<string, string>): Launch;
  /** A fresh folder the untrusted side may write and the action may read (test report files). */
  scratch(prefix: string): Promise<string>;
  /** Signals a process (or a group, given as a negative pid) the untrusted side runs. False when it is gone. */
  signal(target: number, signal: NodeJS.Signals | 0): boolean;
  /** A command started (`pid`) and ended: everything it starts is followed from here. */
  started(pid: number): void;
  ended(pid: number): void;
  /** Kills every live process that came from the command `pid`, wherever it went. */
  killFrom(pid: number): void;
  /** From now on no network but a loopback of its own (the `network: off` input, after the setup commands). */
  cutNetwork(): void;
  /** Ends every untrusted process of this run. Called at the end, and safe to call again. */
  sweep(): void;
  /** Sweeps, hands the workspace back and removes what the sandbox made (the user, its folders, its grants). */
  close(): Promise<void>;
}

export interface SandboxOptions {
  mode: SandboxMode;
  network: NetworkMode;
  /** The checkout: the only place the untrusted side may write, besides its own folders. */
  workspace: string;
  /** The action's environment: PATH and the toolchains the untrusted side must reach, the places it must not. */
  env: NodeJS.ProcessEnv;
}

/** Without a second user, what test code can do; the summary says it plainly. */
export const NO_SECOND_USER_WARNING =
  'Warning: no second user. The test code and the model\'s commands ran as the action\'s own user, so they could read the action\'s environment (its tokens included) through /proc and write the runner\'s own files. Run as root or with passwordless sudo (as on GitHub-hosted runners) to get a second user.';

/** The sandbox every untrusted command goes through; a plain one until the action opens its own. */
let active: Sandbox | undefined;

export function activeSandbox(): Sandbox {
  active ??= plainSandbox({ notes: [], env: {}, outside: os.tmpdir(), network: 'on', owned: [], orphansIn: [] });
  return active;
}

/**
 * Opens the sandbox for a run and makes it the active one: a second user where `mode` and the runner allow it,
 * else the action's own user with the warning. `user` fails when no second user can be made, and so does
 * `network: off` where no network namespace can be made.
 */
export async function openSandbox(o: SandboxOptions): Promise<Sandbox> {
  const possible = o.mode === 'off' ? { ok: false as const, why: 'sandbox is off' } : await secondUserPossible();
  if (o.mode === 'user' && !possible.ok) throw new Error(`sandbox: user is set, but no second user can be made here: ${possible.why}.`);
  let sandbox: Sandbox;
  if (possible.ok) {
    sandbox = await openSecondUser({ ...o, privileged: possible.privileged });
  } else {
    if (o.network === 'off' && !(process.getuid?.() === 0)) {
      throw new Error('network: off needs a network namespace, and this runner can make none (it needs root or passwordless sudo).');
    }
    const home = await mkdtemp(path.join(os.tmpdir(), 'redgreen-untrusted-'));
    const runnerTemp = path.join(home, 'runner-temp');
    const outside = path.join(home, 'outside');
    await Promise.all([mkdir(runnerTemp), mkdir(outside)]);
    sandbox = plainSandbox({ notes: [NO_SECOND_USER_WARNING], env: { RUNNER_TEMP: runnerTemp }, outside, network: o.network, owned: [home], orphansIn: [o.workspace, home] });
  }
  active = sandbox;
  const close = sandbox.close.bind(sandbox);
  // Once closed, later commands (a CLI run in the same process, a test) start from a plain sandbox again.
  return Object.assign(sandbox, {
    close: async () => {
      await close();
      if (active === sandbox) active = undefined;
    },
  });
}

/** Clock ticks since boot, the unit of a process's start time (USER_HZ is 100 on Linux). */
function ticksNow(): number {
  try {
    return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Whether the process works in one of `dirs` (its current folder, read through /proc). */
function worksIn(pid: number, dirs: string[]): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return dirs.some((d) => cwd === d || cwd.startsWith(`${d}/`));
  } catch {
    return false;
  }
}

/**
 * The action's own user runs the untrusted code; every process it starts is followed through /proc. The sweep
 * also ends the processes of this user that started after the sandbox opened, were left to init, and work in
 * one of `orphansIn` (the workspace): a daemon that double-forked faster than the poll. Another run's daemons
 * on the same host work elsewhere and are left alone.
 */
function plainSandbox(o: { notes: string[]; env: Record<string, string>; outside: string; network: NetworkMode; owned: string[]; orphansIn: string[] }): Sandbox {
  const lineage = new Lineage();
  let networkCut = false;
  const self = process.getuid?.() ?? -1;
  const opened = o.orphansIn.length ? ticksNow() : Number.POSITIVE_INFINITY;
  const sweep = (): void => {
    // Several rounds: a process may fork while the last one is being killed.
    for (let round = 0; round < 5; round++) {
      const procs = listProcs();
      const orphans = procs.filter((p) => p.ppid === 1 && p.start >= opened && p.uid === self && worksIn(p.pid, o.orphansIn));
      const ours = [...lineage.look(procs), ...descendants(procs, process.pid), ...orphans].filter((p) => p.uid === self && p.pid !== process.pid);
      if (ours.length === 0) return;
      for (const p of ours) killPid(p.pid);
    }
  };
  return {
    kind: 'none',
    notes: o.notes,
    env: o.env,
    outside: o.outside,
    launch(argv, env) {
      if (networkCut) return { file: 'unshare', args: ['-n', '--', ...loopbackUp(), ...argv], env };
      return { file: argv[0]!, args: argv.slice(1), env };
    },
    async scratch(prefix) {
      return mkdtemp(path.join(os.tmpdir(), prefix));
    },
    signal(target, signal) {
      try {
        process.kill(target, signal);
        return true;
      } catch {
        return false;
      }
    },
    started: (pid) => lineage.started(pid),
    ended: (pid) => lineage.ended(pid),
    killFrom(pid) {
      for (const p of lineage.from(pid)) if (p.uid === self) killPid(p.pid);
    },
    cutNetwork() {
      networkCut = o.network === 'off';
    },
    sweep,
    async close() {
      sweep();
      await Promise.all(o.owned.map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
