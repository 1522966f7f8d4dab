// The REST routes a fix run reads about the failure: workflow runs, their jobs and steps, job logs, and file contents at a commit.
import type { Reply } from './http.js';
import { runGit } from './git.js';
import { jobJson, runJson } from './github-json.js';
import { notFound, paginate, route, type Route, type RouteContext } from './github-routing.js';

function jobsOf(ctx: RouteContext, attempt?: number): Reply {
  const run = ctx.state.runs.find((r) => String(r.id) === ctx.params['id']);
  if (!run) return notFound();
  const latest = (ctx.query['filter'] ?? 'latest') === 'latest';
  const jobs = run.jobs.filter((job) =>
    attempt !== undefined ? job.runAttempt === attempt : !latest || job.runAttempt === run.runAttempt,
  );
  const { page, headers } = paginate(jobs, ctx);
  return { status: 200, json: { total_count: jobs.length, jobs: page.map((job) => jobJson(ctx.state, run, job, ctx.urls)) }, headers };
}

function jobLogRedirect(ctx: RouteContext): Reply {
  const job = ctx.state.runs.flatMap((r) => r.jobs).find((j) => String(j.id) === ctx.params['id']);
  if (!job) return notFound();
  // GitHub answers with a short-lived URL on another host; here the same server stands for it.
  return { status: 302, headers: { location: `${ctx.urls.api}/_logs/jobs/${job.id}?sig=scripted` } };
}

function jobLogText(ctx: RouteContext): Reply {
  const job = ctx.state.runs.flatMap((r) => r.jobs).find((j) => String(j.id) === ctx.params['id']);
  if (!job || job.log === undefined) return { status: 404, text: 'BlobNotFound' };
  return { status: 200, text: job.log };
}

async function getContents(ctx: RouteContext): Promise<Reply> {
  const { state } = ctx;
  const file = ctx.params['path'] ?? '';
  const ref = ctx.query['ref'] ?? state.repo.defaultBranch;
  let content = state.files[`${ref}:${file}`];
  if (content === undefined && state.remote) {
    const shown = await runGit(state.remote, ['show', `${ref}:${file}`]);
    if (shown.exitCode === 0) content = shown.stdout;
  }
  if (content === undefined) return notFound();
  if ((ctx.headers['accept'] ?? '').includes('.raw')) return { status: 200, text: content };
  const encoded = Buffer.from(content).toString('base64');
  const name = file.split('/').at(-1) ?? file;
  return {
    status: 200,
    json: {
      type: 'file',
      encoding: 'base64',
      // GitHub wraps base64 content at 60 characters.
      content: (encoded.match(/.{1,60}/g) ?? []).join('\n') + '\n',
      size: Buffer.byteLength(content),
      name,
      path: file,
      sha: 'f'.repeat(40),
      url: `${ctx.urls.api}/repos/${state.repo.owner}/${state.repo.name}/contents/${file}?ref=${ref}`,
      html_url: `${ctx.urls.web}/${state.repo.owner}/${state.repo.name}/blob/${ref}/${file}`,
    },
  };
}

export const runRoutes: Route[] = [
  route('repos.getContent', 'GET', '/contents/(?<path>.+)', getContents),
  route('actions.getWorkflowRun', 'GET', '/actions/runs/(?<id>\\d+)', (ctx) => {
    const run = ctx.state.runs.find((r) => String(r.id) === ctx.params['id']);
    return run ? { status: 200, json: runJson(ctx.state, run, ctx.urls) } : notFound();
  }),
  route('actions.listJobsForWorkflowRun', 'GET', '/actions/runs/(?<id>\\d+)/jobs', (ctx) => jobsOf(ctx)),
  route('actions.listJobsForWorkflowRunAttempt', 'GET', '/actions/runs/(?<id>\\d+)/attempts/(?<attempt>\\d+)/jobs', (ctx) =>
    jobsOf(ctx, Number(ctx.params['attempt'])),
  ),
  route('actions.downloadJobLogsForWorkflowRun', 'GET', '/actions/jobs/(?<id>\\d+)/logs', jobLogRedirect),
  {
    name: 'logs.blob',
    method: 'GET',
    pattern: /^\/_logs\/jobs\/(?<id>\d+)$/,
    rest: false,
    handle: jobLogText,
  },
];
