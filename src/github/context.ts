// Everything the action needs to know about the run it is in, read once from GITHUB_* variables and the event file.
import { readEventPayload, type PullRequestPayload, type WorkflowRunPayload } from './event.js';
import { toMention, type MentionEvent } from './mention.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RunPullRequest {
  number: number;
  headRef: string;
  baseRef: string;
}

/** The run that triggered a `workflow_run` event: the failed CI run, in fix mode. */
export interface WorkflowRunInfo {
  id: number;
  name: string;
  /** `.github/workflows/x.yml` */
  path: string;
  headSha: string;
  /** Absent when the run was on a tag or a detached commit. */
  headBranch?: string;
  conclusion?: string;
  /** The event that started the failed run (`push`, `pull_request`, `schedule`, ...). */
  event: string;
  headRepoFullName: string;
  isFork: boolean;
  /** Whoever started (or re-ran) the failed run. */
  actor?: string;
  runAttempt?: number;
  htmlUrl?: string;
  pullRequests: RunPullRequest[];
}

export interface PullRequestInfo {
  number: number;
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  headRepoFullName: string;
  isFork: boolean;
}

export interface RunContext {
  eventName: string;
  repo: RepoRef;
  sha: string;
  ref: string;
  actor: string;
  /** Who started this attempt, when it differs from `actor` (a re-run). */
  triggeringActor?: string;
  runId: number;
  runAttempt: number;
  serverUrl: string;
  apiUrl: string;
  /** `owner/repo/.github/workflows/x.yml@refs/heads/main`: the workflow this job belongs to. */
  workflowRef?: string;
  /** The key of the job this step runs in (`GITHUB_JOB`). */
  job?: string;
  workspace?: string;
  workflowRun?: WorkflowRunInfo;
  pullRequest?: PullRequestInfo;
  dispatch?: { ref: string; inputs: Record<string, string> };
  /** The cron line of a scheduled run. */
  schedule?: string;
  mention?: MentionEvent;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const payload = readEventPayload(env.GITHUB_EVENT_PATH);
  const repo = parseRepo(env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? undefined);
  const repoFullName = `${repo.owner}/${repo.repo}`;
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const ref = env.GITHUB_REF ?? '';
  const sha = env.GITHUB_SHA ?? '';
  const actor = env.GITHUB_ACTOR ?? payload.sender?.login ?? '';
  const triggering = env.GITHUB_TRIGGERING_ACTOR;
  const serverUrl = trimSlash(env.GITHUB_SERVER_URL || 'https://github.com');

  const ctx: RunContext = {
    eventName,
    repo,
    sha,
    ref,
    actor,
    runId: toInt(env.GITHUB_RUN_ID),
    runAttempt: toInt(env.GITHUB_RUN_ATTEMPT) || 1,
    serverUrl,
    apiUrl: trimSlash(env.GITHUB_API_URL || defaultApiUrl(serverUrl)),
  };
  if (triggering && triggering !== actor) ctx.triggeringActor = triggering;
  if (env.GITHUB_WORKFLOW_REF) ctx.workflowRef = env.GITHUB_WORKFLOW_REF;
  if (env.GITHUB_JOB) ctx.job = env.GITHUB_JOB;
  if (env.GITHUB_WORKSPACE) ctx.workspace = env.GITHUB_WORKSPACE;

  if (payload.workflow_run) {
    const run = toWorkflowRun(payload.workflow_run, repoFullName);
    if (run) ctx.workflowRun = run;
  }
  if (payload.pull_request) {
    const pr = toPullRequest(payload.pull_request, repoFullName);
    if (pr) ctx.pullRequest = pr;
  }
  if (eventName === 'workflow_dispatch') {
    ctx.dispatch = { ref: payload.ref ?? ref, inputs: stringifyInputs(payload.inputs ?? {}) };
  }
  if (eventName === 'schedule') ctx.schedule = payload.schedule ?? '';
  const mention = toMention(eventName, payload);
  if (mention) ctx.mention = mention;
  return ctx;
}

export interface FailingTarget {
  /** The branch that failed; undefined for a tag or a detached commit. */
  branch?: string;
  sha: string;
}

/** Which branch failed and at which commit: the failed run's head, the PR's head, or the pushed ref. */
export function failingTarget(ctx: RunContext): FailingTarget {
  if (ctx.workflowRun) return withBranch(ctx.workflowRun.headBranch, ctx.workflowRun.headSha);
  if (ctx.pullRequest) return withBranch(ctx.pullRequest.headRef, ctx.pullRequest.headSha);
  return withBranch(branchOf(ctx.ref), ctx.sha);
}

/** True when the code under test comes from another repository than the one whose secrets this run holds. */
export function isFork(ctx: RunContext): boolean {
  return Boolean(ctx.workflowRun?.isFork || ctx.pullRequest?.isFork);
}

export function runUrl(ctx: RunContext): string {
  const base = `${ctx.serverUrl}/${ctx.repo.owner}/${ctx.repo.repo}/actions/runs/${ctx.runId}`;
  return ctx.runAttempt > 1 ? `${base}/attempts/${ctx.runAttempt}` : base;
}

/** `refs/heads/feature/x` → `feature/x`; tags and pull refs have no branch. */
export function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/** The workflow file of this run, from `GITHUB_WORKFLOW_REF` (`owner/repo/.github/workflows/x.yml@ref`). */
export function currentWorkflowPath(ctx: RunContext): string | undefined {
  const ref = ctx.workflowRef;
  if (!ref) return undefined;
  const at = ref.indexOf('@');
  const full = at >= 0 ? ref.slice(0, at) : ref;
  const prefix = `${ctx.repo.owner}/${ctx.repo.repo}/`;
  if (full.toLowerCase().startsWith(prefix.toLowerCase())) return full.slice(prefix.length);
  // A reusable workflow from elsewhere: its path still follows the first two segments.
  return full.split('/').slice(2).join('/') || undefined;
}

export function toWorkflowRun(run: WorkflowRunPayload, repoFullName: string): WorkflowRunInfo | undefined {
  if (!run.id || !run.head_sha) return undefined;
  // A deleted fork leaves `head_repository` null; a run whose origin is unknown is foreign code.
  const headRepo = run.head_repository?.full_name ?? '';
  const info: WorkflowRunInfo = {
    id: run.id,
    name: run.name ?? '',
    // Some payloads carry `path@ref`; the file path is what matters.
    path: (run.path ?? '').replace(/@.*$/, ''),
    headSha: run.head_sha,
    event: run.event ?? '',
    headRepoFullName: headRepo,
    // Compared by name, not by the `fork` flag: a fork running CI on its own branches is not foreign code to itself.
    isFork: !sameRepo(headRepo, repoFullName),
    pullRequests: (run.pull_requests ?? []).flatMap((pr) =>
      pr.number && pr.head?.ref && pr.base?.ref
        ? [{ number: pr.number, headRef: pr.head.ref, baseRef: pr.base.ref }]
        : [],
    ),
  };
  if (run.head_branch) info.headBranch = run.head_branch;
  if (run.conclusion) info.conclusion = run.conclusion;
  const actor = run.triggering_actor?.login ?? run.actor?.login;
  if (actor) info.actor = actor;
  if (run.run_attempt) info.runAttempt = run.run_attempt;
  if (run.html_url) info.htmlUrl = run.html_url;
  return info;
}

export function toPullRequest(pr: PullRequestPayload, repoFullName: string): PullRequestInfo | undefined {
  if (!pr.number || !pr.head?.sha) return undefined;
  const baseRepo = pr.base?.repo?.full_name ?? repoFullName;
  // A deleted fork leaves `head.repo` null: treat it as foreign.
  const headRepo = pr.head.repo?.full_name ?? '';
  return {
    number: pr.number,
    headRef: pr.head.ref ?? '',
    headSha: pr.head.sha,
    baseRef: pr.base?.ref ?? '',
    baseSha: pr.base?.sha ?? '',
    headRepoFullName: headRepo,
    isFork: !sameRepo(headRepo, baseRepo),
  };
}

function parseRepo(full: string | undefined): RepoRef {
  const [owner, repo, ...rest] = (full ?? '').split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new Error(
      `GITHUB_REPOSITORY is ${full ? `"${full}"` : 'not set'}; expected "owner/repo" (is this running inside GitHub Actions?)`,
    );
  }
  return { owner, repo };
}

function stringifyInputs(inputs: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(inputs)) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function withBranch(branch: string | undefined, sha: string): FailingTarget {
  return branch ? { branch, sha } : { sha };
}

function sameRepo(a: string, b: string): boolean {
  return a !== '' && a.toLowerCase() === b.toLowerCase();
}

function defaultApiUrl(serverUrl: string): string {
  return serverUrl === 'https://github.com' ? 'https://api.github.com' : `${serverUrl}/api/v3`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function toInt(value: string | undefined): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}
