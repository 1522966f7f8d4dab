// The parts of a GitHub event payload the action reads, as tolerant zod schemas: a missing or odd field becomes undefined.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Every field is optional and falls back to undefined on a wrong type, so one odd field never loses the rest.
const str = z.string().nullish().catch(undefined);
const num = z.number().nullish().catch(undefined);
const bool = z.boolean().nullish().catch(undefined);
const login = z.object({ login: str }).nullish().catch(undefined);
// `type` tells a Bot from a User; a login ending in `[bot]` is also a bot.
const user = z.object({ login: str, type: str }).nullish().catch(undefined);
const repoRef = z.object({ full_name: str, fork: bool }).nullish().catch(undefined);

const prRef = z
  .object({ ref: str, sha: str, repo: repoRef })
  .nullish()
  .catch(undefined);

const runPullRequest = z.object({ number: num, head: prRef, base: prRef });

export const WorkflowRunPayload = z.object({
  id: num,
  name: str,
  path: str,
  head_sha: str,
  head_branch: str,
  conclusion: str,
  event: str,
  html_url: str,
  run_attempt: num,
  actor: login,
  triggering_actor: login,
  head_repository: repoRef,
  repository: repoRef,
  pull_requests: z.array(runPullRequest).nullish().catch(undefined),
});
export type WorkflowRunPayload = z.infer<typeof WorkflowRunPayload>;

export const PullRequestPayload = z.object({
  number: num,
  title: str,
  body: str,
  user,
  head: prRef,
  base: prRef,
});
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;

/** An issue (or a pull request seen as an issue: `pull_request` is then present) of `issues` and `issue_comment`. */
export const IssuePayload = z.object({
  number: num,
  title: str,
  body: str,
  user,
  pull_request: z.object({ url: str }).nullish().catch(undefined),
});
export type IssuePayload = z.infer<typeof IssuePayload>;

/** A comment of `issue_comment` or `pull_request_review_comment`; review comments carry `in_reply_to_id` in a thread. */
export const CommentPayload = z.object({
  id: num,
  body: str,
  user,
  html_url: str,
  in_reply_to_id: num,
  path: str,
});
export type CommentPayload = z.infer<typeof CommentPayload>;

export const EventPayload = z.object({
  action: str,
  issue: IssuePayload.nullish().catch(undefined),
  comment: CommentPayload.nullish().catch(undefined),
  workflow_run: WorkflowRunPayload.nullish().catch(undefined),
  pull_request: PullRequestPayload.nullish().catch(undefined),
  repository: repoRef,
  sender: user,
  ref: str,
  inputs: z.record(z.string(), z.unknown()).nullish().catch(undefined),
  schedule: str,
});
export type EventPayload = z.infer<typeof EventPayload>;

/** Reads and parses the event file; an absent, unreadable or malformed file reads as an empty payload. */
export function readEventPayload(path: string | undefined): EventPayload {
  if (!path) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
  const parsed = EventPayload.safeParse(raw);
  return parsed.success ? parsed.data : {};
}
