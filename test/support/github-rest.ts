// The REST routes of the fake GitHub for repository data and pull requests: repository, permissions, branches, pulls, comments, labels.
import { z } from 'zod';
import type { Reply } from './http.js';
import { commentJson, labelsJson, pullJson, repoJson, userJson, type Urls } from './github-json.js';
import { runGit } from './git.js';
import { branchSha, docs, invalidRequest, notFound, paginate, route, validationFailed, type Route, type RouteContext } from './github-routing.js';
import { now, takeId, type GitHubState, type Permission, type PullState } from './github-state.js';

function permissionJson(permission: Permission, login: string, urls: Urls): unknown {
  // The legacy `permission` field folds maintain into write and triage into read; role_name keeps the role.
  const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
  return { permission: legacy, role_name: permission, user: userJson(login, urls) };
}

function splitHead(head: string, state: GitHubState): { owner: string; branch: string } {
  const colon = head.indexOf(':');
  return colon < 0 ? { owner: state.repo.owner, branch: head } : { owner: head.slice(0, colon), branch: head.slice(colon + 1) };
}

const createPullSchema = z.object({
  title: z.string().optional(),
  head: z.string(),
  base: z.string(),
  body: z.string().nullable().optional(),
  draft: z.boolean().optional(),
  maintainer_can_modify: z.boolean().optional(),
  issue: z.number().optional(),
});

const updatePullSchema = z.object({
  title: z.string().optional(),
  body: z.string().nullable().optional(),
  state: z.enum(['open', 'closed']).optional(),
  base: z.string().optional(),
  maintainer_can_modify: z.boolean().optional(),
});

const commentSchema = z.object({ body: z.string() });
const labelsSchema = z.union([z.object({ labels: z.array(z.string()) }), z.array(z.string())]);
const reviewersSchema = z.object({ reviewers: z.array(z.string()).optional(), team_reviewers: z.array(z.string()).optional() });

function findPull(ctx: RouteContext): PullState | undefined {
  return ctx.state.pulls.find((p) => String(p.number) === ctx.params['number']);
}

async function createPull(ctx: RouteContext): Promise<Reply> {
  const parsed = createPullSchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  const input = parsed.data;
  const { state } = ctx;
  if (!input.title) return validationFailed([{ resource: 'PullRequest', code: 'missing_field', field: 'title' }]);
  const head = splitHead(input.head, state);
  const open = state.pulls.find((p) => p.state === 'open' && p.head === head.branch && p.headOwner === head.owner && p.base === input.base);
  if (open) {
    return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${head.owner}:${head.branch}.` }]);
  }
  let headSha = '0'.repeat(40);
  if (state.remote) {
    const [headAt, baseAt] = await Promise.all([branchSha(state, head.branch), branchSha(state, input.base)]);
    if (!baseAt) return validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    if (!headAt) return validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    const ahead = await runGit(state.remote, ['rev-list', '--count', `${baseAt}..${headAt}`]);
    if (ahead.stdout.trim() === '0') {
      return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${input.base} and ${head.branch}` }]);
    }
    headSha = headAt;
  }
  const pull: PullState = {
    // Issues and pulls share one sequence of numbers.
    number: [...state.pulls, ...state.issues].reduce((max, p) => Math.max(max, p.number), 0) + 1,
    id: takeId(state),
    state: 'open',
    title: input.title,
    body: input.body ?? null,
    draft: input.draft ?? false,
    head: head.branch,
    headOwner: head.owner,
    headSha,
    base: input.base,
    labels: [],
    reviewers: [],
    merged: false,
    user: state.tokenUser,
    createdAt: now(),
    updatedAt: now(),
  };
  state.pulls.push(pull);
  const json = pullJson(state, pull, ctx.urls);
  return { status: 201, json, headers: { location: `${ctx.urls.api}/repos/${state.repo.owner}/${state.repo.name}/pulls/${pull.number}` } };
}

function listPulls(ctx: RouteContext): Reply {
  const wanted = ctx.query['state'] ?? 'open';
  const head = ctx.query['head'] ? splitHead(ctx.query['head'], ctx.state) : undefined;
  const base = ctx.query['base'];
  const pulls = ctx.state.pulls
    .filter((p) => wanted === 'all' || p.state === wanted)
    .filter((p) => !head || (p.head === head.branch && p.headOwner.toLowerCase() === head.owner.toLowerCase()))
    .filter((p) => !base || p.base === base)
    .sort((a, b) => b.number - a.number);
  const { page, headers } = paginate(pulls, ctx);
  return { status: 200, json: page.map((p) => pullJson(ctx.state, p, ctx.urls)), headers };
}

function updatePull(ctx: RouteContext): Reply {
  const pull = findPull(ctx);
  if (!pull) return notFound();
  const parsed = updatePullSchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  const input = parsed.data;
  if (input.title !== undefined) pull.title = input.title;
  if (input.body !== undefined) pull.body = input.body;
  if (input.state !== undefined) pull.state = input.state;
  if (input.base !== undefined) pull.base = input.base;
  pull.updatedAt = now();
  return { status: 200, json: pullJson(ctx.state, pull, ctx.urls) };
}

function addComment(ctx: RouteContext): Reply {
  const number = Number(ctx.params['number']);
  if (!ctx.state.pulls.some((p) => p.number === number) && !ctx.state.issues.some((i) => i.number === number)) return notFound();
  const parsed = commentSchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  const comment = { id: takeId(ctx.state), issue: number, body: parsed.data.body, user: ctx.state.tokenUser, createdAt: now(), updatedAt: now() };
  ctx.state.comments.push(comment);
  return { status: 201, json: commentJson(ctx.state, comment, ctx.urls) };
}

function updateComment(ctx: RouteContext): Reply {
  const comment = ctx.state.comments.find((c) => String(c.id) === ctx.params['id']);
  if (!comment) return notFound();
  const parsed = commentSchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  comment.body = parsed.data.body;
  comment.updatedAt = now();
  return { status: 200, json: commentJson(ctx.state, comment, ctx.urls) };
}

function addLabels(ctx: RouteContext): Reply {
  const pull = findPull(ctx);
  if (!pull) return notFound();
  const parsed = labelsSchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  const names = Array.isArray(parsed.data) ? parsed.data : parsed.data.labels;
  for (const name of names) if (!pull.labels.includes(name)) pull.labels.push(name);
  return { status: 200, json: labelsJson(pull.labels) };
}

function requestReviewers(ctx: RouteContext): Reply {
  const pull = findPull(ctx);
  if (!pull) return notFound();
  const parsed = reviewersSchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  for (const login of parsed.data.reviewers ?? []) if (!pull.reviewers.includes(login)) pull.reviewers.push(login);
  return { status: 201, json: pullJson(ctx.state, pull, ctx.urls) };
}

async function getBranch(ctx: RouteContext): Promise<Reply> {
  const branch = ctx.params['branch'] ?? '';
  const sha = await branchSha(ctx.state, branch);
  if (!sha) return { status: 404, json: { message: 'Branch not found', documentation_url: docs, status: '404' } };
  return { status: 200, json: { name: branch, commit: { sha }, protected: branch === ctx.state.repo.defaultBranch } };
}

export const repoRoutes: Route[] = [
  route('repos.get', 'GET', '', (ctx) => ({ status: 200, json: repoJson(ctx.state, ctx.urls) })),
  route('repos.getCollaboratorPermissionLevel', 'GET', '/collaborators/(?<user>[^/]+)/permission', (ctx) => {
    const login = decodeURIComponent(ctx.params['user'] ?? '');
    const permission = ctx.state.permissions[login] ?? ctx.state.defaultPermission;
    return { status: 200, json: permissionJson(permission, login, ctx.urls) };
  }),
  route('repos.getBranch', 'GET', '/branches/(?<branch>.+)', getBranch),
  route('pulls.list', 'GET', '/pulls', listPulls),
  route('pulls.create', 'POST', '/pulls', createPull),
  route('pulls.get', 'GET', '/pulls/(?<number>\\d+)', (ctx) => {
    const pull = findPull(ctx);
    return pull ? { status: 200, json: pullJson(ctx.state, pull, ctx.urls) } : notFound();
  }),
  route('pulls.update', 'PATCH', '/pulls/(?<number>\\d+)', updatePull),
  route('pulls.requestReviewers', 'POST', '/pulls/(?<number>\\d+)/requested_reviewers', requestReviewers),
  route('issues.listComments', 'GET', '/issues/(?<number>\\d+)/comments', (ctx) => {
    const number = Number(ctx.params['number']);
    const { page, headers } = paginate(ctx.state.comments.filter((c) => c.issue === number), ctx);
    return { status: 200, json: page.map((c) => commentJson(ctx.state, c, ctx.urls)), headers };
  }),
  route('issues.createComment', 'POST', '/issues/(?<number>\\d+)/comments', addComment),
  route('issues.updateComment', 'PATCH', '/issues/comments/(?<id>\\d+)', updateComment),
  route('issues.addLabels', 'POST', '/issues/(?<number>\\d+)/labels', addLabels),
  route('issues.listLabelsOnIssue', 'GET', '/issues/(?<number>\\d+)/labels', (ctx) => {
    const pull = findPull(ctx);
    return pull ? { status: 200, json: labelsJson(pull.labels) } : notFound();
  }),
];
