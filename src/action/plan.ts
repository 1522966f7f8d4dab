// From the Actions context to a Job: which mode, which command, which commit and branches, who may run it.
import { getOctokit } from '@actions/github';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { AgentMode, ResolvedMode } from '../constants.js';
import { branchName } from '../delivery/branch.js';
import type { Git } from '../delivery/git.js';
import type { Job } from '../engine/job.js';
import type { FoundCommand } from '../report/types.js';
import type { GitHubApi } from '../github/api.js';
import { branchOf, failingTarget, runUrl, type RunContext } from '../github/context.js';
import { findFailedCommand } from '../github/failed-step.js';
import { mentionIntent } from '../github/mention.js';
import { keyBranch, withoutMatrixCell } from '../fanout/keys.js';
import type { Settings } from '../settings.js';

export type Plan = { kind: 'run'; job: Omit<Job, 'childEnv' | 'gate' | 'evidenceDir' | 'startedAt'> & { stepEnv: Record<string, string>; notes: string[] } } | { kind: 'error'; mode: ResolvedMode; reason: string };

export function resolveMode(settings: Settings, ctx: RunContext): ResolvedMode {
  if (settings.mode !== 'auto') return settings.mode;
  // A mention: `ask` → ask; `fix` on a pull request → fix; anything else → a task (without the trigger, policy skips it).
  if (ctx.mention) return mentionIntent(ctx.mention, settings.triggerPhrase)?.mode ?? 'task';
  if (ctx.eventName === 'workflow_dispatch' && settings.prompt) return 'task';
  if (ctx.eventName === 'schedule' && settings.coverageCommand) return 'coverage';
  return 'fix';
}

export async function planActionJob(settings: Settings, ctx: RunContext, git: Git, api: GitHubApi): Promise<Plan> {
  const resolved = resolveMode(settings, ctx);
  const error = (reason: string): Plan => ({ kind: 'error', mode: resolved, reason });
  if (resolved === 'plan' || resolved === 'pick') return error(`Mode ${resolved} has its own pipeline and plans no agent job.`);
  const mode: AgentMode = resolved;
  const repoRoot = (await git.exec(['rev-parse', '--show-toplevel'])).stdout.trim();
  const head = (await git.exec(['rev-parse', 'HEAD'])).stdout.trim();

  let testCommand = settings.testCommand;
  let commandSource = 'the test-command input';
  let setupCommands = settings.setupCommand ? [settings.setupCommand] : [];
  let workDir = settings.workingDirectory;
  let failedLog: string | undefined;
  let stepEnv: Record<string, string> = {};
  let found: FoundCommand | undefined;

  const target = failingTarget(ctx);
  if (mode === 'fix' && ctx.workflowRun && head !== ctx.workflowRun.headSha) {
    return error(
      `The workspace is at ${head.slice(0, 7)}, but the failed run was on ${ctx.workflowRun.headSha.slice(0, 7)}. ` +
        'Check out the failing commit first: actions/checkout with `ref: ${{ github.event.workflow_run.head_sha }}`.',
    );
  }
  // actions/checkout takes the merge commit for pull_request events: a fix on it would carry the base branch into the PR's.
  if (mode === 'fix' && !ctx.workflowRun && ctx.pullRequest && head !== ctx.pullRequest.headSha) {
    return error(
      `The workspace is at ${head.slice(0, 7)}, not at the head of pull request #${ctx.pullRequest.number} (${ctx.pullRequest.headSha.slice(0, 7)}); ` +
        `a fix made there would bring other commits into ${ctx.pullRequest.headRef}. ` +
        'Check out the head of the pull request: actions/checkout with `ref: ${{ github.event.pull_request.head.sha }}`.',
    );
  }
  if (mode === 'task' && !settings.prompt) return error('Task mode needs the task in the prompt input.');
  if (mode === 'coverage' && !settings.coverageCommand) return error('Coverage mode needs the coverage-command input.');

  const notes: string[] = [];
  if (!testCommand && mode === 'fix') {
    // On workflow_run the failed run is another one; in an `if: failure()` step it is this job's own failed step.
    const failed = await findFailedCommand({ api, ctx, workspace: repoRoot, ...(settings.jobId === undefined ? {} : { jobId: settings.jobId }) });
    if ('error' in failed) return error(`No test-command was given and the failed step's command could not be found: ${failed.error}`);
    testCommand = failed.command;
    commandSource = failed.source;
    failedLog = failed.log;
    stepEnv = failed.env;
    notes.push(...failed.notes);
    if (settings.jobId !== undefined) notes.push(...(await otherFailedCells(api, failed.runId, failed.jobId, failed.job)));
    // A fresh job must redo the failed job's earlier steps (install, build); in the failing job itself they already ran.
    const repeat = !settings.setupCommand && Boolean(ctx.workflowRun);
    if (repeat) setupCommands = failed.setupCommands;
    if (failed.workingDirectory && (await realpath(settings.workingDirectory)) === repoRoot) {
      workDir = path.resolve(repoRoot, failed.workingDirectory);
    }
    found = {
      job: failed.job,
      step: failed.step,
      workflow: failed.workflow,
      workingDirectory: path.relative(repoRoot, workDir) || '.',
      setup: repeat ? failed.setupNames : [],
      notRepeated: failed.notRepeated,
      unknown: failed.unknown,
    };
  }
  if (!testCommand) return error('Set the test-command input: the command that must pass (it can be left out only in fix mode on workflow_run).');

  // A mention on a pull request works on its head branch: the new branch's pull request goes into it.
  const mentionedPr = ctx.mention?.isPullRequest ? ctx.pullRequest : undefined;
  const baseBranch = mentionedPr
    ? mentionedPr.headRef
    : mode === 'fix'
      ? target.branch
      : (branchOf(ctx.ref) ?? ctx.dispatch?.ref.replace(/^refs\/heads\//, ''));
  if (settings.push === 'pr' && !baseBranch) {
    return error('The run is not on a branch (a tag or a detached commit), so there is no branch for the pull request to go into; use push: branch.');
  }
  // A fan-out cell's branch comes from its lasting key; one of several attempts only pushes its own attempt branch, for pick.
  const cell = settings.key && (mode === 'fix' || mode === 'task') ? mode : undefined;
  const attempts = cell ? settings.bestOf : 1;
  const branch = cell
      ? keyBranch(settings.branchPrefix, cell, settings.key, attempts > 1 ? settings.attempt : undefined)
      : branchName(settings.branchPrefix, { mode, failedBranch: target.branch, sha: head, prompt: settings.prompt, ref: baseBranch });
  if (attempts > 1 && settings.push === 'pr') {
    settings = { ...settings, push: 'branch' };
    notes.push(`Attempt ${settings.attempt} of ${attempts}: a verified change goes to ${branch} only; pick opens the pull request for the smallest one.`);
  }

  const prNumber = ctx.pullRequest?.number ?? ctx.workflowRun?.pullRequests[0]?.number;
  const prBase = ctx.pullRequest?.baseRef ?? ctx.workflowRun?.pullRequests[0]?.baseRef;
  // On a pull request's head, the instructions files are the author's to change: take them from the base branch.
  const fromPullRequest = Boolean(ctx.pullRequest || ctx.workflowRun?.event.startsWith('pull_request'));
  const readInstructions =
    fromPullRequest && prBase ? (rel: string) => api.fileAt(rel, prBase).catch(() => undefined) : undefined;

  return {
    kind: 'run',
    job: {
      mode,
      settings,
      testCommand,
      commandSource,
      ...(found ? { found } : {}),
      setupCommands,
      repoRoot,
      workDir,
      baseSha: head,
      baseBranch,
      branch,
      // Read now, before any test or model code could rewrite .git/config: where the fix is pushed to.
      remote: await git.pushUrl('origin').catch(() => 'origin'),
      auth: settings.githubToken ? { token: settings.githubToken, serverUrl: ctx.serverUrl } : undefined,
      github: settings.githubToken
        ? {
            owner: ctx.repo.owner,
            repo: ctx.repo.repo,
            octokit: getOctokit(settings.githubToken, { baseUrl: ctx.apiUrl }),
            // A mention reports in its own thread, in the one progress comment.
            commentOn: mode === 'fix' && !ctx.mention ? prNumber : undefined,
          }
        : undefined,
      failedLog,
      readInstructions,
      ...(ctx.mention && !ctx.mention.isPullRequest ? { closes: ctx.mention.number } : {}),
      source: { repo: `${ctx.repo.owner}/${ctx.repo.repo}`, sha: head, ref: baseBranch, runUrl: ctx.workflowRun?.htmlUrl ?? runUrl(ctx) },
      stepEnv,
      notes,
    },
  };
}

/** A fan-out cell fixes the first failed cell of a matrix job; the others that failed are named, not fixed separately. */
async function otherFailedCells(api: GitHubApi, runId: number, jobId: number, name: string): Promise<string[]> {
  const group = withoutMatrixCell(name);
  const jobs = await api.listJobs(runId).catch(() => []);
  const others = jobs.filter((j) => j.id !== jobId && (j.conclusion === 'failure' || j.conclusion === 'timed_out') && withoutMatrixCell(j.name) === group);
  if (others.length === 0) return [];
  return [`The same job also failed in ${others.map((j) => j.name).join(', ')}; this change was made and verified for ${name}.`];
}
