// A git directory the untrusted side never touched, in the action's own temp folder: where the commit is built and pushed from.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { helperEnv } from '../safety/env.js';
import type { Git } from './git.js';

export interface CleanRepo {
  /** Git in the clean bare repository. */
  git: Git;
  /** Its private index file, for building the tree. */
  indexFile: string;
  close(): Promise<void>;
}

/**
 * A bare repository in a fresh folder of mode 700 under RUNNER_TEMP. Its git reads no system or global config
 * (so no credential helper, filter or attribute file of the machine), ignores replace refs, and gets the
 * helper environment only. Nothing of the workspace's `.git` (config, hooks, attributes, replace refs,
 * alternates) is ever read by it: objects come in through a fetch, which checks every object's hash.
 */
export async function openCleanRepo(workspaceGit: Git, tmpRoot = process.env.RUNNER_TEMP || os.tmpdir()): Promise<CleanRepo> {
  const dir = await mkdtemp(path.join(tmpRoot, 'redgreen-deliver-'));
  const home = path.join(dir, 'home');
  await mkdir(home, { mode: 0o700 });
  const env = {
    ...helperEnv(workspaceGit.env),
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_ATTR_NOSYSTEM: '1',
  };
  const repo = path.join(dir, 'repo.git');
  const git = workspaceGit.at(dir, env);
  await git.exec(['init', '--quiet', '--bare', repo]);
  const clean = workspaceGit.at(repo, env);
  await clean.exec(['config', 'core.attributesFile', '/dev/null']);
  return { git: clean, indexFile: path.join(dir, 'index'), close: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Brings `sha` (and only what it needs) into the clean repository. From the remote when there is one; from the
 * workspace's own repository when there is none (push: none, the CLI), or when the remote does not have the
 * commit (an unpushed local commit). Either way the objects arrive through a pack whose hashes git checks,
 * with replace refs ignored, so what the workspace's `.git` says about them cannot change them.
 */
export async function fetchCommit(
  clean: Git,
  sha: string,
  from: { remoteUrl?: string; env: Record<string, string>; workspaceGitDir: string },
): Promise<void> {
  const args = ['fetch', '--quiet', '--no-tags', '--no-recurse-submodules', '--depth=1'];
  if (from.remoteUrl) {
    const r = await clean.exec([...args, from.remoteUrl, sha], { env: from.env, allowFailure: true });
    if (r.exitCode === 0) return;
  }
  // The workspace may belong to another user (the sandbox); reading its objects is still safe, as said above.
  await clean.guarded(['-c', `safe.directory=${from.workspaceGitDir}`, ...args, from.workspaceGitDir, sha]);
}
