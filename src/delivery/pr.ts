// Opens the pull request for a pushed branch, or updates the one already open, and keeps one marked comment per purpose.
import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';
import { z } from 'zod';
import { cap } from '../report/markdown.js';

export type Octokit = ReturnType<typeof getOctokit>;

/** GitHub rejects bodies over 65,536 characters; stay clear of it. */
export const BodyLimit = 65_000;

export interface PrOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The pushed branch (in this repository). */
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
  labels?: string[];
}

export interface PrResult {
  url: string;
  number: number;
  created: boolean;
}

const ApiError = z.object({
  status: z.number(),
  message: z.string().default(''),
  response: z
    .object({ data: z.object({ errors: z.array(z.object({ message: z.string().optional() }).loose()).optional() }).loose() })
    .loose()
    .optional(),
});

/** Finds the open PR from `head` into `base` and updates it, or creates one; safe when two runs race. */
export async function openOrUpdatePr(opts: PrOptions): Promise<PrResult> {
  const { octokit, owner, repo } = opts;
  const body = capBody(opts.body);
  const existing = await findOpenPr(opts);
  if (existing) return { ...(await updatePr(opts, existing, body)), created: false };

  let created: { number: number; html_url: string };
  try {
    created = await createPr(opts, body, opts.draft ?? false);
  } catch (error) {
    const text = apiErrorText(error);
    if (isStatus(error, 422) && /already exists/i.test(text)) {
      // Another run created it between our lookup and our create.
      const raced = await findOpenPr(opts);
      if (raced) return { ...(await updatePr(opts, raced, body)), created: false };
    }
    if (opts.draft && isStatus(error, 422) && /draft/i.test(text)) {
      core.warning('Draft pull requests are not available in this repository; opening a ready one.');
      created = await createPr(opts, body, false);
    } else {
      throw error;
    }
  }
  if (opts.labels?.length) {
    try {
      await octokit.rest.issues.addLabels({ owner, repo, issue_number: created.number, labels: opts.labels });
    } catch (error) {
      core.warning(`Could not add labels to pull request #${created.number}: ${apiErrorText(error)}`);
    }
  }
  return { url: created.html_url, number: created.number, created: true };
}

export interface CommentOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  number: number;
  body: string;
  /** Names the comment (`evidence` → `<!-- redgreen:evidence -->`); a rerun edits the comment carrying it. */
  marker: string;
}

/** Creates or updates the one comment that carries `marker`. */
export async function commentOnPr(opts: CommentOptions): Promise<{ id: number; url: string; created: boolean }> {
  const { octokit, owner, repo, number } = opts;
  const tag = opts.marker.startsWith('<!--') ? opts.marker : `<!-- redgreen:${opts.marker} -->`;
  const body = `${tag}\n${capBody(opts.body, BodyLimit - tag.length - 1)}`;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: number,
    per_page: 100,
  });
  const mine = comments.find((c) => c.body?.includes(tag));
  if (mine) {
    const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
    return { id: data.id, url: data.html_url, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
  return { id: data.id, url: data.html_url, created: true };
}

async function findOpenPr(opts: PrOptions): Promise<{ number: number } | undefined> {
  const { data } = await opts.octokit.rest.pulls.list({
    owner: opts.owner,
    repo: opts.repo,
    state: 'open',
    head: `${opts.owner}:${opts.head}`,
    base: opts.base,
    per_page: 10,
  });
  return data[0];
}

async function updatePr(opts: PrOptions, pr: { number: number }, body: string): Promise<Omit<PrResult, 'created'>> {
  const { data } = await opts.octokit.rest.pulls.update({
    owner: opts.owner,
    repo: opts.repo,
    pull_number: pr.number,
    title: opts.title,
    body,
  });
  return { url: data.html_url, number: data.number };
}

async function createPr(opts: PrOptions, body: string, draft: boolean): Promise<{ number: number; html_url: string }> {
  const { data } = await opts.octokit.rest.pulls.create({
    owner: opts.owner,
    repo: opts.repo,
    head: opts.head,
    base: opts.base,
    title: opts.title,
    body,
    draft,
  });
  return data;
}

function capBody(body: string, limit = BodyLimit): string {
  return cap(body, limit, { unit: 'chars', marker: '… (cut to fit GitHub’s size limit; the full report is in the evidence artifact)' });
}

function isStatus(error: unknown, status: number): boolean {
  const parsed = ApiError.safeParse(error);
  return parsed.success && parsed.data.status === status;
}

/** The API's own words: Octokit's message plus the `errors[].message` details of a 422. */
function apiErrorText(error: unknown): string {
  const parsed = ApiError.safeParse(error);
  if (!parsed.success) return error instanceof Error ? error.message : String(error);
  const details = parsed.data.response?.data.errors?.map((e) => e.message ?? '').join('; ') ?? '';
  return `${parsed.data.message} ${details}`.trim();
}
