// The diff of a local run's fix branch against the commit it started from, read from the user's repository.
import { Git } from '../delivery/git.js';
import type { Report } from '../report/types.js';

/** The commit the fix ended on, read from the user's repository (the worktree shared its objects and refs). */
async function fixCommit(git: Git, report: Report): Promise<string | undefined> {
  if (report.localBranch) {
    const local = await git.exec(['rev-parse', '--verify', '-q', `refs/heads/${report.localBranch}^{commit}`], { allowFailure: true });
    return local.exitCode === 0 ? local.stdout.trim() : undefined;
  }
  if (report.branch) {
    // Pushed (--push branch): the commit was built in a clean repository, so only the remote has it; its
    // objects are fetched (no ref is written) for the diff.
    const remote = await git.exec(['ls-remote', 'origin', `refs/heads/${report.branch}`], { allowFailure: true });
    const tip = /^[0-9a-f]{40,64}/.exec(remote.stdout)?.[0];
    if (tip && !(await git.tryRevParse(tip))) {
      await git.exec(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', 'origin', tip], { allowFailure: true });
    }
    return tip;
  }
  return undefined;
}

/** `git diff` of the fix against where the run started; coloured only for a terminal. */
export async function fixDiff(repoRoot: string, start: string, report: Report, opts: { color: boolean; redact: (s: string) => string }): Promise<string> {
  const git = new Git(repoRoot);
  const tip = await fixCommit(git, report);
  if (!tip) return '';
  const diff = await git.exec(['diff', `--color=${opts.color ? 'always' : 'never'}`, '--no-ext-diff', start, tip], { allowFailure: true });
  return diff.exitCode === 0 ? opts.redact(diff.stdout) : '';
}

