// A local run's own checkout: a temporary git worktree at HEAD, so the user's branch, index and working tree are never touched.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Git } from '../delivery/git.js';
import { SettingsError } from '../settings.js';

/** Where the user stands: the repository, the folder inside it, the commit and branch checked out, and what is not committed. */
export interface Checkout {
  repoRoot: string;
  /** The project folder relative to repoRoot ('' at the top), forward slashes. */
  prefix: string;
  head: string;
  branch?: string;
  /** `git status --porcelain` lines: changes that a run at HEAD does not see. */
  uncommitted: string[];
}

export async function readCheckout(dir: string): Promise<Checkout> {
  const git = new Git(dir);
  const top = await git.exec(['rev-parse', '--show-toplevel'], { allowFailure: true });
  if (top.exitCode !== 0) throw new SettingsError(`${dir} is not inside a git checkout; redgreen commits the fix on a branch.`);
  const head = await git.exec(['rev-parse', '--verify', '-q', 'HEAD'], { allowFailure: true });
  if (head.exitCode !== 0) throw new SettingsError(`The repository at ${top.stdout.trim()} has no commit yet; redgreen starts from HEAD.`);
  const prefix = (await git.exec(['rev-parse', '--show-prefix'])).stdout.trim().replace(/\/$/, '');
  const branch = (await git.exec(['symbolic-ref', '--short', '-q', 'HEAD'], { allowFailure: true })).stdout.trim() || undefined;
  // No optional locks: reading the status must not rewrite the user's index, even its stat cache.
  const status = await git.exec(['status', '--porcelain', '--untracked-files=normal'], { env: { GIT_OPTIONAL_LOCKS: '0' } });
  return {
    repoRoot: top.stdout.trim(),
    prefix,
    head: head.stdout.trim(),
    branch,
    uncommitted: status.stdout.split('\n').filter((l) => l.length > 0),
  };
}

/**
 * Folders a test command needs that git does not track: installed dependencies. They are linked
 * into the temporary checkout (not copied) so the tests run as they do in the user's tree. Only
 * when no setup command is given: a setup command (`npm ci`) installs afresh, and must not empty
 * the user's own folder through a link.
 */
const DependencyFolders = new Set(['node_modules', '.venv', 'venv']);

/** Synchronous clean-ups for an interrupted run (SIGINT, SIGTERM), run by the CLI's signal handler. */
export const onInterrupt = new Set<() => void>();

export interface Worktree {
  /** The temporary checkout's top folder. */
  root: string;
  /** Dependency folders linked from the user's tree, relative to the repository root. */
  linked: string[];
  remove(): Promise<void>;
}

/** Adds a detached worktree at `checkout.head` in a temporary folder; `remove()` takes it away again. */
export async function addWorktree(checkout: Checkout, opts: { linkDependencies: boolean }): Promise<Worktree> {
  const git = new Git(checkout.repoRoot);
  const parent = await mkdtemp(path.join(os.tmpdir(), 'redgreen-run-'));
  const root = path.join(parent, path.basename(checkout.repoRoot));
  // Hooks stay off (Git runs with core.hooksPath=/dev/null): the repository's post-checkout hook is not ours to run.
  await git.exec(['worktree', 'add', '--detach', '--quiet', root, checkout.head]);
  // Ctrl-C ends the process without running `finally` blocks: the CLI's signal handler calls this instead.
  const removeSync = (): void => {
    try {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: checkout.repoRoot, stdio: 'ignore' });
    } catch {
      // Already gone: the folder goes below, and `git worktree prune` forgets a stale entry.
    }
    rmSync(parent, { recursive: true, force: true });
  };
  onInterrupt.add(removeSync);

  const linked: string[] = [];
  if (opts.linkDependencies) {
    const ignored = await git.exec(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']);
    for (const entry of ignored.stdout.split('\0')) {
      const rel = entry.replace(/\/$/, '');
      if (!rel || !DependencyFolders.has(path.posix.basename(rel))) continue;
      await symlink(path.join(checkout.repoRoot, rel), path.join(root, rel), 'dir').then(
        () => linked.push(rel),
        // The folder's parent is itself untracked (not in the worktree): nothing of HEAD needs it.
        () => undefined,
      );
    }
  }

  return {
    root,
    linked,
    async remove() {
      onInterrupt.delete(removeSync);
      const r = await git.exec(['worktree', 'remove', '--force', root], { allowFailure: true });
      await rm(parent, { recursive: true, force: true });
      if (r.exitCode !== 0) await git.exec(['worktree', 'prune'], { allowFailure: true });
    },
  };
}
