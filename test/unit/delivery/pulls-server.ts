// A tiny GitHub REST fake on 127.0.0.1: just the pulls, labels and issue-comment routes the PR code calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: 'open' | 'closed';
  labels: string[];
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
}

export interface PullsServer {
  url: string;
  pulls: FakePull[];
  comments: FakeComment[];
  /** "METHOD /path" of every request, in order. */
  calls: string[];
  /** Behaviour switches a test flips. */
  quirks: { hideOpenPullsOnce: boolean; draftUnsupported: boolean; labelsForbidden: boolean };
  close(): Promise<void>;
}

const Create = z.object({ title: z.string(), head: z.string(), base: z.string(), body: z.string().optional(), draft: z.boolean().optional() });
const Update = z.object({ title: z.string().optional(), body: z.string().optional() });
const Labels = z.object({ labels: z.array(z.string()) });
const CommentBody = z.object({ body: z.string() });

export async function startPullsServer(owner: string, repo: string): Promise<PullsServer> {
  const state: PullsServer = {
    url: '',
    pulls: [],
    comments: [],
    calls: [],
    quirks: { hideOpenPullsOnce: false, draftUnsupported: false, labelsForbidden: false },
    close: async () => undefined,
  };
  const prefix = `/repos/${owner}/${repo}`;
  const pullJson = (p: FakePull) => ({
    number: p.number,
    html_url: `https://github.com/${owner}/${repo}/pull/${p.number}`,
    state: p.state,
    title: p.title,
    body: p.body,
    draft: p.draft,
    head: { ref: p.head, label: `${owner}:${p.head}` },
    base: { ref: p.base },
  });
  const commentJson = (c: FakeComment) => ({
    id: c.id,
    body: c.body,
    html_url: `https://github.com/${owner}/${repo}/pull/${c.issue}#issuecomment-${c.id}`,
  });
  const invalid = (message: string) => ({ message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message }] });

  const route = (method: string, url: URL, body: unknown): [number, unknown] => {
    const path = url.pathname;
    if (method === 'GET' && path === `${prefix}/pulls`) {
      if (state.quirks.hideOpenPullsOnce) {
        state.quirks.hideOpenPullsOnce = false;
        return [200, []];
      }
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      const found = state.pulls.filter(
        (p) => p.state === 'open' && (!head || `${owner}:${p.head}` === head) && (!base || p.base === base),
      );
      return [200, found.map(pullJson)];
    }
    if (method === 'POST' && path === `${prefix}/pulls`) {
      const input = Create.parse(body);
      if ((input.body ?? '').length > 65536) return [422, invalid('body is too long (maximum is 65536 characters)')];
      if (input.draft && state.quirks.draftUnsupported) return [422, invalid('Draft pull requests are not supported in this repository.')];
      if (state.pulls.some((p) => p.state === 'open' && p.head === input.head && p.base === input.base)) {
        return [422, invalid(`A pull request already exists for ${owner}:${input.head}.`)];
      }
      const pull: FakePull = {
        number: state.pulls.length + 1,
        head: input.head,
        base: input.base,
        title: input.title,
        body: input.body ?? '',
        draft: input.draft ?? false,
        state: 'open',
        labels: [],
      };
      state.pulls.push(pull);
      return [201, pullJson(pull)];
    }
    const pullMatch = new RegExp(`^${prefix}/pulls/(\\d+)$`).exec(path);
    if (method === 'PATCH' && pullMatch) {
      const pull = state.pulls.find((p) => p.number === Number(pullMatch[1]));
      if (!pull) return [404, { message: 'Not Found' }];
      const input = Update.parse(body);
      if ((input.body ?? '').length > 65536) return [422, invalid('body is too long (maximum is 65536 characters)')];
      if (input.title !== undefined) pull.title = input.title;
      if (input.body !== undefined) pull.body = input.body;
      return [200, pullJson(pull)];
    }
    const labelsMatch = new RegExp(`^${prefix}/issues/(\\d+)/labels$`).exec(path);
    if (method === 'POST' && labelsMatch) {
      if (state.quirks.labelsForbidden) return [403, { message: 'Resource not accessible by integration' }];
      const pull = state.pulls.find((p) => p.number === Number(labelsMatch[1]));
      if (!pull) return [404, { message: 'Not Found' }];
      pull.labels.push(...Labels.parse(body).labels);
      return [200, pull.labels.map((name) => ({ name }))];
    }
    const commentsMatch = new RegExp(`^${prefix}/issues/(\\d+)/comments$`).exec(path);
    if (commentsMatch && method === 'GET') {
      return [200, state.comments.filter((c) => c.issue === Number(commentsMatch[1])).map(commentJson)];
    }
    if (commentsMatch && method === 'POST') {
      const comment = { id: 1000 + state.comments.length, issue: Number(commentsMatch[1]), body: CommentBody.parse(body).body };
      state.comments.push(comment);
      return [201, commentJson(comment)];
    }
    const commentMatch = new RegExp(`^${prefix}/issues/comments/(\\d+)$`).exec(path);
    if (commentMatch && method === 'PATCH') {
      const comment = state.comments.find((c) => c.id === Number(commentMatch[1]));
      if (!comment) return [404, { message: 'Not Found' }];
      comment.body = CommentBody.parse(body).body;
      return [200, commentJson(comment)];
    }
    return [404, { message: 'Not Found' }];
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      state.calls.push(`${method} ${url.pathname}`);
      const text = Buffer.concat(chunks).toString('utf8');
      let status: number;
      let payload: unknown;
      try {
        [status, payload] = route(method, url, text ? JSON.parse(text) : undefined);
      } catch (error) {
        [status, payload] = [400, { message: String(error) }];
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
