// The fake GitHub REST API, driven by the Octokit that @actions/github builds: pulls, comments, runs, logs, contents, faults.
import { getOctokit } from '@actions/github';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubServer, type GitHubServer, type GitHubStateInit } from '../../support/github-server.js';
import { commitToRemote, createRemote } from '../../support/git.js';
import { keepTempDirsOnFailure, makeTempDir } from '../../support/tmp.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

keepTempDirsOnFailure();

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(init?: GitHubStateInit) {
  server = await startGitHubServer(init);
  const octokit = getOctokit('ghs_unit', { baseUrl: server.url });
  return { gh: server, octokit, repo: { owner: 'owner', repo: 'repo' } };
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : undefined;
}

describe('startGitHubServer', () => {
  it('creates a pull request, refuses a duplicate with 422 like GitHub, and lists it by head', async () => {
    const { gh, octokit, repo } = await start();
    const created = await octokit.rest.pulls.create({ ...repo, head: 'redgreen/fix-1', base: 'main', title: 'Fix', body: 'evidence' });
    expect(created.status).toBe(201);
    expect(created.data.number).toBe(1);
    expect(created.data.html_url).toBe(`${gh.serverUrl}/owner/repo/pull/1`);
    expect(created.data.head.ref).toBe('redgreen/fix-1');

    const duplicate = await octokit.rest.pulls.create({ ...repo, head: 'owner:redgreen/fix-1', base: 'main', title: 'Again' }).catch((e: unknown) => e);
    expect(statusOf(duplicate)).toBe(422);
    expect(String((duplicate as Error).message)).toContain('A pull request already exists for owner:redgreen/fix-1.');

    const listed = await octokit.rest.pulls.list({ ...repo, state: 'open', head: 'owner:redgreen/fix-1', base: 'main' });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    const other = await octokit.rest.pulls.list({ ...repo, head: 'owner:redgreen/other' });
    expect(other.data).toEqual([]);

    const updated = await octokit.rest.pulls.update({ ...repo, pull_number: 1, body: 'new evidence', state: 'closed' });
    expect(updated.data.body).toBe('new evidence');
    expect(updated.data.state).toBe('closed');
    expect((await octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.state).toBe('closed');
    expect(gh.requests.find((r) => r.route === 'pulls.create')?.headers['authorization']).toBe('token ghs_unit');
  });

  it('keeps comments and labels on a pull request', async () => {
    const { gh, octokit, repo } = await start({ pulls: [{ head: 'feature', title: 'Existing' }] });
    await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'first' });
    const comments = await octokit.rest.issues.listComments({ ...repo, issue_number: 1 });
    expect(comments.data.map((c) => c.body)).toEqual(['first']);
    const labels = await octokit.rest.issues.addLabels({ ...repo, issue_number: 1, labels: ['redgreen', 'bot'] });
    expect(labels.data.map((l) => l.name)).toEqual(['redgreen', 'bot']);
    expect(gh.state.pulls[0]?.labels).toEqual(['redgreen', 'bot']);
    const missing = await octokit.rest.issues.createComment({ ...repo, issue_number: 9, body: 'x' }).catch((e: unknown) => e);
    expect(statusOf(missing)).toBe(404);
  });

  it('answers repository, permission, run, jobs and job logs (through the 302 redirect)', async () => {
    const { octokit, repo } = await start({
      repo: { defaultBranch: 'trunk' },
      permissions: { maintainer: 'admin', stranger: 'none' },
      runs: [
        {
          id: 77,
          headSha: 'a'.repeat(40),
          headRepository: 'forker/repo',
          jobs: [{ name: 'test', log: '2026-01-01T00:00:00Z FAIL src/a.test.ts\n', steps: [{ name: 'Set up job' }, { name: 'Run npm test', conclusion: 'failure' }] }],
        },
      ],
    });
    const info = await octokit.rest.repos.get(repo);
    expect(info.data.default_branch).toBe('trunk');
    expect(info.data.fork).toBe(false);
    expect((await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'maintainer' })).data.permission).toBe('admin');
    expect((await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'stranger' })).data.permission).toBe('none');
    expect((await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'passer-by' })).data.permission).toBe('read');

    const run = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 77 });
    expect(run.data.head_sha).toBe('a'.repeat(40));
    expect(run.data.head_repository.fork).toBe(true);
    const jobs = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 77 });
    const job = jobs.data.jobs[0];
    expect(job?.steps?.map((s) => [s.number, s.name, s.conclusion])).toEqual([
      [1, 'Set up job', 'success'],
      [2, 'Run npm test', 'failure'],
    ]);
    const logs = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...repo, job_id: job?.id ?? 0 });
    expect(logs.url).toContain('/_logs/jobs/');
    expect(String(logs.data)).toContain('FAIL src/a.test.ts');
  });

  it('serves contents from state files and from the bare remote, base64 like GitHub', async () => {
    const seed = await makeTempDir('seed');
    await writeFile(path.join(seed, 'README.md'), 'from git\n');
    const { remote, sha } = await createRemote(seed);
    const { octokit, repo } = await start({ remote, files: { [`${sha}:.github/workflows/ci.yml`]: 'jobs: {}\n' } });

    const workflow = await octokit.rest.repos.getContent({ ...repo, path: '.github/workflows/ci.yml', ref: sha });
    const data = workflow.data as { content: string; encoding: string };
    expect(data.encoding).toBe('base64');
    expect(Buffer.from(data.content, 'base64').toString()).toBe('jobs: {}\n');
    const readme = await octokit.rest.repos.getContent({ ...repo, path: 'README.md', ref: 'main' });
    expect(Buffer.from((readme.data as { content: string }).content, 'base64').toString()).toBe('from git\n');
    const missing = await octokit.rest.repos.getContent({ ...repo, path: 'nope', ref: 'main' }).catch((e: unknown) => e);
    expect(statusOf(missing)).toBe(404);
  });

  it('with a remote, refuses a pull request whose head was never pushed', async () => {
    const seed = await makeTempDir('seed');
    await writeFile(path.join(seed, 'a.txt'), 'a\n');
    const { remote } = await createRemote(seed);
    const { octokit, repo } = await start({ remote });
    const unpushed = await octokit.rest.pulls.create({ ...repo, head: 'redgreen/x', base: 'main', title: 't' }).catch((e: unknown) => e);
    expect(statusOf(unpushed)).toBe(422);
    const sha = await commitToRemote(remote, 'redgreen/x', { 'a.txt': 'b\n' });
    const created = await octokit.rest.pulls.create({ ...repo, head: 'redgreen/x', base: 'main', title: 't' });
    expect(created.data.head.sha).toBe(sha);
  });

  it('pages lists like GitHub, so Octokit pagination follows the Link header', async () => {
    const jobs = Array.from({ length: 35 }, (_, i) => ({ name: `job ${i + 1}` }));
    const { octokit, repo } = await start({ runs: [{ id: 5, jobs }] });
    const first = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 5 });
    expect(first.data.total_count).toBe(35);
    expect(first.data.jobs).toHaveLength(30);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, { ...repo, run_id: 5, per_page: 20 });
    expect(all.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
  });

  it('injects faults for the next N requests, checks the token, and records unknown routes', async () => {
    const { gh, octokit, repo } = await start({ token: 'ghs_unit', faults: [{ method: 'GET', path: '/repos/owner/repo', status: 502, times: 2 }] });
    for (let i = 0; i < 2; i++) {
      expect(statusOf(await octokit.rest.repos.get(repo).catch((e: unknown) => e))).toBe(502);
    }
    expect((await octokit.rest.repos.get(repo)).status).toBe(200);

    const stranger = getOctokit('ghs_wrong', { baseUrl: gh.url });
    expect(statusOf(await stranger.rest.repos.get(repo).catch((e: unknown) => e))).toBe(401);
    expect(statusOf(await octokit.rest.repos.get({ owner: 'other', repo: 'repo' }).catch((e: unknown) => e))).toBe(404);

    const unknown = await octokit.request('GET /repos/{owner}/{repo}/deployments', repo).catch((e: unknown) => e);
    expect(statusOf(unknown)).toBe(404);
    expect(gh.unhandled.map((r) => `${r.method} ${r.pathname}`)).toEqual(['GET /repos/owner/repo/deployments']);
    expect(gh.errors).toEqual([]);
  });
});
