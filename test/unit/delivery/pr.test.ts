// openOrUpdatePr and commentOnPr through a real Octokit against a local pulls server.
import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BodyLimit, commentOnPr, openOrUpdatePr, type PrOptions } from '../../../src/delivery/pr.js';
import { startPullsServer, type PullsServer } from './pulls-server.js';

let server: PullsServer;
let base: Omit<PrOptions, 'title' | 'body'>;

beforeEach(async () => {
  server = await startPullsServer('octo', 'app');
  const octokit = getOctokit('test-token', { baseUrl: server.url });
  base = { octokit, owner: 'octo', repo: 'app', head: 'redgreen/fix/main-0123456', base: 'main' };
});
afterEach(async () => {
  await server.close();
});

describe('openOrUpdatePr', () => {
  it('creates a PR, then updates the same one on a rerun', async () => {
    const first = await openOrUpdatePr({ ...base, title: 'Fix add()', body: 'first', labels: ['redgreen'] });
    expect(first).toEqual({ url: 'https://github.com/octo/app/pull/1', number: 1, created: true });
    expect(server.pulls[0]).toMatchObject({ head: 'redgreen/fix/main-0123456', base: 'main', body: 'first', labels: ['redgreen'] });

    const second = await openOrUpdatePr({ ...base, title: 'Fix add() (rerun)', body: 'second' });
    expect(second).toEqual({ url: 'https://github.com/octo/app/pull/1', number: 1, created: false });
    expect(server.pulls).toHaveLength(1);
    expect(server.pulls[0]).toMatchObject({ title: 'Fix add() (rerun)', body: 'second' });
  });

  it('opens a separate PR for another base branch', async () => {
    await openOrUpdatePr({ ...base, title: 'a', body: 'a' });
    const other = await openOrUpdatePr({ ...base, base: 'release', title: 'b', body: 'b' });
    expect(other.created).toBe(true);
    expect(server.pulls.map((p) => p.base)).toEqual(['main', 'release']);
  });

  it('updates the PR another run created between lookup and create', async () => {
    await openOrUpdatePr({ ...base, title: 'from the other run', body: 'other' });
    server.quirks.hideOpenPullsOnce = true;
    const result = await openOrUpdatePr({ ...base, title: 'from this run', body: 'this' });
    expect(result).toEqual({ url: 'https://github.com/octo/app/pull/1', number: 1, created: false });
    expect(server.pulls).toHaveLength(1);
    expect(server.pulls[0]?.body).toBe('this');
    expect(server.calls.filter((c) => c === 'POST /repos/octo/app/pulls')).toHaveLength(2);
  });

  it('opens a ready PR where drafts are not available, and survives labels it may not add', async () => {
    server.quirks.draftUnsupported = true;
    server.quirks.labelsForbidden = true;
    const result = await openOrUpdatePr({ ...base, title: 't', body: 'b', draft: true, labels: ['bot'] });
    expect(result.created).toBe(true);
    expect(server.pulls[0]).toMatchObject({ draft: false, labels: [] });
  });

  it('keeps the body under GitHub’s limit', async () => {
    const body = `${'line of evidence\n'.repeat(10_000)}`;
    await openOrUpdatePr({ ...base, title: 't', body });
    const stored = server.pulls[0]?.body ?? '';
    expect(stored.length).toBeLessThanOrEqual(BodyLimit);
    expect(stored).toContain('line of evidence');
    expect(stored).toMatch(/cut to fit GitHub’s size limit/);
  });

  it('passes other API errors on', async () => {
    const octokit = getOctokit('test-token', { baseUrl: `${server.url}/nowhere` });
    await expect(openOrUpdatePr({ ...base, octokit, title: 't', body: 'b' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('commentOnPr', () => {
  it('creates one marked comment and edits it on reruns, leaving other comments alone', async () => {
    const pr = await openOrUpdatePr({ ...base, title: 't', body: 'b' });
    server.comments.push({ id: 1, issue: pr.number, body: 'a human comment' });

    const first = await commentOnPr({ ...base, number: pr.number, body: 'attempt 1', marker: 'evidence' });
    const second = await commentOnPr({ ...base, number: pr.number, body: 'attempt 2', marker: 'evidence' });
    const other = await commentOnPr({ ...base, number: pr.number, body: 'other kind', marker: 'notice' });

    expect(first.created).toBe(true);
    expect(second).toMatchObject({ id: first.id, created: false });
    expect(other.created).toBe(true);
    expect(server.comments.map((c) => c.body)).toEqual([
      'a human comment',
      '<!-- redgreen:evidence -->\nattempt 2',
      '<!-- redgreen:notice -->\nother kind',
    ]);
  });

  it('caps a long comment below the limit, marker included', async () => {
    const pr = await openOrUpdatePr({ ...base, title: 't', body: 'b' });
    await commentOnPr({ ...base, number: pr.number, body: 'x\n'.repeat(50_000), marker: 'evidence' });
    const body = server.comments[0]?.body ?? '';
    expect(body.startsWith('<!-- redgreen:evidence -->\n')).toBe(true);
    expect(body.length).toBeLessThanOrEqual(BodyLimit);
  });
});
