// The REST calls of a mention: reactions, the progress comment (an issue comment or a review-thread reply), the thread's
// earlier comments, the pull request behind an issue_comment, and the failed run of a pull request's head.
import { getOctokit } from '@actions/github';
import { z } from 'zod';
import { toPullRequest, toWorkflowRun, type PullRequestInfo, type RepoRef, type WorkflowRunInfo } from './context.js';
import { GitHubApiError } from './errors.js';
import { PullRequestPayload, WorkflowRunPayload } from './event.js';
import { withRetry, type RetryOptions } from './retry.js';

/** Where a comment is: the issue (or pull request) conversation, or a review comment thread on a pull request's diff. */
export type CommentPlace = { kind: 'issue'; number: number } | { kind: 'review-thread'; pull: number; threadId: number };

/** What a reaction goes on: a comment of either kind, or an issue itself (`issues` opened). */
export type ReactionTarget = { kind: 'issue-comment' | 'review-comment'; id: number } | { kind: 'issue'; number: number };

export interface PostedComment {
  id: number;
  url: string;
  /** A review comment (edited through the pulls API) rather than an issue comment. */
  review: boolean;
}

export interface ThreadComment {
  id: number;
  author: string;
  body: string;
}

export interface CommentsApi {
  react(target: ReactionTarget, content: 'eyes'): Promise<void>;
  post(place: CommentPlace, body: string): Promise<PostedComment>;
  edit(comment: PostedComment, body: string): Promise<void>;
  /** The conversation of an issue or pull request, oldest first (at most the last 100). */
  issueComments(number: number): Promise<ThreadComment[]>;
  pullRequest(number: number): Promise<PullRequestInfo & { title: string; body: string }>;
  /** The newest failed workflow run on a commit, for a fix without a test-command. */
  failedRunAt(sha: string): Promise<WorkflowRunInfo | undefined>;
}

const CommentSchema = z.object({ id: z.number(), html_url: z.string() });
const ListedSchema = z.array(z.object({ id: z.number(), body: z.string().nullish(), user: z.object({ login: z.string() }).nullish() }));
const RunsSchema = z.object({ workflow_runs: z.array(z.unknown()) });

export function createCommentsApi(opts: { token: string; apiUrl: string; repo: RepoRef; retry?: RetryOptions }): CommentsApi {
  const octokit = getOctokit(opts.token, { baseUrl: opts.apiUrl, log: quietLog });
  const { owner, repo } = opts.repo;
  const retry = <T>(what: string, call: () => Promise<T>) => withRetry(what, call, opts.retry);
  // A POST that reached GitHub and lost its answer would post twice: new comments are tried once.
  const once = <T>(what: string, call: () => Promise<T>) => withRetry(what, call, { ...opts.retry, attempts: 1 });

  return {
    async react(target, content) {
      const what = `reacting to ${target.kind === 'issue' ? `#${target.number}` : `comment ${target.id}`}`;
      await once(what, async () => {
        if (target.kind === 'issue') {
          await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/reactions', { owner, repo, issue_number: target.number, content });
        } else if (target.kind === 'issue-comment') {
          await octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { owner, repo, comment_id: target.id, content });
        } else {
          await octokit.request('POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions', { owner, repo, comment_id: target.id, content });
        }
      });
    },

    async post(place, body) {
      if (place.kind === 'issue') {
        const what = `commenting on #${place.number}`;
        const data = await once(what, async () =>
          (await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: place.number, body })).data,
        );
        const c = parse(CommentSchema, data, what);
        return { id: c.id, url: c.html_url, review: false };
      }
      const what = `replying in the review thread ${place.threadId} of #${place.pull}`;
      const data = await once(what, async () =>
        (
          await octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies', {
            owner,
            repo,
            pull_number: place.pull,
            comment_id: place.threadId,
            body,
          })
        ).data,
      );
      const c = parse(CommentSchema, data, what);
      return { id: c.id, url: c.html_url, review: true };
    },

    async edit(comment, body) {
      const what = `editing comment ${comment.id}`;
      await retry(what, async () => {
        if (comment.review) await octokit.request('PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}', { owner, repo, comment_id: comment.id, body });
        else await octokit.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo, comment_id: comment.id, body });
      });
    },

    async issueComments(number) {
      const what = `reading the comments of #${number}`;
      const data = await retry(what, async () =>
        (await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: number, per_page: 100 })).data,
      );
      return parse(ListedSchema, data, what).map((c) => ({ id: c.id, author: c.user?.login ?? '', body: c.body ?? '' }));
    },

    async pullRequest(number) {
      const what = `reading pull request #${number}`;
      const data = await retry(what, async () => (await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner, repo, pull_number: number })).data);
      const payload = parse(PullRequestPayload, data, what);
      const pr = toPullRequest(payload, `${owner}/${repo}`);
      if (!pr) throw new GitHubApiError(`${what}: the response has no number or head sha`, 'invalid-response');
      return { ...pr, title: payload.title ?? '', body: payload.body ?? '' };
    },

    async failedRunAt(sha) {
      const what = `listing the workflow runs of ${sha.slice(0, 7)}`;
      const data = await retry(what, async () =>
        (await octokit.request('GET /repos/{owner}/{repo}/actions/runs', { owner, repo, head_sha: sha, status: 'failure', per_page: 100 })).data,
      );
      const runs = parse(RunsSchema, data, what)
        .workflow_runs.map((r) => WorkflowRunPayload.safeParse(r))
        .flatMap((r) => (r.success ? [toWorkflowRun(r.data, `${owner}/${repo}`)] : []))
        .filter((r): r is WorkflowRunInfo => r !== undefined && r.headSha === sha && r.conclusion === 'failure');
      return runs.sort((a, b) => b.id - a.id)[0];
    },
  };
}

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new GitHubApiError(`${what}: unexpected response (${result.error.issues[0]?.message ?? 'unexpected shape'})`, 'invalid-response');
}

const quietLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
