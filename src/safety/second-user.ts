// A second, unprivileged user for one run: made with useradd, let into the workspace and the runner's tools, removed at the end.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { killPid, Lineage, listProcs } from './procs.js';
import type { NetworkMode, Sandbox } from './sandbox.js';

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const TOOLS = ['useradd', 'userdel', 'setpriv', 'setfacl', 'chown', 'kill', 'rm', 'bash', 'unshare', 'ip'] as const;
type Tool = (typeof TOOLS)[number];

/** A system tool by absolute path, never through the PATH a step may have changed. */
function systemTool(name: string): string | undefined {
  for (const dir of SYSTEM_DIRS) {
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

export type Privilege = 'root' | 'sudo';

/** Whether a second user can be made: root, or passwordless sudo (`sudo -n`, as on GitHub-hosted runners). */
export async function secondUserPossible(): Promise<{ ok: true; privileged: Privilege } | { ok: false; why: string }> {
  if (process.platform !== 'linux') return { ok: false, why: `it needs Linux, and this is ${process.platform}` };
  const missing = TOOLS.filter((t) => t !== 'unshare' && t !== 'ip' && !systemTool(t));
  if (missing.length) return { ok: false, why: `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed` };
  if (process.getuid?.() === 0) return { ok: true, privileged: 'root' };
  const sudo = systemTool('sudo');
  if (sudo && spawnSync(sudo, ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0) return { ok: true, privileged: 'sudo' };
  return { ok: false, why: 'the action is not root and has no passwordless sudo' };
}

/** Places under a home folder that hold a user's credentials: the second user is denied them by name. */
const CREDENTIALS = ['.ssh', '.docker', '.config', '.gitconfig', '.git-credentials', '.netrc', '.npmrc', '.pypirc', '.aws', '.azure', '.kube', '.gnupg', '.cargo/credentials', '.cargo/credentials.toml'];
/** The environment variables naming the runner's toolchains: the second user may reach (not write) them. */
const TOOLCHAIN_VARS = ['PYENV_ROOT', 'CARGO_HOME', 'RUSTUP_HOME', 'RUNNER_TOOL_CACHE', 'AGENT_TOOLSDIRECTORY', 'JAVA_HOME', 'GOROOT'];
/** Read by login and interactive shells: copied into the second user's home. */
const SHELL_PROFILES = ['.bash_profile', '.bash_login', '.profile', '.bashrc'];
const FILE_COMMANDS = ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'];

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (d === path.dirname(d)) return out;
  }
}

const within = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);

export async function openSecondUser(o: { network: NetworkMode; workspace: string; env: NodeJS.ProcessEnv; privileged: Privilege }): Promise<Sandbox> {
  const tool = (name: Tool): string => systemTool(name) ?? name;
  const sudo = o.privileged === 'sudo' ? (systemTool('sudo') ?? 'sudo') : undefined;
  /** Runs a tool with the privilege the action has: directly as root, else through `sudo -n`. */
  const priv = (name: Tool, args: string[], allowFailure = false): string => {
    const [file, argv] = sudo ? [sudo, ['-n', tool(name), ...args]] : [tool(name), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000 });
    if ((r.status !== 0 || r.error) && !allowFailure) throw new Error(`${name} ${args.slice(0, 3).join(' ')} failed: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
    return r.stdout;
  };
  const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const name = `redgreen-${randomBytes(4).toString('hex')}`;
  const root = await mkdtemp(path.join(os.tmpdir(), 'redgreen-sandbox-'));
  await chmod(root, 0o711);
  const home = path.join(root, 'home');
  await mkdir(home, { mode: 0o700 });
  /** Where checks start: outside the workspace, open to both users, writable by neither of them but the action. */
  const outside = path.join(root, 'outside');
  priv('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', home, '--shell', '/usr/sbin/nologin', name]);
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((f) => f[0] === name);
  if (!entry) throw new Error(`useradd made no user ${name}`);
  const user = { uid: Number(entry[2]), gid: Number(entry[3]) };
  const acl = `u:${user.uid}`;
  const traversed: string[] = [];
  const denied: string[] = [];
  const notes: string[] = [];
  const lineage = new Lineage();
  let networkCut = false;

  const sweep = (): void => {
    // The user's every process, wherever it went: `kill -1` as that user reaches them all and nobody else's.
    for (let round = 0; round < 10; round++) {
      const left = listProcs().filter((p) => p.uid === user.uid);
      if (left.length === 0) break;
      // bash's own kill: the kill programs disagree on how to spell pid -1.
      priv('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', tool('bash'), '-c', 'kill -KILL -1'], true);
    }
    // The wrappers (unshare, sudo) run as the action's user and end with their command; anything left goes too.
    for (const p of lineage.look()) if (p.uid === self.uid && p.pid !== process.pid) (sudo ? priv('kill', ['-s', 'KILL', String(p.pid)], true) : killPid(p.pid));
  };

  try {
    // The workspace: the user may read and write it, and what either side creates there stays open to both.
    const workspaceAcl = [`${acl}:rwX`, `d:${acl}:rwX`, ...(self.uid === 0 ? [] : [`d:u:${self.uid}:rwX`])].join(',');
    priv('setfacl', ['-P', '-R', '-m', workspaceAcl, o.workspace]);
    // The way there and to the runner's tools: traverse-only entries on the folders the user could not pass.
    const needed = [
      o.workspace,
      path.dirname(process.execPath),
      ...(o.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')),
      ...TOOLCHAIN_VARS.map((v) => o.env[v]).filter((d): d is string => !!d && d.startsWith('/')),
    ];
    for (const dir of new Set(needed.flatMap((d) => ancestors(d).slice(d === o.workspace ? 1 : 0)))) {
      try {
        const st = statSync(dir);
        if (!st.isDirectory() || st.mode & 0o001) continue;
      } catch {
        continue;
      }
      priv('setfacl', ['-m', `${acl}:x`, dir]);
      traversed.push(dir);
    }
    // What it must never reach, named one by one: the action's temp folder (evidence, the delivery repository,
    // the runner's file commands), the runner's credentials.
    const homes = new Set([o.env.HOME, os.userInfo().homedir].filter((h): h is string => !!h));
    const deny = [
      o.env.RUNNER_TEMP,
      ...FILE_COMMANDS.map((v) => o.env[v] && path.dirname(o.env[v]!)),
      ...[...homes].flatMap((h) => CREDENTIALS.map((c) => path.join(h, c))),
    ].filter((p): p is string => !!p && existsSync(p));
    for (const place of new Set(deny)) {
      // Never a folder the workspace or a tool lies in: denying it would cut the way to them.
      if (needed.some((n) => within(n, place))) {
        notes.push(`The second user could not be kept out of ${place}: the workspace or a tool lies inside it.`);
        continue;
      }
      priv('setfacl', ['-m', `${acl}:-`, place]);
      denied.push(place);
    }
    // Its own folders: the home, its RUNNER_TEMP, a git that accepts the workspace; and scratch space for reports.
    await mkdir(outside, { mode: 0o755 });
    const scratchRoot = path.join(root, 'scratch');
    await mkdir(scratchRoot, { mode: 0o711 });
    priv('setfacl', ['-m', [`${acl}:rwx`, `d:${acl}:rwX`, ...(self.uid === 0 ? [] : [`d:u:${self.uid}:rwX`])].join(','), scratchRoot]);
    priv('chown', [`${user.uid}:${user.gid}`, home]);
  } catch (e) {
    await undo();
    throw e;
  }

  const userEnv = { HOME: home, USER: name, LOGNAME: name, RUNNER_TEMP: path.join(home, 'runner-temp') };
  const launch = (argv: string[], env: Record<string, string>): { file: string; args: string[]; env: Record<string, string> } => {
    const drop = [tool('setpriv'), `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--no-new-privs', '--'];
    // sudo puts its own secure_path in place of PATH: the command gets the step's PATH back explicitly.
    const withPath = sudo ? ['/usr/bin/env', `PATH=${env.PATH ?? ''}`, ...argv] : argv;
    const chain = [...(networkCut ? [tool('unshare'), '-n', '--', ...loopbackUp(tool('ip'))] : []), ...drop, ...withPath];
    const full = { ...env, ...userEnv };
    return sudo ? { file: sudo, args: ['-n', '-E', '--', ...chain], env: full } : { file: chain[0]!, args: chain.slice(1), env: full };
  };
  // The runner's shell profiles, so `bash -l` steps set up PATH and tools as they do for the runner.
  const profiles = path.join(outside, 'profile');
  await mkdir(profiles, { mode: 0o755 });
  for (const name of SHELL_PROFILES) {
    const from = o.env.HOME && path.join(o.env.HOME, name);
    if (from && existsSync(from) && statSync(from).isFile()) await writeFile(path.join(profiles, name), readFileSync(from), { mode: 0o644 });
  }
  // The user's own setup, done as the user: its RUNNER_TEMP, the profiles, and git accepting the workspace it does not own.
  const script = 'mkdir -p "$RUNNER_TEMP" && cp -R "$2"/. "$HOME"/ && git config --global --add safe.directory "$1"';
  const setup = launch(['sh', '-c', script, 'sh', o.workspace, profiles], {
    PATH: o.env.PATH ?? '/usr/bin:/bin',
  });
  // Started from a folder both users may enter: the home is the second user's alone.
  const made = spawnSync(setup.file, setup.args, { env: setup.env, cwd: outside, encoding: 'utf8', timeout: 60_000 });
  if (made.status !== 0) {
    await undo();
    throw new Error(`could not set up the second user ${name}: ${(made.stderr || made.error?.message || '').trim()}`);
  }
  if (traversed.length) notes.push(`The second user may pass through (not list or write) ${traversed.join(', ')} to reach the workspace and the runner's tools.`);

  async function undo(): Promise<void> {
    sweep();
    // The workspace goes back to the action's user, with the grants taken out again.
    priv('chown', ['-R', '-h', `--from=${user.uid}`, `${self.uid}:${self.gid}`, o.workspace], true);
    priv('setfacl', ['-P', '-R', '-x', [acl, `d:${acl}`, ...(self.uid === 0 ? [] : [`d:u:${self.uid}`])].join(','), o.workspace], true);
    for (const place of [...traversed, ...denied]) priv('setfacl', ['-x', acl, place], true);
    priv('userdel', [name], true);
    priv('rm', ['-rf', '--', root], true);
  }

  let closed = false;
  return {
    kind: 'user',
    notes,
    env: userEnv,
    outside,
    launch,
    async scratch(prefix) {
      const dir = await mkdtemp(path.join(root, 'scratch', prefix));
      // mkdtemp's 0700 would mask the inherited grant to nothing.
      await chmod(dir, 0o770);
      return dir;
    },
    signal(target, signal) {
      if (!sudo) {
        try {
          process.kill(target, signal);
          return true;
        } catch {
          return false;
        }
      }
      const r = spawnSync(sudo, ['-n', tool('kill'), '-s', signal === 0 ? '0' : signal, '--', String(target)], { stdio: 'ignore' });
      return r.status === 0;
    },
    started: (pid) => lineage.started(pid),
    ended: (pid) => lineage.ended(pid),
    killFrom(pid) {
      for (const p of lineage.from(pid)) {
        if (p.uid !== user.uid && p.uid !== self.uid) continue;
        if (sudo) priv('kill', ['-s', 'KILL', String(p.pid)], true);
        else killPid(p.pid);
      }
    },
    cutNetwork() {
      networkCut = o.network === 'off';
    },
    sweep,
    async close() {
      if (closed) return;
      closed = true;
      await undo();
    },
  };
}

/** The words that bring up `lo` in a new network namespace and then run the rest: a loopback, nothing else. */
export function loopbackUp(ip = 'ip'): string[] {
  return ['sh', '-c', `${ip} link set lo up && exec "$@"`, 'sh'];
}
