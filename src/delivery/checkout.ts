// Checks out one pinned commit in the workspace (a pull request's head, for a mention), fetched with the action's own token.
import { authEnv, type PushAuth } from './auth.js';
import type { Git } from './git.js';

export interface PinnedCheckout {
  sha: string;
  /** Where to fetch from when the commit is not here yet: the remote (`origin`). */
  remote: string;
  /** Refs to try when the server will not serve a bare commit: the pull request's head ref, the branch. */
  refs: string[];
  auth?: PushAuth;
}

/**
 * Leaves the workspace detached at `sha`. The commit is pinned: whatever the branch points to by now, the run
 * works on the commit that was resolved when it started. Local changes are refused rather than carried over.
 */
export async function checkoutPinned(git: Git, o: PinnedCheckout): Promise<void> {
  const status = await git.exec(['status', '--porcelain', '--untracked-files=no']);
  if (status.stdout.trim()) throw new Error(`The workspace has local changes; redgreen will not check out ${o.sha.slice(0, 7)} over them.`);
  if (!(await has(git, o.sha))) {
    const url = (await git.exec(['remote', 'get-url', o.remote], { allowFailure: true })).stdout.trim() || o.remote;
    const env = authEnv(url, o.auth);
    const fetch = (what: string) =>
      git.exec(['fetch', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--quiet', url, what], { env, allowFailure: true });
    // GitHub serves any commit reachable from a ref; other servers only refs.
    const tried = [o.sha, ...o.refs];
    const errors: string[] = [];
    for (const what of tried) {
      const r = await fetch(what);
      if (r.exitCode !== 0) errors.push(r.stderr.trim().split('\n').at(-1) ?? `exit ${r.exitCode}`);
      if (await has(git, o.sha)) break;
    }
    if (!(await has(git, o.sha))) {
      throw new Error(`Could not fetch ${o.sha.slice(0, 7)} (tried ${tried.join(', ')}): ${errors.join('; ') || 'the commit was not among what the server sent'}.`);
    }
  }
  await git.exec(['checkout', '--quiet', '--detach', o.sha]);
}

async function has(git: Git, sha: string): Promise<boolean> {
  return (await git.exec(['cat-file', '-e', `${sha}^{commit}`], { allowFailure: true })).exitCode === 0;
}
