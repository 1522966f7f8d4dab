// The few GitHub REST calls the action makes, typed, validated and retried; everything else talks to this interface.
import { getOctokit } from '@actions/github';
import { z } from 'zod';
import { toWorkflowRun, type RepoRef, type WorkflowRunInfo } from './context.js';
import { GitHubApiError } from './errors.js';
import { withRetry, type RetryOptions } from './retry.js';
import { WorkflowRunPayload } from './event.js';

export interface JobStep {
  /** 1-based, as GitHub numbers them ("Set up job" is 1). */
  number: number;
  name: string;
  status: string;
  conclusion: string | null;
}

export interface Job {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  htmlUrl?: string;
  steps: JobStep[];
}

export type JobLog = { text: string } | { text?: undefined; reason: string };

export interface GitHubApi {
  /** The user's access to the repository: admin, maintain, write, triage, read or none. */
  permission(user: string): Promise<string>;
  /** Every job of the run's latest attempt, all pages. */
  listJobs(runId: number): Promise<Job[]>;
  /** The plain-text log of one job; a reason instead when it cannot be had (no `actions: read`, expired). */
  jobLog(jobId: number): Promise<JobLog>;
  /** A file's text at a ref, in this repository or in `other` (a reusable workflow elsewhere). */
  fileAt(path: string, ref: string, other?: RepoRef): Promise<string>;
  getRun(runId: number): Promise<WorkflowRunInfo>;
}

export interface GitHubApiOptions {
  token: string;
  apiUrl: string;
  repo: RepoRef;
  retry?: RetryOptions;
}

const StepSchema = z.object({
  number: z.number(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullish(),
});

const JobSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullish(),
  html_url: z.string().nullish(),
  steps: z.array(StepSchema).nullish(),
});

const JobsPageSchema = z.object({ total_count: z.number(), jobs: z.array(JobSchema) });

const PermissionSchema = z.object({ permission: z.string(), role_name: z.string().nullish() });

const ContentSchema = z.object({
  type: z.string(),
  encoding: z.string().nullish(),
  content: z.string().nullish(),
});

const standardRoles = new Set(['admin', 'maintain', 'write', 'triage', 'read', 'none']);
const perPage = 100;
// A run has at most a few hundred jobs; the cap only guards against a server that never stops paging.
const maxPages = 30;

export function createGitHubApi(opts: GitHubApiOptions): GitHubApi {
  const octokit = getOctokit(opts.token, { baseUrl: opts.apiUrl, log: quietLog });
  const { owner, repo } = opts.repo;
  const retry = (what: string, call: () => Promise<unknown>) => withRetry(what, call, opts.retry);

  return {
    async permission(user) {
      const what = `reading ${user}'s permission on ${owner}/${repo}`;
      const data = await retry(what, async () =>
        (await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username: user })).data,
      );
      const parsed = parse(PermissionSchema, data, what);
      // role_name tells maintain from write and triage from read; a custom role falls back to its base permission.
      return parsed.role_name && standardRoles.has(parsed.role_name) ? parsed.role_name : parsed.permission;
    },

    async listJobs(runId) {
      const jobs: Job[] = [];
      for (let page = 1; page <= maxPages; page++) {
        const what = `listing the jobs of run ${runId} (page ${page})`;
        const data = await retry(what, async () =>
          (
            await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
              owner,
              repo,
              run_id: runId,
              filter: 'latest',
              per_page: perPage,
              page,
            })
          ).data,
        );
        const parsed = parse(JobsPageSchema, data, what);
        jobs.push(...parsed.jobs.map(toJob));
        if (parsed.jobs.length < perPage || jobs.length >= parsed.total_count) break;
      }
      return jobs;
    },

    async jobLog(jobId) {
      const what = `downloading the log of job ${jobId}`;
      try {
        // The endpoint answers 302 to a short-lived plain-text URL; fetch follows it and drops our Authorization header on the way.
        const data = await retry(what, async () =>
          (await octokit.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { owner, repo, job_id: jobId })).data,
        );
        return { text: toText(data) };
      } catch (err) {
        if (err instanceof GitHubApiError && (err.kind === 'auth' || err.kind === 'not-found' || err.kind === 'gone')) {
          const hint = err.kind === 'auth' ? ' (the workflow needs `permissions: actions: read`)' : '';
          return { reason: `${err.message}${hint}` };
        }
        throw err;
      }
    },

    async fileAt(path, ref, other) {
      const from = other ?? opts.repo;
      const what = other ? `reading ${path} of ${other.owner}/${other.repo} at ${ref}` : `reading ${path} at ${ref}`;
      const data = await retry(what, async () =>
        (await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: from.owner, repo: from.repo, path, ref })).data,
      );
      const parsed = parse(ContentSchema, data, what);
      if (parsed.type !== 'file') throw new GitHubApiError(`${what}: it is a ${parsed.type}, not a file`, 'invalid-response');
      // Files over 1 MB come back without content; a workflow file never is one.
      if (parsed.encoding !== 'base64' || typeof parsed.content !== 'string') {
        throw new GitHubApiError(`${what}: the contents API returned no base64 content (encoding ${parsed.encoding ?? 'none'})`, 'invalid-response');
      }
      return Buffer.from(parsed.content, 'base64').toString('utf8');
    },

    async getRun(runId) {
      const what = `reading run ${runId}`;
      const data = await retry(what, async () =>
        (await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner, repo, run_id: runId })).data,
      );
      const run = toWorkflowRun(parse(WorkflowRunPayload, data, what), `${owner}/${repo}`);
      if (!run) throw new GitHubApiError(`${what}: the response has no id or head_sha`, 'invalid-response');
      return run;
    },
  };
}

function toJob(job: z.infer<typeof JobSchema>): Job {
  const out: Job = {
    id: job.id,
    name: job.name,
    status: job.status,
    conclusion: job.conclusion ?? null,
    steps: (job.steps ?? []).map((s) => ({ number: s.number, name: s.name, status: s.status, conclusion: s.conclusion ?? null })),
  };
  if (job.html_url) out.htmlUrl = job.html_url;
  return out;
}

function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
  throw new GitHubApiError(`${what}: unexpected response (${where})`, 'invalid-response');
}

function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  throw new GitHubApiError('the job log came back as neither text nor bytes', 'invalid-response');
}

// Octokit logs deprecation notices through console; the action's own log stays about the run.
const quietLog = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
