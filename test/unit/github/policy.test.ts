// Who may make redgreen run: forks, actors without write access and its own branches are refused with a readable reason.
import { describe, expect, it } from 'vitest';
import { readRunContext, type RunContext } from '../../../src/github/context.js';
import { GitHubApiError } from '../../../src/github/errors.js';
import { actorsToCheck, checkPolicy } from '../../../src/github/policy.js';
import { runnerEnv } from './helpers.js';

/** A permission lookup backed by a table; records who was asked. */
class FakePermissions {
  readonly asked: string[] = [];
  constructor(private readonly table: Record<string, string | Error>) {}
  async permission(user: string): Promise<string> {
    this.asked.push(user);
    const entry = this.table[user];
    if (entry === undefined) throw new GitHubApiError(`reading ${user}'s permission: GitHub API 404: Not Found`, 'not-found', 404);
    if (entry instanceof Error) throw entry;
    return entry;
  }
}

const base = { allowForks: false, branchPrefix: 'redgreen/' };

function ctxFor(event: string, file: string | undefined, extra: Record<string, string> = {}): RunContext {
  return readRunContext(runnerEnv(event, file, extra));
}

describe('checkPolicy', () => {
  it('runs for a same-repository failure started by a writer', async () => {
    const api = new FakePermissions({ octocat: 'write' });
    const decision = await checkPolicy({ ...base, ctx: ctxFor('workflow_run', 'event-workflow-run.json'), api });
    expect(decision).toEqual({ run: true });
    expect(api.asked).toEqual(['octocat']);
  });

  it.each(['admin', 'maintain', 'write'])('lets %s through', async (role) => {
    const api = new FakePermissions({ octocat: role });
    expect(await checkPolicy({ ...base, ctx: ctxFor('push', 'event-push.json'), api })).toEqual({ run: true });
  });

  it.each(['read', 'triage', 'none'])('refuses an actor with %s access', async (role) => {
    const api = new FakePermissions({ octocat: role });
    const decision = await checkPolicy({ ...base, ctx: ctxFor('push', 'event-push.json'), api });
    expect(decision).toEqual({
      run: false,
      reason: `octocat has ${role} access to acme/widgets; redgreen runs only for actors with write, maintain or admin access.`,
    });
  });

  it('refuses fork code unless allow-forks is set, before asking the API anything', async () => {
    const api = new FakePermissions({ mallory: 'read', octocat: 'admin' });
    const ctx = ctxFor('workflow_run', 'event-workflow-run-fork.json', { GITHUB_ACTOR: 'mallory', GITHUB_TRIGGERING_ACTOR: 'mallory' });
    const refused = await checkPolicy({ ...base, ctx, api });
    expect(refused.run).toBe(false);
    expect(!refused.run && refused.reason).toMatch(/comes from the fork mallory\/widgets.*unless allow-forks is true/);
    expect(api.asked).toEqual([]);

    // allow-forks lifts the fork rule only; the actor rule still holds.
    const allowed = await checkPolicy({ ...base, allowForks: true, ctx, api });
    expect(!allowed.run && allowed.reason).toMatch(/^mallory has read access/);
  });

  it('refuses a pull request from a fork', async () => {
    const decision = await checkPolicy({ ...base, ctx: ctxFor('pull_request', 'event-pull-request-fork.json'), api: new FakePermissions({}) });
    expect(!decision.run && decision.reason).toMatch(/fork mallory\/widgets/);
  });

  it("refuses to fix one of its own branches, whatever the actor's access", async () => {
    const ctx = ctxFor('push', 'event-push.json', { GITHUB_REF: 'refs/heads/redgreen/fix-ci-812' });
    const decision = await checkPolicy({ ...base, ctx, api: new FakePermissions({ octocat: 'admin' }) });
    expect(decision).toEqual({
      run: false,
      reason: "The failing branch redgreen/fix-ci-812 is one of redgreen's own (prefix redgreen/); fixing it again could start a loop of fixes.",
    });
  });

  it('does not check actors of scheduled runs, directly or behind a workflow_run', async () => {
    const api = new FakePermissions({});
    expect(await checkPolicy({ ...base, ctx: ctxFor('schedule', 'event-schedule.json'), api })).toEqual({ run: true });
    const behind = ctxFor('workflow_run', 'event-workflow-run.json');
    if (behind.workflowRun) behind.workflowRun.event = 'schedule';
    expect(await checkPolicy({ ...base, ctx: behind, api })).toEqual({ run: true });
    expect(api.asked).toEqual([]);
  });

  it('turns an API failure into a refusal that says why', async () => {
    const api = new FakePermissions({
      octocat: new GitHubApiError('reading octocat\'s permission on acme/widgets: GitHub API 403: Resource not accessible by integration', 'auth', 403),
    });
    const decision = await checkPolicy({ ...base, ctx: ctxFor('push', 'event-push.json'), api });
    expect(!decision.run && decision.reason).toBe(
      "Could not check octocat's access to acme/widgets (reading octocat's permission on acme/widgets: GitHub API 403: Resource not accessible by integration), so redgreen does not run.",
    );
  });

  it('refuses when an actor must be checked and no API was given', async () => {
    const decision = await checkPolicy({ ...base, ctx: ctxFor('push', 'event-push.json') });
    expect(!decision.run && decision.reason).toMatch(/No GitHub API client/);
  });

  it('checks both the re-run actor and the failed run\'s actor', async () => {
    const ctx = ctxFor('workflow_run', 'event-workflow-run.json', { GITHUB_TRIGGERING_ACTOR: 'hubot' });
    expect(actorsToCheck(ctx)).toEqual(['hubot', 'octocat']);
    const api = new FakePermissions({ hubot: 'maintain', octocat: 'read' });
    const decision = await checkPolicy({ ...base, ctx, api });
    expect(!decision.run && decision.reason).toMatch(/^octocat has read access/);
  });
});
