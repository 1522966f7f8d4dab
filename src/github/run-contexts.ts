// The `github` context of the failed run (not redgreen's own) and the `runner` context of the runner that repeats its steps.
import { arch, tmpdir } from 'node:os';
import type { RunContext } from './context.js';
import type { JsonObject } from './expressions.js';

/**
 * `github` as the failed run saw it, rebuilt from the workflow_run payload (the run API's own object) or, in the failing
 * job itself, from this run. Fields that cannot be known here (the token, most of the event) are left out, so an
 * expression that reads them gets null and is named in the summary.
 */
export function failedRunGithub(ctx: RunContext, target: { path: string; sha: string }, workspace: string): JsonObject {
  const repository = `${ctx.repo.owner}/${ctx.repo.repo}`;
  const common: JsonObject = {
    repository,
    repository_owner: ctx.repo.owner,
    server_url: ctx.serverUrl,
    api_url: ctx.apiUrl,
    graphql_url: `${ctx.apiUrl.replace(/\/v3$/, '')}/graphql`,
    workspace,
    sha: target.sha,
  };
  const run = ctx.workflowRun;
  if (run) {
    const pr = run.pullRequests[0];
    const isPr = run.event.startsWith('pull_request') && pr !== undefined;
    const ref = isPr ? `refs/pull/${pr.number}/merge` : run.headBranch ? `refs/heads/${run.headBranch}` : '';
    const github: JsonObject = {
      ...common,
      event_name: run.event,
      ref,
      ref_name: isPr ? `${pr.number}/merge` : (run.headBranch ?? ''),
      ref_type: 'branch',
      head_ref: isPr ? pr.headRef : '',
      base_ref: isPr ? pr.baseRef : '',
      run_id: String(run.id),
      run_attempt: String(run.runAttempt ?? 1),
      workflow: run.name,
      workflow_ref: `${repository}/${run.path}@${ref}`,
      event: isPr ? { number: pr.number, pull_request: { number: pr.number, head: { ref: pr.headRef, sha: run.headSha }, base: { ref: pr.baseRef } } } : {},
    };
    if (run.actor) {
      github['actor'] = run.actor;
      github['triggering_actor'] = run.actor;
    }
    return github;
  }
  const github: JsonObject = {
    ...common,
    event_name: ctx.eventName,
    ref: ctx.ref,
    ref_name: ctx.ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: ctx.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    head_ref: ctx.pullRequest?.headRef ?? '',
    base_ref: ctx.pullRequest?.baseRef ?? '',
    run_id: String(ctx.runId),
    run_attempt: String(ctx.runAttempt),
    actor: ctx.actor,
    triggering_actor: ctx.triggeringActor ?? ctx.actor,
    event: ctx.pullRequest
      ? { number: ctx.pullRequest.number, pull_request: { number: ctx.pullRequest.number, head: { ref: ctx.pullRequest.headRef, sha: ctx.pullRequest.headSha }, base: { ref: ctx.pullRequest.baseRef, sha: ctx.pullRequest.baseSha } } }
      : {},
  };
  if (ctx.workflowRef) github['workflow_ref'] = ctx.workflowRef;
  return github;
}

/** `runner` for the runner redgreen runs on, which is where the steps are repeated. */
export function thisRunner(env: NodeJS.ProcessEnv = process.env): JsonObject {
  return {
    os: 'Linux',
    arch: arch() === 'arm64' ? 'ARM64' : arch() === 'arm' ? 'ARM' : 'X64',
    name: env.RUNNER_NAME ?? '',
    environment: env.RUNNER_ENVIRONMENT ?? 'github-hosted',
    temp: env.RUNNER_TEMP ?? tmpdir(),
    tool_cache: env.RUNNER_TOOL_CACHE ?? '',
    debug: env.RUNNER_DEBUG ?? '',
  };
}
