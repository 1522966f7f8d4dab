// Delivery: the model's files as one commit on the fix branch, pushed (or kept local), and the patch for the evidence.
import path from 'node:path';
import type { Workspace } from '../agent/workspace.js';
import { Git } from '../delivery/git.js';
import { pushChanges } from '../delivery/push.js';
import type { Host } from '../host.js';
import type { Delivery } from './finish.js';
import type { Job } from './job.js';

export async function deliver(job: Job, workspace: Workspace, host: Host, summary: string): Promise<Delivery> {
  const git = new Git(job.repoRoot);
  const files = [...workspace.touched].map((rel) => path.relative(job.repoRoot, path.join(workspace.root, rel)).split(path.sep).join('/'));
  // push: none still builds the commit, on a local branch, so the patch and the change list are exact.
  const remote = job.settings.push === 'none' ? '.' : job.remote;
  const result = await pushChanges({
    git,
    remote,
    baseSha: job.baseSha,
    branch: job.branch,
    prefix: job.settings.branchPrefix,
    protectedBranches: job.baseBranch ? [job.baseBranch] : [],
    files,
    message: commitMessage(job, summary),
    author: job.settings.author,
    trailer: job.source?.runUrl ?? 'local',
    auth: remote === '.' ? undefined : job.auth,
    gate: job.gate,
  });
  host.log.info(`${remote === '.' ? 'committed' : 'pushed'} ${result.sha.slice(0, 7)} to ${job.branch}${result.updated ? ' (replacing its earlier fix)' : ''}: ${result.changes.map((c) => c.path).join(', ')}`);
  return {
    branch: remote === '.' ? undefined : job.branch,
    localBranch: remote === '.' ? job.branch : undefined,
    sha: result.sha,
    changes: result.changes,
    patch: job.gate.redact(result.patch),
  };
}

function commitMessage(job: Job, summary: string): string {
  const subject =
    job.mode === 'fix'
      ? `Fix the failing tests of \`${job.testCommand}\``
      : job.mode === 'coverage'
        ? 'Add tests for uncovered code'
        : (job.settings.prompt.split('\n')[0] ?? 'Task').slice(0, 72);
  const body = summary.trim() ? `\n\n${job.gate.redact(summary.trim()).slice(0, 4000)}` : '';
  return `${subject}${body}`;
}
