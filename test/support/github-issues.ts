// The REST routes of the fake GitHub for conversations: issues, reactions, review comments and their thread replies, runs by commit.
import { z } from 'zod';
import type { Reply } from './http.js';
import { issueJson, pullAsIssueJson, reviewCommentJson, runJson, userJson } from './github-json.js';
import { invalidRequest, notFound, paginate, route, validationFailed, type Route, type RouteContext } from './github-routing.js';
import { now, takeId, type ReactionState, type ReviewCommentState } from './github-state.js';

const reactionSchema = z.object({ content: z.enum(['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'rocket', 'eyes']) });
const bodySchema = z.object({ body: z.string() });

function react(subject: ReactionState['subject'], exists: (ctx: RouteContext, id: number) => boolean) {
  return (ctx: RouteContext): Reply => {
    const id = Number(ctx.params['id']);
    if (!exists(ctx, id)) return notFound();
    const parsed = reactionSchema.safeParse(ctx.json);
    if (!parsed.success) return invalidRequest(parsed.error);
    const user = ctx.state.tokenUser;
    // The same user reacting twice with the same content gets the first reaction back (200), as GitHub does.
    const old = ctx.state.reactions.find((r) => r.subject === subject && r.subjectId === id && r.content === parsed.data.content && r.user === user);
    const reaction = old ?? { id: takeId(ctx.state), subject, subjectId: id, content: parsed.data.content, user };
    if (!old) ctx.state.reactions.push(reaction);
    return { status: old ? 200 : 201, json: { id: reaction.id, content: reaction.content, user: userJson(user, ctx.urls), created_at: now() } };
  };
}

function findReview(ctx: RouteContext): ReviewCommentState | undefined {
  return ctx.state.reviewComments.find((c) => String(c.id) === ctx.params['id']);
}

function reply(ctx: RouteContext): Reply {
  const pull = Number(ctx.params['number']);
  const parent = findReview(ctx);
  // GitHub takes replies on a thread's first comment only; a reply to a reply is not found.
  if (!parent || parent.pull !== pull || parent.inReplyTo !== undefined) return notFound();
  const parsed = bodySchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  if (parsed.data.body.trim() === '') return validationFailed([{ resource: 'PullRequestReviewComment', code: 'missing_field', field: 'body' }]);
  const comment: ReviewCommentState = {
    id: takeId(ctx.state),
    pull,
    body: parsed.data.body,
    user: ctx.state.tokenUser,
    path: parent.path,
    line: parent.line,
    inReplyTo: parent.id,
    createdAt: now(),
    updatedAt: now(),
  };
  ctx.state.reviewComments.push(comment);
  return { status: 201, json: reviewCommentJson(ctx.state, comment, ctx.urls) };
}

function editReview(ctx: RouteContext): Reply {
  const comment = findReview(ctx);
  if (!comment) return notFound();
  const parsed = bodySchema.safeParse(ctx.json);
  if (!parsed.success) return invalidRequest(parsed.error);
  comment.body = parsed.data.body;
  comment.updatedAt = now();
  return { status: 200, json: reviewCommentJson(ctx.state, comment, ctx.urls) };
}

function listRuns(ctx: RouteContext): Reply {
  const { head_sha: sha, status, branch, event } = ctx.query;
  const runs = ctx.state.runs
    .filter((r) => !sha || r.headSha === sha)
    .filter((r) => !branch || r.headBranch === branch)
    .filter((r) => !event || r.event === event)
    // `status` filters by status or by conclusion, as GitHub's does.
    .filter((r) => !status || r.status === status || r.conclusion === status)
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(runs, ctx);
  return { status: 200, json: { total_count: runs.length, workflow_runs: page.map((r) => runJson(ctx.state, r, ctx.urls)) }, headers };
}

export const conversationRoutes: Route[] = [
  route('issues.get', 'GET', '/issues/(?<number>\\d+)', (ctx) => {
    const number = Number(ctx.params['number']);
    const issue = ctx.state.issues.find((i) => i.number === number);
    if (issue) return { status: 200, json: issueJson(ctx.state, issue, ctx.urls) };
    const pull = ctx.state.pulls.find((p) => p.number === number);
    return pull ? { status: 200, json: pullAsIssueJson(ctx.state, pull, ctx.urls) } : notFound();
  }),
  route('reactions.createForIssue', 'POST', '/issues/(?<id>\\d+)/reactions', react('issue', (ctx, n) =>
    ctx.state.issues.some((i) => i.number === n) || ctx.state.pulls.some((p) => p.number === n),
  )),
  route('reactions.createForIssueComment', 'POST', '/issues/comments/(?<id>\\d+)/reactions', react('issue-comment', (ctx, id) =>
    ctx.state.comments.some((c) => c.id === id),
  )),
  route('reactions.createForPullRequestReviewComment', 'POST', '/pulls/comments/(?<id>\\d+)/reactions', react('review-comment', (ctx, id) =>
    ctx.state.reviewComments.some((c) => c.id === id),
  )),
  route('pulls.getReviewComment', 'GET', '/pulls/comments/(?<id>\\d+)', (ctx) => {
    const comment = findReview(ctx);
    return comment ? { status: 200, json: reviewCommentJson(ctx.state, comment, ctx.urls) } : notFound();
  }),
  route('pulls.updateReviewComment', 'PATCH', '/pulls/comments/(?<id>\\d+)', editReview),
  route('pulls.listReviewComments', 'GET', '/pulls/(?<number>\\d+)/comments', (ctx) => {
    const pull = Number(ctx.params['number']);
    const { page, headers } = paginate(ctx.state.reviewComments.filter((c) => c.pull === pull), ctx);
    return { status: 200, json: page.map((c) => reviewCommentJson(ctx.state, c, ctx.urls)), headers };
  }),
  route('pulls.createReplyForReviewComment', 'POST', '/pulls/(?<number>\\d+)/comments/(?<id>\\d+)/replies', reply),
  route('actions.listWorkflowRunsForRepo', 'GET', '/actions/runs', listRuns),
];
