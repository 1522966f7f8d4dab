// Pick's delivery: the winning attempt's change becomes the key's branch (through pushChanges, so its rules hold), then the attempt branches go.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommitTrailer } from '../constants.js';
import { authEnv, type PushAuth } from '../delivery/auth.js';
import { isOwnBranch } from '../delivery/branch.js';
import { Git } from '../delivery/git.js';
import { pushChanges, type PushResult } from '../delivery/push.js';
import type { CellMode } from './keys.js';
import { isAttemptBranch } from './keys.js';
import type { AttemptRecord } from './record.js';

export interface PromoteOptions {
  /** The checkout pick runs in; only its object store is used, its files and HEAD stay as they are. */
  git: Git;
  remote: string;
  winner: AttemptRecord & { branch: string; sha: string };
  /** `<prefix><mode>/<key>` */
  branch: string;
  prefix: string;
  author: { name: string; email: string };
  trailer: string;
  auth?: PushAuth;
}

/**
 * Fetches the winner's attempt branch, checks it still points at the verified commit, and rebuilds that commit's
 * change on the key's branch with pushChanges: a branch holding someone else's commits is never overwritten.
 */
export async function promoteWinner(o: PromoteOptions): Promise<PushResult> {
  const remoteUrl = await remoteUrlOf(o.git, o.remote);
  const env = authEnv(remoteUrl, o.auth);
  const head = await remoteHead(o.git, remoteUrl, o.winner.branch, env);
  if (head !== o.winner.sha) {
    throw new Error(`The attempt branch ${o.winner.branch} is at ${head?.slice(0, 7) ?? 'nothing'}, not at the verified commit ${o.winner.sha.slice(0, 7)}; it was not used.`);
  }
  await o.git.exec(['fetch', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--quiet', remoteUrl, `refs/heads/${o.winner.branch}`], { env });
  const parent = (await o.git.exec(['rev-parse', `${o.winner.sha}^`])).stdout.trim();
  if (parent !== (await o.git.revParse(o.winner.baseSha))) {
    throw new Error(`The attempt commit ${o.winner.sha.slice(0, 7)} is not one commit on ${o.winner.baseSha.slice(0, 7)}; it was not used.`);
  }
  const files = (await o.git.exec(['diff', '--name-only', '-z', '--no-renames', o.winner.baseSha, o.winner.sha])).stdout.split('\0').filter(Boolean);
  const message = (await o.git.exec(['log', '-1', '--format=%B', o.winner.sha])).stdout
    .split('\n')
    .filter((line) => !line.startsWith(`${CommitTrailer}:`))
    .join('\n');

  // A worktree at the winner's commit gives pushChanges the files as they were verified, beside the untouched checkout.
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'redgreen-pick-'));
  await o.git.exec(['worktree', 'add', '--detach', '--quiet', dir, o.winner.sha]);
  try {
    return await pushChanges({
      git: new Git(dir),
      remote: remoteUrl,
      baseSha: o.winner.baseSha,
      branch: o.branch,
      prefix: o.prefix,
      protectedBranches: o.winner.baseBranch ? [o.winner.baseBranch] : [],
      files,
      message,
      author: o.author,
      trailer: o.trailer,
      ...(o.auth ? { auth: o.auth } : {}),
    });
  } finally {
    await o.git.exec(['worktree', 'remove', '--force', dir], { allowFailure: true });
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deletes every attempt branch of the key on the remote (this run's, and any a cancelled run left); returns their names. */
export async function deleteAttemptBranches(
  git: Git,
  remote: string,
  b: { prefix: string; mode: CellMode; key: string },
  auth?: PushAuth,
): Promise<string[]> {
  const remoteUrl = await remoteUrlOf(git, remote);
  const env = authEnv(remoteUrl, auth);
  const { stdout } = await git.exec(['ls-remote', '--refs', remoteUrl, `refs/heads/${b.prefix}${b.mode}/${b.key}-attempt-*`], { env });
  const branches = stdout
    .split('\n')
    .map((line) => line.split('\t')[1]?.replace(/^refs\/heads\//, '') ?? '')
    .filter((name) => isOwnBranch(b.prefix, name) && isAttemptBranch(b.prefix, b.mode, b.key, name));
  if (branches.length > 0) {
    await git.exec(['push', '--porcelain', '--no-verify', remoteUrl, ...branches.map((name) => `:refs/heads/${name}`)], { env });
  }
  return branches;
}

async function remoteUrlOf(git: Git, remote: string): Promise<string> {
  const r = await git.exec(['remote', 'get-url', '--push', remote], { allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : remote;
}

async function remoteHead(git: Git, remoteUrl: string, branch: string, env: Record<string, string>): Promise<string | undefined> {
  const { stdout } = await git.exec(['ls-remote', '--refs', remoteUrl, `refs/heads/${branch}`], { env });
  return stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`))?.split('\t')[0];
}
