// How the fake GitHub routes a request: the context a handler gets, repository-scoped routes, shared replies.
import type { z } from 'zod';
import type { Reply } from './http.js';
import { runGit } from './git.js';
import type { Urls } from './github-json.js';
import type { GitHubState } from './github-state.js';

export interface RouteContext {
  state: GitHubState;
  urls: Urls;
  params: Record<string, string>;
  /** The request path without the query. */
  pathname: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  json: unknown;
  body: Buffer;
}

export interface Route {
  name: string;
  method: string;
  pattern: RegExp;
  /** REST routes need the state's token when it is set. */
  rest: boolean;
  handle(ctx: RouteContext): Reply | Promise<Reply>;
}

export const docs = 'https://docs.github.com/rest';
export const notFound = (): Reply => ({ status: 404, json: { message: 'Not Found', documentation_url: docs, status: '404' } });

export function validationFailed(errors: unknown[]): Reply {
  return { status: 422, json: { message: 'Validation Failed', errors, documentation_url: docs, status: '422' } };
}

export function invalidRequest(error: z.ZodError): Reply {
  const detail = error.issues.map((issue) => `"${issue.path.join('.')}" ${issue.message}`).join('\n');
  return { status: 422, json: { message: `Invalid request.\n\n${detail}`, documentation_url: docs, status: '422' } };
}

const repoPath = '^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)';

export function route(name: string, method: string, suffix: string, handle: Route['handle']): Route {
  const pattern = new RegExp(`${repoPath}${suffix}$`);
  return {
    name,
    method,
    pattern,
    rest: true,
    handle: (ctx) => {
      const { owner = '', repo = '' } = ctx.params;
      // Another repository than the one this fake holds: GitHub answers 404.
      if (owner.toLowerCase() !== ctx.state.repo.owner.toLowerCase() || repo.toLowerCase() !== ctx.state.repo.name.toLowerCase()) {
        return notFound();
      }
      return handle(ctx);
    },
  };
}

export async function branchSha(state: GitHubState, branch: string): Promise<string | undefined> {
  if (!state.remote) return undefined;
  const result = await runGit(state.remote, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * One page of a list the way GitHub pages it: `per_page` (30 by default, 100 at most) and `page`,
 * with a Link header naming the next and last pages.
 */
export function paginate<T>(items: T[], ctx: RouteContext): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query['per_page'] ?? 30) || 30));
  const page = Math.max(1, Number(ctx.query['page'] ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(n) });
    return `<${ctx.urls.api}${ctx.pathname}?${query.toString()}>; rel="${rel}"`;
  };
  const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}
