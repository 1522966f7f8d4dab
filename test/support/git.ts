// Real git in temp folders: a bare remote made from a fixture, checkouts like actions/checkout leaves them, and reads of what was pushed.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from './tmp.js';

export const FixtureAuthor = { name: 'Fixture Author', email: 'fixture@example.com' };
const fixedDate = '2026-01-01T00:00:00Z';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Git isolated from the machine's and user's config, never prompting. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    ...extra,
  };
}

export function runGit(cwd: string, args: string[], env: Record<string, string> = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, env: gitEnv(env), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ exitCode: code, stdout, stderr });
    });
  });
}

/** Runs git and returns stdout; throws with stderr when git fails. */
export async function git(cwd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runGit(cwd, args, env);
  if (result.exitCode !== 0) {
    throw new Error(`git ${args.join(' ')} (in ${cwd}) exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

function authorEnv(author: { name: string; email: string }): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: fixedDate,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
    GIT_COMMITTER_DATE: fixedDate,
  };
}

export interface CreateRemoteOptions {
  /** Branch the first commit is pushed to; "main" when left out. */
  branch?: string;
  message?: string;
  /** Files written over the copy of fromDir before the commit (path → content). */
  files?: Record<string, string>;
  author?: { name: string; email: string };
}

export interface Remote {
  /** Path of the bare repository, usable as a git URL. */
  remote: string;
  /** The commit pushed. */
  sha: string;
  cleanup(): Promise<void>;
}

/** Commits a copy of fromDir (its .git left out, symlinks kept as links) and pushes it to a fresh bare repository. */
export async function createRemote(fromDir: string, opts: CreateRemoteOptions = {}): Promise<Remote> {
  const branch = opts.branch ?? 'main';
  const root = await makeTempDir('remote');
  const remote = path.join(root, 'origin.git');
  const work = path.join(root, 'seed');
  await cp(fromDir, work, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => path.basename(source) !== '.git',
  });
  for (const [file, content] of Object.entries(opts.files ?? {})) {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  }
  await git(root, ['init', '--bare', '--quiet', '-b', branch, remote]);
  // GitHub serves any reachable commit by sha; a shallow fetch of a sha needs this locally.
  await git(remote, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  await git(work, ['init', '--quiet', '-b', branch]);
  await git(work, ['add', '-A']);
  await git(work, ['commit', '--quiet', '--allow-empty', '-m', opts.message ?? 'Initial commit'], authorEnv(opts.author ?? FixtureAuthor));
  await git(work, ['push', '--quiet', remote, `HEAD:refs/heads/${branch}`]);
  const sha = (await git(work, ['rev-parse', 'HEAD'])).trim();
  await rm(work, { recursive: true, force: true });
  return { remote, sha, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface CommitOptions {
  message?: string;
  author?: { name: string; email: string };
  /** Where a branch that does not exist yet starts; the remote's HEAD when left out. */
  from?: string;
}

/**
 * Commits changes on a branch of the remote, as another person pushing would (path → content; null deletes).
 * Returns the new commit's sha.
 */
export async function commitToRemote(
  remote: string,
  branch: string,
  files: Record<string, string | null>,
  opts: CommitOptions = {},
): Promise<string> {
  const dir = await makeTempDir('commit');
  await git(dir, ['clone', '--quiet', remote, '.']);
  const exists = (await runGit(dir, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`])).exitCode === 0;
  const start = exists ? `origin/${branch}` : (opts.from ?? 'HEAD');
  await git(dir, ['checkout', '--quiet', '-B', branch, start]);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    if (content === null) {
      await rm(target, { force: true });
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '--quiet', '--allow-empty', '-m', opts.message ?? `Update ${branch}`], authorEnv(opts.author ?? FixtureAuthor));
  await git(dir, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  const sha = (await git(dir, ['rev-parse', 'HEAD'])).trim();
  await rm(dir, { recursive: true, force: true });
  return sha;
}

export interface CloneWorkspaceOptions {
  /**
   * Persist a token the way actions/checkout does (persist-credentials): `inline` writes
   * `http.https://github.com/.extraheader` into .git/config (checkout v4/v5); `include-file` writes it
   * to a separate config file included through `includeIf.gitdir` (checkout v6).
   */
  token?: string;
  credentials?: 'inline' | 'include-file';
  /** Commits to fetch; 1 like actions/checkout, 0 for all history. */
  depth?: number;
  /** Check out a branch ref as a detached HEAD (as for pull_request events) instead of on a local branch. */
  detached?: boolean;
}

const shaPattern = /^[0-9a-f]{40}$/;

/** A checkout like actions/checkout leaves it: origin set, the ref fetched, on a local branch (or detached for a sha). */
export async function cloneWorkspace(remote: string, ref = 'main', opts: CloneWorkspaceOptions = {}): Promise<string> {
  const root = await makeTempDir('workspace');
  const dir = path.join(root, 'repo');
  await mkdir(dir);
  await git(dir, ['init', '--quiet']);
  await git(dir, ['remote', 'add', 'origin', remote]);
  await git(dir, ['config', '--local', 'gc.auto', '0']);
  if (opts.token !== undefined) await persistCredentials(root, dir, opts.token, opts.credentials ?? 'inline');

  const depth = opts.depth ?? 1;
  const depthArgs = depth > 0 ? [`--depth=${depth}`] : [];
  const fetch = ['-c', 'protocol.version=2', 'fetch', '--quiet', '--no-tags', '--prune', '--no-recurse-submodules', ...depthArgs, 'origin'];
  if (shaPattern.test(ref)) {
    await git(dir, [...fetch, ref]);
    await git(dir, ['checkout', '--quiet', '--force', ref]);
    return dir;
  }
  const branch = ref.replace(/^refs\/heads\//, '');
  await git(dir, [...fetch, `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
  if (opts.detached) {
    await git(dir, ['checkout', '--quiet', '--force', `refs/remotes/origin/${branch}`]);
  } else {
    await git(dir, ['checkout', '--quiet', '--force', '-B', branch, `refs/remotes/origin/${branch}`]);
  }
  return dir;
}

async function persistCredentials(root: string, dir: string, token: string, style: 'inline' | 'include-file'): Promise<void> {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  const key = 'http.https://github.com/.extraheader';
  if (style === 'inline') {
    await git(dir, ['config', '--local', key, header]);
    return;
  }
  const runnerTemp = path.join(root, 'runner-temp');
  await mkdir(runnerTemp, { recursive: true });
  const file = path.join(runnerTemp, `git-credentials-${randomUUID()}.config`);
  await git(dir, ['config', '--file', file, key, header]);
  const gitDir = path.join(dir, '.git');
  await git(dir, ['config', '--local', `includeIf.gitdir:${gitDir}.path`, file]);
  await git(dir, ['config', '--local', `includeIf.gitdir:${gitDir}/worktrees/*.path`, file]);
}

/** A full clone of one branch of the remote, to look at what was pushed as a reviewer would. */
export async function freshClone(remote: string, branch: string): Promise<string> {
  const root = await makeTempDir('clone');
  const dir = path.join(root, 'repo');
  await git(root, ['clone', '--quiet', '--branch', branch, remote, dir]);
  return dir;
}

export async function remoteBranches(remote: string): Promise<string[]> {
  const out = await git(remote, ['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads']);
  return out.split('\n').filter(Boolean).sort();
}

export interface Commit {
  sha: string;
  parents: string[];
  authorName: string;
  authorEmail: string;
  committerName: string;
  committerEmail: string;
  subject: string;
  body: string;
  /** "Key: value" trailers of the message. */
  trailers: Record<string, string>;
}

/** Commits of a branch, newest first. */
export async function log(remote: string, branch: string): Promise<Commit[]> {
  const format = ['%H', '%P', '%an', '%ae', '%cn', '%ce', '%s', '%b', '%(trailers:only,unfold)'].join('%x1f') + '%x1e';
  const out = await git(remote, ['log', `--format=${format}`, `refs/heads/${branch}`, '--']);
  return out
    .split('\x1e')
    .map((entry) => entry.replace(/^\n/, ''))
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const [sha = '', parents = '', authorName = '', authorEmail = '', committerName = '', committerEmail = '', subject = '', body = '', trailerText = ''] =
        entry.split('\x1f');
      const trailers: Record<string, string> = {};
      for (const line of trailerText.split('\n')) {
        const match = /^([\w-]+):\s*(.*)$/.exec(line);
        if (match?.[1] !== undefined) trailers[match[1]] = match[2] ?? '';
      }
      return { sha, parents: parents.split(' ').filter(Boolean), authorName, authorEmail, committerName, committerEmail, subject, body: body.trim(), trailers };
    });
}

/** Files changed on `branch` since it left `base` (three-dot diff), sorted. */
export async function changedFiles(remote: string, base: string, branch: string): Promise<string[]> {
  const out = await git(remote, ['diff', '--name-only', `${base}...${branch}`, '--']);
  return out.split('\n').filter(Boolean).sort();
}

/** A file's content at a ref of the remote, or undefined when it is not there. */
export async function readFileAt(remote: string, ref: string, file: string): Promise<string | undefined> {
  const result = await runGit(remote, ['show', `${ref}:${file}`]);
  return result.exitCode === 0 ? result.stdout : undefined;
}
