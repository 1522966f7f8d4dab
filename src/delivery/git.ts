// Git behind one small class: every call goes through exec, without prompts, pagers, hooks or echo into the job log.
import { spawn } from 'node:child_process';
import { helperEnv } from '../safety/env.js';

export interface ExecOptions {
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  /** Added to the environment of this one call (secrets go here, never into args). */
  env?: Record<string, string>;
  /** Written to stdin. */
  input?: string | Buffer;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (exit ${exitCode}): ${stderr.trim() || '(no output)'}`);
  }
}

export interface GitOptions {
  /** The git binary; `git` from PATH by default. */
  gitPath?: string;
  /** Base environment; the helper environment of this process by default (no inputs, tokens or keys). */
  env?: Record<string, string | undefined>;
}

// Git inside a repository whose configuration untrusted code could write: hooks, fsmonitor and every transport
// but local files are off, so a rewritten URL (`url.*.insteadOf`) cannot turn a fetch into a command.
const GUARDED = ['-c', 'protocol.allow=never', '-c', 'protocol.file.allow=always'];

// Hooks and fsmonitor are commands the repository (or a test run that wrote into .git/) chose;
// they must not run inside our own git calls, which may carry the push token in their environment.
const SAFE_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

export class Git {
  readonly cwd: string;
  private readonly gitPath: string;
  private readonly baseEnv: Record<string, string | undefined>;

  constructor(cwd: string, opts: GitOptions = {}) {
    this.cwd = cwd;
    this.gitPath = opts.gitPath ?? 'git';
    this.baseEnv = opts.env ?? helperEnv(process.env);
  }

  /** The same git binary in another folder, with another base environment. */
  at(cwd: string, env: Record<string, string | undefined>): Git {
    return new Git(cwd, { gitPath: this.gitPath, env });
  }

  /** The base environment (before the per-call additions). */
  get env(): Record<string, string | undefined> {
    return this.baseEnv;
  }

  /** exec, for a call that only moves objects in or out of a repository untrusted code could write. */
  guarded(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return this.exec([...GUARDED, ...args], opts);
  }

  exec(args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const env: Record<string, string | undefined> = {
      ...this.baseEnv,
      GIT_TERMINAL_PROMPT: '0',
      GIT_PAGER: 'cat',
      PAGER: 'cat',
      // Messages we parse (ls-remote, push --porcelain) must not be translated.
      LC_ALL: 'C',
      GCM_INTERACTIVE: 'never',
      // Empty (not unset) so git neither runs an askpass program nor falls back to SSH_ASKPASS or core.askPass.
      GIT_ASKPASS: '',
      ...opts.env,
    };
    return new Promise((resolve, reject) => {
      const child = spawn(this.gitPath, [...SAFE_CONFIG, ...args], { cwd: this.cwd, env, stdio: 'pipe' });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      // A git that exits before reading all of stdin must not crash the process with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
      child.on('close', (code, signal) => {
        const result: ExecResult = {
          exitCode: code ?? (signal ? 128 : 1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        if (result.exitCode !== 0 && !opts.allowFailure) reject(new GitError(args, result.exitCode, result.stderr));
        else resolve(result);
      });
    });
  }

  /** The full sha of a revision; throws when it does not name a commit. */
  async revParse(rev: string): Promise<string> {
    const { stdout } = await this.exec(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
    return stdout.trim();
  }

  /** The full sha of a revision, or undefined. */
  async tryRevParse(rev: string): Promise<string | undefined> {
    const r = await this.exec(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
      allowFailure: true,
    });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Absolute path of the git dir shared by all worktrees (where `config` lives). */
  async commonDir(): Promise<string> {
    const { stdout } = await this.exec(['rev-parse', '--path-format=absolute', '--git-common-dir']);
    return stdout.trim();
  }

  /** The work tree's top-level folder. */
  async topLevel(): Promise<string> {
    const { stdout } = await this.exec(['rev-parse', '--show-toplevel']);
    return stdout.trim();
  }

  /** All values of a config key in the local config, in order. */
  async configGetAll(key: string): Promise<string[]> {
    const r = await this.exec(['config', '--local', '-z', '--get-all', key], { allowFailure: true });
    if (r.exitCode === 1) return [];
    if (r.exitCode !== 0) throw new GitError(['config'], r.exitCode, r.stderr);
    return r.stdout.split('\0').filter((v, i, all) => i < all.length - 1 || v !== '');
  }

  async configSet(key: string, value: string): Promise<void> {
    await this.exec(['config', '--local', key, value]);
  }

  /** Removes every value of a key (or only those equal to `value`); a missing key is fine. */
  async configUnset(key: string, value?: string): Promise<void> {
    const args =
      value === undefined
        ? ['config', '--local', '--unset-all', key]
        : ['config', '--local', '--fixed-value', '--unset-all', key, value];
    const r = await this.exec(args, { allowFailure: true });
    // Exit 5: no such key; that is the state we want.
    if (r.exitCode !== 0 && r.exitCode !== 5) throw new GitError(args, r.exitCode, r.stderr);
  }

  /** The URL `git push <remote>` would use. */
  async pushUrl(remote: string): Promise<string> {
    const { stdout } = await this.exec(['remote', 'get-url', '--push', remote]);
    return stdout.trim();
  }
}
