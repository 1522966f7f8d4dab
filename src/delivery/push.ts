// Commits exactly the files the model changed on top of the base commit and pushes them, without touching the checkout.
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommitTrailer } from '../constants.js';
import type { FileChange } from '../report/types.js';
import { authEnv, type PushAuth } from './auth.js';
import { isOwnBranch, shortRef } from './branch.js';
import { BranchConflictError, NoChangesError, RefusedBranchError } from './errors.js';
import { GitError, type Git } from './git.js';

export interface PushOptions {
  git: Git;
  /** Remote name or URL; `origin` by default. */
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
}

export interface PushResult {
  sha: string;
  /** The branch existed on the remote and was replaced. */
  updated: boolean;
  changes: FileChange[];
}

/**
 * Builds the commit in a temporary index (`read-tree base`, the listed files from the working
 * tree, `write-tree`, `commit-tree -p base`), so HEAD, the index and the working tree stay as they
 * are and nothing a test run left behind is committed. An existing branch is replaced only when
 * every commit on it, other than the repository history under redgreen's own commits, carries the
 * `Redgreen-Run:` trailer; the push itself is leased on the sha that was checked.
 */
export async function pushChanges(opts: PushOptions): Promise<PushResult> {
  const { git } = opts;
  const remote = opts.remote ?? 'origin';
  const branch = shortRef(opts.branch);
  await checkBranch(git, branch, opts.prefix, opts.protectedBranches ?? []);

  const base = await git.revParse(opts.baseSha);
  const sha = await buildCommit(git, base, opts);

  // Talking to the URL rather than the remote name leaves the checkout's remote-tracking refs alone too.
  const remoteUrl = await resolveRemoteUrl(git, remote);
  const env = authEnv(remoteUrl, opts.auth);
  const old = await remoteBranchSha(git, remoteUrl, branch, env);
  if (old) await assertOnlyOwnCommits(git, remoteUrl, branch, old, base, env);

  const ref = `refs/heads/${branch}`;
  const push = await git.exec(
    [
      'push',
      '--porcelain',
      '--no-verify',
      '--recurse-submodules=no',
      `--force-with-lease=${ref}:${old ?? ''}`,
      remoteUrl,
      `${sha}:${ref}`,
    ],
    { env, allowFailure: true },
  );
  if (push.exitCode !== 0) {
    if (/stale info/.test(push.stdout + push.stderr)) throw new BranchConflictError(branch);
    throw new GitError(['push'], push.exitCode, push.stderr || push.stdout);
  }
  return { sha, updated: old !== undefined, changes: await numstat(git, base, sha) };
}

/** The change as an mbox patch (`git am`-able), for the evidence. */
export async function formatPatch(git: Git, baseSha: string, sha: string): Promise<string> {
  const { stdout } = await git.exec(['format-patch', '--stdout', '--no-signature', '--binary', `${baseSha}..${sha}`]);
  return stdout;
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

async function buildCommit(git: Git, base: string, opts: PushOptions): Promise<string> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'redgreen-index-'));
  const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  try {
    await git.exec(['read-tree', base], { env });
    const { add, remove } = await sortFiles(git.cwd, opts.files);
    // Removals first: a file replaced by a folder of the same name must leave the index before its children enter.
    if (remove.length) await git.exec(['update-index', '--force-remove', '-z', '--stdin'], { env, input: nulList(remove) });
    if (add.length) await git.exec(['update-index', '--add', '-z', '--stdin'], { env, input: nulList(add) });
    const tree = (await git.exec(['write-tree'], { env })).stdout.trim();
    const baseTree = (await git.exec(['rev-parse', `${base}^{tree}`])).stdout.trim();
    if (tree === baseTree) throw new NoChangesError();

    const value = opts.trailer.replace(/\s+/g, ' ').trim() || 'unknown';
    const message = (
      await git.exec(['interpret-trailers', '--trailer', `${CommitTrailer}: ${value}`], {
        input: `${opts.message.trim()}\n`,
      })
    ).stdout;
    const who = {
      GIT_AUTHOR_NAME: opts.author.name,
      GIT_AUTHOR_EMAIL: opts.author.email,
      GIT_COMMITTER_NAME: opts.author.name,
      GIT_COMMITTER_EMAIL: opts.author.email,
    };
    const commit = await git.exec(['commit-tree', '--no-gpg-sign', tree, '-p', base, '-F', '-'], {
      env: who,
      input: message,
    });
    return commit.stdout.trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Files present on disk are added; missing ones (and ones now a folder) are removed. */
async function sortFiles(cwd: string, files: string[]): Promise<{ add: string[]; remove: string[] }> {
  const add: string[] = [];
  const remove: string[] = [];
  for (const file of new Set(files.map((f) => checkPath(f)))) {
    const stat = await lstat(path.join(cwd, file)).catch(() => undefined);
    if (!stat || stat.isDirectory()) remove.push(file);
    else add.push(file);
  }
  return { add, remove };
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

function nulList(items: string[]): string {
  return items.map((i) => `${i}\0`).join('');
}

async function resolveRemoteUrl(git: Git, remote: string): Promise<string> {
  const r = await git.exec(['remote', 'get-url', '--push', remote], { allowFailure: true });
  // Not a configured remote: git takes it as a URL or path itself.
  return r.exitCode === 0 ? r.stdout.trim() : remote;
}

async function remoteBranchSha(
  git: Git,
  remote: string,
  branch: string,
  env: Record<string, string>,
): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const { stdout } = await git.exec(['ls-remote', '--refs', remote, ref], { env });
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.split('\t');
    if (name === ref && sha) return sha;
  }
  return undefined;
}

async function assertOnlyOwnCommits(
  git: Git,
  remote: string,
  branch: string,
  old: string,
  base: string,
  env: Record<string, string>,
): Promise<void> {
  if (!(await git.tryRevParse(old))) {
    const shallow = (await git.exec(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
    await git.exec(
      [
        'fetch',
        '--no-tags',
        '--no-write-fetch-head',
        '--recurse-submodules=no',
        '--quiet',
        // A shallow checkout would otherwise pull the whole history under the old branch.
        ...(shallow ? ['--depth=50'] : []),
        remote,
        `refs/heads/${branch}`,
      ],
      { env },
    );
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

async function numstat(git: Git, base: string, sha: string): Promise<FileChange[]> {
  const { stdout } = await git.exec(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', base, sha]);
  const changes: FileChange[] = [];
  for (const record of stdout.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(record.replace(/^\n/, ''));
    if (!m?.[3]) continue;
    // Binary files report '-': counted as no lines.
    changes.push({ path: m[3], added: m[1] === '-' ? 0 : Number(m[1]), removed: m[2] === '-' ? 0 : Number(m[2]) });
  }
  return changes;
}
