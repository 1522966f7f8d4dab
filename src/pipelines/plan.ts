// Plan mode: reads the event and plans a matrix of failed jobs or tasks × attempts; it runs no model and no tests.
import { Outputs } from '../constants.js';
import { emptyReport } from '../engine/finish.js';
import { artifactServiceAvailable, uploadJsonArtifact } from '../fanout/artifacts.js';
import { failedJobKeys, taskKeys } from '../fanout/failed-jobs.js';
import { planArtifactName, withoutMatrixCell } from '../fanout/keys.js';
import { planMatrix, type MatrixPlan, type PlannedKey } from '../fanout/matrix.js';
import { PlanFile, type PlanRecord } from '../fanout/record.js';
import { renderPlanSummary } from '../fanout/render.js';
import type { GitHubApi, Job } from '../github/api.js';
import type { WorkflowRunInfo } from '../github/context.js';
import { checkPolicy } from '../github/policy.js';
import { findJob, type ReadFile } from '../github/job-tree.js';
import { parseWorkflow } from '../github/workflow-file.js';
import type { Report } from '../report/types.js';
import { errorMessage } from '../util/errors.js';
import type { ActionRun } from './types.js';

export async function planPipeline(r: ActionRun): Promise<Report> {
  const { settings, ctx, host, gate } = r;
  const end = async (status: Report['status'], reason: string, plan?: MatrixPlan, neverRan: string[] = []): Promise<Report> => {
    const report = emptyReport({ mode: 'plan', status, reason, evidenceDir: r.evidenceDir, startedAt: r.startedAt });
    const entries = plan?.entries ?? [];
    report.outputs = { [Outputs.Matrix]: JSON.stringify({ include: entries }), [Outputs.Count]: String(entries.length) };
    report.notes = [...(plan?.leftOut ?? [])];
    await host.writeSummary(gate.redact(renderPlanSummary(status, reason, plan, neverRan)));
    return report;
  };

  // Refused here, nothing is planned: no cell starts, no runner is spent.
  const policy = await checkPolicy({ ctx, allowForks: settings.allowForks, branchPrefix: settings.branchPrefix, api: r.api });
  if (!policy.run) {
    host.log.info(`Skipped: ${policy.reason}`);
    return end('skipped', policy.reason);
  }

  let keys: PlannedKey[];
  let neverRan: string[] = [];
  let what: string;
  if (settings.tasks.length > 0) {
    keys = taskKeys(settings.tasks);
    what = `${keys.length} task${keys.length === 1 ? '' : 's'} from the tasks input`;
  } else if (ctx.workflowRun) {
    const run = ctx.workflowRun;
    if (run.conclusion !== 'failure' && run.conclusion !== 'timed_out') {
      return end('skipped', `Run ${run.id} of ${run.name || run.path} ended ${run.conclusion ?? 'without a conclusion'}; there is nothing to fix.`);
    }
    const jobs = await host.log.group('Failed jobs', () => r.api.listJobs(run.id));
    const groupOf = await jobGroups(r.api, run, jobs, (line) => host.log.info(line));
    ({ keys, neverRan } = failedJobKeys(jobs, run.headSha, groupOf));
    what = `${keys.length} failed job${keys.length === 1 ? '' : 's'} of run ${run.id}`;
  } else {
    return end('skipped', 'Plan mode works on a failed workflow_run, or on the tasks input (one task a line); this run has neither.');
  }
  if (keys.length === 0) return end('skipped', `Nothing to do: ${what}.`, undefined, neverRan);

  // Without a models list each cell takes its own model input (its default depends on the cell's endpoint).
  const plan = planMatrix(keys, { bestOf: settings.bestOf, models: settings.models, model: '' });
  for (const line of plan.leftOut) host.log.warn(`Left out: ${line}`);
  await uploadPlan(plan, ctx.runAttempt, gate.redact, (line) => host.log.warn(line));
  const attempts = settings.bestOf > 1 ? ` × up to ${settings.bestOf} attempts` : '';
  return end('completed', `Planned ${plan.entries.length} matrix jobs: ${what}${attempts}.`, plan, neverRan);
}

/**
 * Names the workflow job each failed job belongs to, so the failed cells of one matrix job make one key. The workflow
 * file tells templated names apart (`Test on ${{ matrix.os }}`); without it, the `name (cell)` suffix is dropped.
 */
async function jobGroups(api: GitHubApi, run: WorkflowRunInfo, jobs: Job[], info: (line: string) => void): Promise<(name: string) => string> {
  const read: ReadFile = async (at) => {
    if (at.repo) return { error: `${at.repo} is another repository` };
    try {
      return { text: await api.fileAt(at.path, at.ref), from: 'the contents API' };
    } catch (e) {
      return { error: errorMessage(e) };
    }
  };
  const file = { path: run.path, ref: run.headSha };
  const source = await read(file);
  const workflow = 'error' in source ? source : parseWorkflow(source.text, run.path);
  if ('error' in workflow) {
    info(`${run.path} could not be read as a workflow (${workflow.error}); matrix cells are grouped by their names.`);
    return withoutMatrixCell;
  }
  const groups = new Map<string, string>();
  const search = { github: { repository: `${run.headRepoFullName}`, sha: run.headSha }, runner: {}, read };
  for (const job of jobs.filter((j) => j.conclusion === 'failure' || j.conclusion === 'timed_out')) {
    const found = await findJob(search, { workflow, file, from: 'the contents API' }, job.name).catch(() => undefined);
    // A job inside a called workflow keeps its full `caller / called` name.
    if (found && !('error' in found) && found.calls.length === 0) groups.set(job.name, found.job.key);
  }
  return (name) => groups.get(name) ?? withoutMatrixCell(name);
}

/** What pick needs to know of the plan: every key, how many attempts it got, and each cell's job name. */
async function uploadPlan(plan: MatrixPlan, runAttempt: number, redact: (text: string) => string, warn: (line: string) => void): Promise<void> {
  if (!artifactServiceAvailable()) {
    warn('No artifact service here: pick will not find the plan.');
    return;
  }
  const record: PlanRecord = {
    version: 1,
    keys: plan.keys.map((k) => ({ key: k.key, mode: k.mode, name: k.name, attempts: k.attempts, alsoFailed: k.alsoFailed })),
    entries: plan.entries.map((e) => ({ key: e.key, attempt: e.attempt, name: e.name, model: e.model })),
    leftOut: plan.leftOut,
  };
  await uploadJsonArtifact(planArtifactName(runAttempt), PlanFile, redact(JSON.stringify(record, null, 2)));
}
