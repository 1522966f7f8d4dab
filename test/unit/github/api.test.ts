// The GitHub API wrapper against a small GitHub of our own on 127.0.0.1: redirects, retries, auth failures, validation.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubApi, type GitHubApi } from '../../../src/github/api.js';
import { GitHubApiError } from '../../../src/github/errors.js';
import { fixtureText } from './helpers.js';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  auth?: string;
}

const jobsFixture = JSON.parse(fixtureText('jobs.json')) as { total_count: number; jobs: Array<Record<string, unknown>> };
const runFixture = (JSON.parse(fixtureText('event-workflow-run.json')) as { workflow_run: unknown }).workflow_run;
const jobLog = fixtureText('job-log.txt');
const workflowText = fixtureText('ci.yml');

/** 130 jobs, so listing them takes two pages of 100. */
const manyJobs = Array.from({ length: 130 }, (_, i) => ({ ...jobsFixture.jobs[i % 3], id: 5000 + i, name: `shard ${i}` }));

let api: GitHubApi;
let apiServer: Server;
let blobServer: Server;
let apiSeen: Seen[] = [];
let blobSeen: Seen[] = [];
let flaky: Record<string, number> = {};

function record(req: IncomingMessage, into: Seen[]): Seen {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const seen: Seen = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams };
  if (req.headers.authorization) seen.auth = req.headers.authorization;
  into.push(seen);
  return seen;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Fails the first `times` requests to `key` with `status` (or a dropped connection for 0), then lets them through. */
function failFirst(req: IncomingMessage, res: ServerResponse, key: string, status: number): boolean {
  const left = flaky[key] ?? 0;
  if (left <= 0) return false;
  flaky[key] = left - 1;
  if (status === 0) req.socket.destroy();
  else json(res, status, { message: 'Server Error' });
  return true;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  blobServer = createServer((req, res) => {
    record(req, blobSeen);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(jobLog);
  });
  const blobUrl = await listen(blobServer);

  apiServer = createServer((req, res) => {
    const seen = record(req, apiSeen);
    if (seen.auth !== 'token ghs_test_token') return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const p = seen.path;
    if (p === '/repos/acme/widgets/collaborators/octocat/permission') {
      return json(res, 200, { permission: 'write', role_name: 'maintain', user: { login: 'octocat' } });
    }
    if (p === '/repos/acme/widgets/collaborators/custom/permission') {
      return json(res, 200, { permission: 'write', role_name: 'release-manager', user: { login: 'custom' } });
    }
    if (p === '/repos/acme/widgets/collaborators/stranger/permission') {
      return json(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' });
    }
    if (p === '/repos/acme/widgets/actions/runs/10812345678/jobs') {
      if (failFirst(req, res, 'jobs', 500)) return;
      return json(res, 200, jobsFixture);
    }
    if (p === '/repos/acme/widgets/actions/runs/777/jobs') {
      const page = Number(seen.query.get('page') ?? '1');
      const per = Number(seen.query.get('per_page') ?? '30');
      if (page === 2 && failFirst(req, res, 'page2', 0)) return;
      return json(res, 200, { total_count: manyJobs.length, jobs: manyJobs.slice((page - 1) * per, page * per) });
    }
    if (p === '/repos/acme/widgets/actions/runs/888/jobs') return json(res, 200, { total_count: 1, jobs: [{ id: 'x' }] });
    if (p === '/repos/acme/widgets/actions/runs/999/jobs') {
      if (failFirst(req, res, 'down', 503)) return;
      return json(res, 200, jobsFixture);
    }
    if (p === '/repos/acme/widgets/actions/jobs/29679449120/logs') {
      res.writeHead(302, { location: `${blobUrl}/logs/29679449120.txt?sig=abc` });
      return res.end();
    }
    if (p === '/repos/acme/widgets/actions/jobs/403/logs') return json(res, 403, { message: 'Must have admin rights to Repository.' });
    if (p === '/repos/acme/widgets/actions/jobs/410/logs') return json(res, 410, { message: 'Gone' });
    if (p === '/repos/acme/widgets/contents/.github/workflows/ci.yml') {
      // GitHub wraps the base64 at 60 characters.
      const content = Buffer.from(workflowText).toString('base64').replace(/(.{60})/g, '$1\n');
      return json(res, 200, { type: 'file', encoding: 'base64', size: workflowText.length, name: 'ci.yml', path: '.github/workflows/ci.yml', content });
    }
    if (p === '/repos/acme/widgets/contents/.github/workflows') return json(res, 200, [{ type: 'file', name: 'ci.yml' }]);
    if (p === '/repos/acme/widgets/actions/runs/10812345678') return json(res, 200, runFixture);
    return json(res, 404, { message: 'Not Found' });
  });
  const apiUrl = await listen(apiServer);
  api = createGitHubApi({ token: 'ghs_test_token', apiUrl, repo: { owner: 'acme', repo: 'widgets' }, retry: { attempts: 3, baseDelayMs: 1 } });
});

afterAll(async () => {
  await Promise.all([apiServer, blobServer].map((s) => new Promise((resolve) => s.close(resolve))));
});

beforeEach(() => {
  apiSeen = [];
  blobSeen = [];
  flaky = {};
});

describe('createGitHubApi', () => {
  it('reads a permission, telling maintain from write', async () => {
    expect(await api.permission('octocat')).toBe('maintain');
    expect(await api.permission('custom')).toBe('write');
  });

  it('fails at once on 403 with a typed auth error', async () => {
    const err = await api.permission('stranger').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(err).toMatchObject({ kind: 'auth', status: 403 });
    expect((err as Error).message).toMatch(/GitHub API 403: Resource not accessible by integration/);
    expect(apiSeen.filter((s) => s.path.endsWith('/stranger/permission'))).toHaveLength(1);
  });

  it('fails at once on 401 for a bad token', async () => {
    const bad = createGitHubApi({
      token: 'ghs_wrong',
      apiUrl: `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`,
      repo: { owner: 'acme', repo: 'widgets' },
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    await expect(bad.listJobs(10812345678)).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(apiSeen).toHaveLength(1);
  });

  it('retries a 500 and then lists the jobs, validated', async () => {
    flaky.jobs = 1;
    const jobs = await api.listJobs(10812345678);
    expect(apiSeen.filter((s) => s.path.endsWith('/runs/10812345678/jobs'))).toHaveLength(2);
    expect(jobs.map((j) => [j.name, j.conclusion])).toEqual([
      ['lint', 'success'],
      ['test (20, ubuntu-latest)', 'failure'],
      ['test (22, ubuntu-latest)', 'failure'],
    ]);
    expect(jobs[1]?.steps[6]).toEqual({ number: 7, name: 'Run npm test -- --reporter=default', status: 'completed', conclusion: 'failure' });
    expect(jobs[1]?.htmlUrl).toBe('https://github.com/acme/widgets/actions/runs/10812345678/job/29679449120');
    expect(apiSeen[0]?.query.get('filter')).toBe('latest');
  });

  it('follows every page, retrying a dropped connection', async () => {
    flaky.page2 = 1;
    const jobs = await api.listJobs(777);
    expect(jobs).toHaveLength(130);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(130);
    expect(apiSeen.map((s) => s.query.get('page'))).toEqual(['1', '2', '2']);
  });

  it('gives up on a server that stays down, with a server error', async () => {
    flaky.down = 10;
    await expect(api.listJobs(999)).rejects.toMatchObject({ kind: 'server', status: 503 });
    expect(apiSeen).toHaveLength(3);
  });

  it('rejects a response of the wrong shape', async () => {
    await expect(api.listJobs(888)).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('follows the log redirect to plain text, without sending the token there', async () => {
    const log = await api.jobLog(29679449120);
    // fetch decodes UTF-8 and drops the byte-order mark the log starts with.
    expect(log.text).toBe(jobLog.replace(/^\uFEFF/, ''));
    expect(blobSeen).toHaveLength(1);
    expect(blobSeen[0]?.path).toBe('/logs/29679449120.txt');
    expect(blobSeen[0]?.auth).toBeUndefined();
  });

  it('returns a reason instead of a log when it is forbidden or gone', async () => {
    const forbidden = await api.jobLog(403);
    expect(forbidden.text).toBeUndefined();
    expect('reason' in forbidden && forbidden.reason).toMatch(/403.*actions: read/);
    const gone = await api.jobLog(410);
    expect('reason' in gone && gone.reason).toMatch(/410/);
  });

  it('decodes a file from the contents API', async () => {
    expect(await api.fileAt('.github/workflows/ci.yml', '8f3c2a1d')).toBe(workflowText);
    expect(apiSeen[0]?.query.get('ref')).toBe('8f3c2a1d');
    await expect(api.fileAt('.github/workflows', 'main')).rejects.toMatchObject({ kind: 'invalid-response' });
    await expect(api.fileAt('.github/workflows/nope.yml', 'main')).rejects.toMatchObject({ kind: 'not-found', status: 404 });
  });

  it('reads a run into the same shape as the event payload', async () => {
    const run = await api.getRun(10812345678);
    expect(run).toMatchObject({ id: 10812345678, path: '.github/workflows/ci.yml', headBranch: 'feature/parser', isFork: false, actor: 'octocat' });
  });

  it('reports a network error after its retries when nothing listens', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const retries: number[] = [];
    const down = createGitHubApi({
      token: 't',
      apiUrl: url,
      repo: { owner: 'acme', repo: 'widgets' },
      retry: { attempts: 2, baseDelayMs: 1, onRetry: (info) => retries.push(info.attempt) },
    });
    const err = await down.getRun(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(err).toMatchObject({ kind: 'network' });
    expect((err as Error).message).toMatch(/^reading run 1: network error/);
    expect(retries).toEqual([1]);
  });
});
