// Commits exactly the files the model changed on top of the base commit, in a clean repository, and pushes them from there.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { CommitTrailer } from '../constants.js';
import type { FileChange } from '../report/types.js';
import { authEnv, type PushAuth } from './auth.js';
import { isOwnBranch, shortRef } from './branch.js';
import { fetchCommit, openCleanRepo } from './clean-repo.js';
import { buildCommit, formatPatch, numstat, type CommitGate } from './commit.js';
import { BranchConflictError, RefusedBranchError } from './errors.js';
import { GitError, type Git } from './git.js';

export interface PushOptions {
  /** Git in the workspace (or a folder of it): where the files are, and the repository of a local branch. */
  git: Git;
  /** Remote name or URL; `origin` by default; `.` makes a local branch in the workspace's repository. */
  remote?: string;
  /** The commit the branch is based on. */
  baseSha: string;
  branch: string;
  /** Every branch redgreen pushes starts with this; anything else is refused. */
  prefix: string;
  /** Branches never written whatever their name: the default branch, the branch that failed. */
  protectedBranches?: string[];
  /** Paths relative to git.cwd that the model wrote or deleted. */
  files: string[];
  message: string;
  author: { name: string; email: string };
  /** Value of the `Redgreen-Run:` trailer (the run's id or link). */
  trailer: string;
  auth?: PushAuth;
  /** The exit gate: a secret in a file or the message stops the delivery before anything is pushed. */
  gate?: CommitGate;
}

export interface PushResult {
  sha: string;
  /** The branch existed on the remote and was replaced. */
  updated: boolean;
  changes: FileChange[];
  /** The change as an mbox patch, for the evidence. */
  patch: string;
}

/**
 * Builds the commit in a clean repository of the action's own (see clean-repo.ts): the base commit fetched
 * into it, the listed files read from the working tree under the workspace rules, `commit-tree -p base`. The
 * checkout's HEAD, index, working tree and `.git` stay as they are, and nothing a test run left behind or
 * wrote into `.git` (filters, attributes, replace refs, hooks) has a say. An existing branch is replaced only
 * when every commit on it, other than the repository history under redgreen's own commits, carries the
 * `Redgreen-Run:` trailer; the push itself is leased on the sha that was checked.
 */
export async function pushChanges(opts: PushOptions): Promise<PushResult> {
  const { git } = opts;
  const branch = shortRef(opts.branch);
  const root = await realpath(await git.topLevel());
  const prefix = path.relative(root, await realpath(git.cwd));
  const files = [...new Set(opts.files.map((f) => checkPath(f)).map((f) => checkPath(path.posix.join(prefix.split(path.sep).join('/'), f))))];
  const local = opts.remote === '.';
  const workspaceGitDir = await git.commonDir();
  // Talking to the URL rather than the remote name leaves the checkout's remote-tracking refs alone too.
  const remoteUrl = local ? workspaceGitDir : await resolveRemoteUrl(git, opts.remote ?? 'origin');
  const env = local ? {} : authEnv(remoteUrl, opts.auth, {});

  const repo = await openCleanRepo(git);
  try {
    const clean = repo.git;
    await checkBranch(clean, branch, opts.prefix, opts.protectedBranches ?? []);
    const base = await resolveBase(git, opts.baseSha);
    await fetchCommit(clean, base, { remoteUrl: local ? undefined : remoteUrl, env, workspaceGitDir });
    const talk: Transport = local
      ? (args) => clean.guarded(['-c', `safe.directory=${workspaceGitDir}`, ...args])
      : (args) => clean.exec(args, { env });
    const old = await remoteBranchSha(talk, remoteUrl, branch);
    if (old) await assertOnlyOwnCommits(clean, talk, remoteUrl, branch, old, base);

    const sha = await buildCommit(repo, base, { root, files, message: opts.message, author: opts.author, trailer: opts.trailer, gate: opts.gate });
    const ref = `refs/heads/${branch}`;
    if (local) await updateLocalBranch(git, repo.git.cwd, sha, ref, old, branch);
    else await push(clean, remoteUrl, sha, ref, old, branch, env);
    return { sha, updated: old !== undefined, changes: await numstat(repo, base, sha), patch: await formatPatch(repo, base, sha) };
  } finally {
    await repo.close();
  }
}

/** A full sha as given; anything else (a branch name, HEAD) is resolved in the workspace with replace refs off. */
async function resolveBase(git: Git, rev: string): Promise<string> {
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(rev)) return rev;
  const { stdout } = await git.exec(['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], { env: { GIT_NO_REPLACE_OBJECTS: '1' } });
  return stdout.trim();
}

async function push(clean: Git, remoteUrl: string, sha: string, ref: string, old: string | undefined, branch: string, env: Record<string, string>): Promise<void> {
  const args = ['push', '--porcelain', '--no-verify', '--recurse-submodules=no', `--force-with-lease=${ref}:${old ?? ''}`, remoteUrl, `${sha}:${ref}`];
  const r = await clean.exec(args, { env, allowFailure: true });
  if (r.exitCode === 0) return;
  if (/stale info/.test(r.stdout + r.stderr)) throw new BranchConflictError(branch);
  throw new GitError(['push'], r.exitCode, r.stderr || r.stdout);
}

/** push: none: the commit comes into the workspace's repository as a branch, leased on what was checked. */
async function updateLocalBranch(git: Git, cleanDir: string, sha: string, ref: string, old: string | undefined, branch: string): Promise<void> {
  await git.guarded(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', cleanDir, sha]);
  const r = await git.exec(['update-ref', '-m', 'redgreen', ref, sha, old ?? ''], { allowFailure: true });
  if (r.exitCode !== 0) throw new BranchConflictError(branch);
}

async function checkBranch(git: Git, branch: string, prefix: string, protectedBranches: string[]): Promise<void> {
  if (!prefix) throw new RefusedBranchError(branch, 'no branch prefix is set');
  if (!isOwnBranch(prefix, branch)) throw new RefusedBranchError(branch, `it does not start with "${prefix}"`);
  if (protectedBranches.map(shortRef).includes(branch)) {
    throw new RefusedBranchError(branch, 'it is the default branch or the branch under repair');
  }
  const r = await git.exec(['check-ref-format', `refs/heads/${branch}`], { allowFailure: true });
  if (r.exitCode !== 0) throw new RefusedBranchError(branch, 'it is not a valid branch name');
}

function checkPath(file: string): string {
  const norm = path.posix.normalize(file.replaceAll('\\', '/'));
  if (path.posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../') || norm === '.' || norm === '') {
    throw new Error(`Refusing to commit ${JSON.stringify(file)}: not a path inside the working directory`);
  }
  if (norm.split('/').some((part) => part.toLowerCase() === '.git')) {
    throw new Error(`Refusing to commit ${JSON.stringify(file)}: inside .git`);
  }
  return norm;
}

async function resolveRemoteUrl(git: Git, remote: string): Promise<string> {
  const r = await git.exec(['remote', 'get-url', '--push', remote], { allowFailure: true });
  // Not a configured remote: git takes it as a URL or path itself.
  return r.exitCode === 0 ? r.stdout.trim() : remote;
}

/** A git call that talks to the remote (or, for a local branch, the workspace's repository) from the clean one. */
type Transport = (args: string[]) => Promise<{ stdout: string }>;

async function remoteBranchSha(talk: Transport, remote: string, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const { stdout } = await talk(['ls-remote', '--refs', remote, ref]);
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.split('\t');
    if (name === ref && sha) return sha;
  }
  return undefined;
}

async function assertOnlyOwnCommits(git: Git, talk: Transport, remote: string, branch: string, old: string, base: string): Promise<void> {
  if (!(await git.tryRevParse(old))) {
    // The clean repository is shallow: without a depth the fetch would pull the whole history under the old branch.
    await talk(['fetch', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--quiet', '--depth=50', remote, `refs/heads/${branch}`]);
  }
  // The branch's commits that the base does not have. In a shallow checkout this also lists the old
  // base history under our commits (its link to the new base is cut off), hence the second step.
  const { stdout } = await git.exec([
    'log',
    '-z',
    `--format=%H%x1f%P%x1f%an <%ae>%x1f%s%x1f%(trailers:key=${CommitTrailer},valueonly,separator=%x2C)`,
    old,
    '--not',
    base,
  ]);
  const commits = stdout
    .split('\0')
    .filter((r) => r.trim())
    .map((record) => {
      const [sha = '', parents = '', author = '', subject = '', trailer = ''] = record.replace(/^\n/, '').split('\x1f');
      return { sha, parents: parents.split(' ').filter(Boolean), author, subject, own: trailer.trim() !== '' };
    });
  // Our commits always sit on a base commit of the repository's own history; what lies below them is
  // that history, not someone's work. What is neither below our commits nor ours would be lost.
  const below = commits.filter((c) => c.own).flatMap((c) => c.parents);
  const { stdout: exposed } = await git.exec(['rev-list', '--stdin'], {
    input: [old, `^${base}`, ...below.map((p) => `^${p}`)].join('\n') + '\n',
  });
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  for (const sha of exposed.split('\n').filter(Boolean)) {
    const commit = bySha.get(sha);
    if (!commit?.own) {
      throw new BranchConflictError(branch, { sha, author: commit?.author ?? '', subject: commit?.subject ?? '' });
    }
  }
}
