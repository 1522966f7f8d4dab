// The run context read from GITHUB_* variables and real-shaped event payloads.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentWorkflowPath, failingTarget, isFork, readRunContext, runUrl } from '../../../src/github/context.js';
import { runnerEnv } from './helpers.js';

describe('readRunContext', () => {
  it('reads a workflow_run of a failed push on a branch of the same repository', () => {
    const ctx = readRunContext(runnerEnv('workflow_run', 'event-workflow-run.json'));
    expect(ctx.eventName).toBe('workflow_run');
    expect(ctx.repo).toEqual({ owner: 'acme', repo: 'widgets' });
    expect(ctx.runId).toBe(10812399999);
    expect(ctx.apiUrl).toBe('https://api.github.com');
    expect(ctx.workflowRun).toEqual({
      id: 10812345678,
      name: 'CI',
      path: '.github/workflows/ci.yml',
      headSha: '8f3c2a1d9e4b7c6a5f0e1d2c3b4a59687766554f',
      headBranch: 'feature/parser',
      conclusion: 'failure',
      event: 'push',
      headRepoFullName: 'acme/widgets',
      isFork: false,
      actor: 'octocat',
      runAttempt: 1,
      htmlUrl: 'https://github.com/acme/widgets/actions/runs/10812345678',
      pullRequests: [{ number: 42, headRef: 'feature/parser', baseRef: 'main' }],
    });
    expect(failingTarget(ctx)).toEqual({ branch: 'feature/parser', sha: '8f3c2a1d9e4b7c6a5f0e1d2c3b4a59687766554f' });
    expect(isFork(ctx)).toBe(false);
  });

  it('marks a workflow_run whose head repository is another one as a fork', () => {
    const ctx = readRunContext(runnerEnv('workflow_run', 'event-workflow-run-fork.json'));
    expect(ctx.workflowRun?.isFork).toBe(true);
    expect(ctx.workflowRun?.headRepoFullName).toBe('mallory/widgets');
    expect(ctx.workflowRun?.actor).toBe('mallory');
    expect(isFork(ctx)).toBe(true);
  });

  it('marks a workflow_run whose head repository is null (a deleted fork) as a fork', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-event-'));
    const file = join(dir, 'event.json');
    const run = { id: 5, name: 'CI', head_sha: 'abc1234', head_branch: 'patch-1', event: 'pull_request', head_repository: null };
    writeFileSync(file, JSON.stringify({ workflow_run: run, repository: { full_name: 'acme/widgets' } }));
    const ctx = readRunContext({ ...runnerEnv('workflow_run', undefined), GITHUB_EVENT_PATH: file });
    expect(ctx.workflowRun?.isFork).toBe(true);
    expect(ctx.workflowRun?.headRepoFullName).toBe('');
    expect(isFork(ctx)).toBe(true);
  });

  it('reads a pull_request and targets its head, not the merge commit', () => {
    const ctx = readRunContext(runnerEnv('pull_request', 'event-pull-request.json', { GITHUB_REF: 'refs/pull/42/merge' }));
    expect(ctx.pullRequest).toEqual({
      number: 42,
      headRef: 'feature/parser',
      headSha: '8f3c2a1d9e4b7c6a5f0e1d2c3b4a59687766554f',
      baseRef: 'main',
      baseSha: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567',
      headRepoFullName: 'acme/widgets',
      isFork: false,
    });
    expect(failingTarget(ctx)).toEqual({ branch: 'feature/parser', sha: '8f3c2a1d9e4b7c6a5f0e1d2c3b4a59687766554f' });
  });

  it('marks a pull request from a fork, and one whose fork was deleted', () => {
    const fork = readRunContext(runnerEnv('pull_request', 'event-pull-request-fork.json'));
    expect(fork.pullRequest?.isFork).toBe(true);
    expect(isFork(fork)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'rg-event-'));
    const file = join(dir, 'event.json');
    writeFileSync(
      file,
      JSON.stringify({ number: 7, pull_request: { number: 7, head: { ref: 'x', sha: 'abc1234', repo: null }, base: { ref: 'main', sha: 'def', repo: { full_name: 'acme/widgets' } } } }),
    );
    const deleted = readRunContext({ ...runnerEnv('pull_request', undefined), GITHUB_EVENT_PATH: file });
    expect(deleted.pullRequest?.isFork).toBe(true);
  });

  it('targets the pushed branch and commit on push', () => {
    const ctx = readRunContext(runnerEnv('push', 'event-push.json', { GITHUB_REF: 'refs/heads/release/2.x' }));
    expect(failingTarget(ctx)).toEqual({ branch: 'release/2.x', sha: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00' });
    expect(ctx.workflowRun).toBeUndefined();
    expect(ctx.pullRequest).toBeUndefined();
  });

  it('has no failing branch for a tag', () => {
    const ctx = readRunContext(runnerEnv('push', 'event-push.json', { GITHUB_REF: 'refs/tags/v1.2.0' }));
    expect(failingTarget(ctx)).toEqual({ sha: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00' });
  });

  it('reads schedule and workflow_dispatch details, inputs as strings', () => {
    expect(readRunContext(runnerEnv('schedule', 'event-schedule.json')).schedule).toBe('17 3 * * 1');
    const dispatch = readRunContext(runnerEnv('workflow_dispatch', 'event-workflow-dispatch.json'));
    expect(dispatch.dispatch).toEqual({
      ref: 'refs/heads/main',
      inputs: { prompt: 'Add input validation to parseList', 'dry-run': 'false', retries: '3' },
    });
  });

  it('tolerates a missing, malformed or oddly shaped event file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-event-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ not json');
    const odd = join(dir, 'odd.json');
    writeFileSync(odd, JSON.stringify({ workflow_run: { id: 'seven', head_sha: 5 }, pull_request: [], schedule: 3 }));

    for (const path of [join(dir, 'missing.json'), broken, odd]) {
      const ctx = readRunContext({ ...runnerEnv('workflow_run', undefined), GITHUB_EVENT_PATH: path });
      expect(ctx.workflowRun).toBeUndefined();
      expect(ctx.pullRequest).toBeUndefined();
      expect(ctx.sha).toBe('c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00');
    }
  });

  it('derives the API URL of GitHub Enterprise Server and trims trailing slashes', () => {
    const env = runnerEnv('push', undefined, { GITHUB_SERVER_URL: 'https://ghe.example.com/' });
    delete env.GITHUB_API_URL;
    const ctx = readRunContext(env);
    expect(ctx.serverUrl).toBe('https://ghe.example.com');
    expect(ctx.apiUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('keeps the triggering actor of a re-run apart from the original actor', () => {
    const ctx = readRunContext(runnerEnv('push', undefined, { GITHUB_TRIGGERING_ACTOR: 'hubot' }));
    expect(ctx.actor).toBe('octocat');
    expect(ctx.triggeringActor).toBe('hubot');
  });

  it('refuses to guess the repository', () => {
    const env = runnerEnv('push', undefined);
    delete env.GITHUB_REPOSITORY;
    expect(() => readRunContext(env)).toThrow(/GITHUB_REPOSITORY is not set/);
  });
});

describe('runUrl and currentWorkflowPath', () => {
  it('links the run, and the attempt when it is a re-run', () => {
    expect(runUrl(readRunContext(runnerEnv('push', undefined)))).toBe('https://github.com/acme/widgets/actions/runs/10812399999');
    expect(runUrl(readRunContext(runnerEnv('push', undefined, { GITHUB_RUN_ATTEMPT: '3' })))).toBe(
      'https://github.com/acme/widgets/actions/runs/10812399999/attempts/3',
    );
  });

  it('reads the workflow file of this run from GITHUB_WORKFLOW_REF', () => {
    expect(currentWorkflowPath(readRunContext(runnerEnv('push', undefined)))).toBe('.github/workflows/redgreen.yml');
  });
});
