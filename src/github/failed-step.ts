// Zero-config fix mode: finds the command of the step that failed, from the jobs API and the workflow file at the failed commit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GitHubApi, Job, JobStep } from './api.js';
import { currentWorkflowPath, type RunContext } from './context.js';
import { GitHubApiError } from './errors.js';
import { resolveExpressions, type ExpressionScope } from './expressions.js';
import { stepSection } from './job-log.js';
import { mergeEnv, setupScript, shellOf, shellPrelude, withPrelude, workingDirectoryOf } from './step-command.js';
import {
  alignSteps,
  findJob,
  firstLine,
  mapStep,
  parseWorkflow,
  stepDisplayName,
  type FoundJob,
  type Workflow,
  type WorkflowStep,
} from './workflow-file.js';

const run = promisify(execFile);

export interface FailedCommand {
  /** The step's script, for `bash -c`, with a `set -e…` line where the runner's shell flags change its outcome. */
  command: string;
  /** Relative to the workspace root; absent for the root itself. */
  workingDirectory?: string;
  /** The step's `shell:` (or the defaults'), when one was set. */
  shell?: string;
  env: Record<string, string>;
  /** The earlier `run:` steps of the same job, in order; each is meant for its own `bash -c` in `workingDirectory`. */
  setupCommands: string[];
  job: string;
  step: string;
  /** One sentence: how the command was found. */
  source: string;
  /** The failed step's part of the job log, timestamps stripped, its end kept within ~64 KiB. */
  log?: string;
  /** What could not be carried over (expression env, action steps, an unavailable log), as sentences. */
  notes: string[];
  runId: number;
  jobId: number;
  jobUrl?: string;
}

export interface FindFailedCommandInput {
  api: Pick<GitHubApi, 'listJobs' | 'jobLog' | 'fileAt'>;
  ctx: RunContext;
  /** A folder inside the checkout; the workflow file is read from it when it is at the failed commit. */
  workspace: string;
}

const failedConclusions = new Set(['failure', 'timed_out']);
const settingHint = 'set the test-command input to the command to run';

export async function findFailedCommand(input: FindFailedCommandInput): Promise<FailedCommand | { error: string }> {
  const { api, ctx } = input;
  const target = failedRun(ctx);
  if ('error' in target) return target;

  let jobs: Job[];
  try {
    jobs = await api.listJobs(target.runId);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const hint = err instanceof GitHubApiError && err.kind === 'auth' ? ' (the workflow needs `permissions: actions: read`)' : '';
    return { error: `Could not list the jobs of run ${target.runId}: ${why}${hint}; ${settingHint}.` };
  }
  const failed = pickFailedJob(jobs);
  if (!failed) return { error: `No failed step was found in the jobs of run ${target.runId}; ${settingHint}.` };
  const { job, step } = failed;

  const source = await readWorkflowSource(input.workspace, target.path, target.sha, api);
  if ('error' in source) return { error: `Could not read ${target.path} at ${short(target.sha)}: ${source.error}; ${settingHint}.` };
  const workflow = parseWorkflow(source.text);
  if ('error' in workflow) return { error: `Could not use ${target.path} at ${short(target.sha)}: ${workflow.error}; ${settingHint}.` };

  const found = findJob(workflow, job.name);
  if (!found) {
    return { error: `The failed job "${job.name}" is not a job of ${target.path} (a reusable workflow or a generated name?); ${settingHint}.` };
  }
  const steps = found.job.steps ?? [];
  const mapped = mapStep(steps, job.steps, step);
  const wfStep = mapped ? steps[mapped.index] : undefined;
  if (!mapped || !wfStep) {
    return { error: `The failed step "${step.name}" of job "${job.name}" was not found among the steps of ${target.path}; ${settingHint}.` };
  }
  if (wfStep.run === undefined) {
    const what = wfStep.uses ? `runs the action ${wfStep.uses}` : 'has no run: script';
    return { error: `The failed step "${step.name}" ${what}, which cannot be rerun as a command; ${settingHint}.` };
  }

  const notes: string[] = [];
  const { env, dropped } = mergeEnv([workflow.env, found.job.env, wfStep.env], found.matrix);
  if (dropped.length > 0) {
    notes.push(`Left out env ${dropped.join(', ')}: their values are expressions only known inside the runner (secrets, contexts, step outputs).`);
  }
  const scope = { matrix: found.matrix, env };
  const script = resolveExpressions(wfStep.run, scope);
  if (script.unresolved.length > 0) {
    return { error: `The failed step "${step.name}" uses ${script.unresolved.join(', ')}, which only the runner can evaluate; ${settingHint}.` };
  }
  const dir = workingDirectoryOf(workflow, found.job, wfStep, scope);
  if (dir.unresolved.length > 0) {
    return { error: `The failed step's working-directory uses ${dir.unresolved.join(', ')}, which only the runner can evaluate; ${settingHint}.` };
  }
  const shell = shellOf(workflow, found.job, wfStep);
  const prelude = shellPrelude(shell);
  if ('error' in prelude) return { error: `The failed step "${step.name}" ${prelude.error}; ${settingHint}.` };

  const result: FailedCommand = {
    command: withPrelude(script.value, prelude.prelude),
    env,
    setupCommands: setupCommands({ workflow, found, failedIndex: mapped.index, apiSteps: job.steps, fromDir: dir.value, notes }),
    job: job.name,
    step: step.name,
    source:
      `The command of step "${step.name}" of job "${job.name}" (matched by ${mapped.how}) in ${target.path} ` +
      `at ${short(target.sha)}, read from ${source.from}, where run ${target.runId} failed.`,
    notes,
    runId: target.runId,
    jobId: job.id,
  };
  if (dir.value !== undefined) result.workingDirectory = dir.value;
  if (shell !== undefined) result.shell = shell;
  if (job.htmlUrl) result.jobUrl = job.htmlUrl;

  const log = await failedStepLog(api, job, firstLine(script.value), laterHeaders(steps, mapped.index, scope));
  if ('text' in log) result.log = log.text;
  if (log.note) notes.push(log.note);
  return result;
}

interface FailedRunTarget {
  runId: number;
  path: string;
  sha: string;
}

/** The failed run: the one behind a workflow_run event, or this very run when a step runs after a failure in its own job. */
function failedRun(ctx: RunContext): FailedRunTarget | { error: string } {
  if (ctx.workflowRun) {
    if (!ctx.workflowRun.path.startsWith('.github/workflows/')) {
      return { error: `The failed run's workflow "${ctx.workflowRun.path}" is not a file in .github/workflows; ${settingHint}.` };
    }
    return { runId: ctx.workflowRun.id, path: ctx.workflowRun.path, sha: ctx.workflowRun.headSha };
  }
  const path = currentWorkflowPath(ctx);
  if (!path || !ctx.runId || !ctx.sha) {
    return { error: `Without a workflow_run event there is no failed run to read the command from; ${settingHint}.` };
  }
  return { runId: ctx.runId, path, sha: ctx.sha };
}

/** The first failed job and its first failed step; a job still running (this run's own) counts once a step has failed. */
export function pickFailedJob(jobs: Job[]): { job: Job; step: JobStep } | undefined {
  const firstFailedStep = (job: Job) =>
    [...job.steps].sort((a, b) => a.number - b.number).find((s) => s.conclusion !== null && failedConclusions.has(s.conclusion));
  const ordered = [
    ...jobs.filter((j) => j.conclusion !== null && failedConclusions.has(j.conclusion)),
    ...jobs.filter((j) => j.conclusion === null),
  ];
  for (const job of ordered) {
    const step = firstFailedStep(job);
    if (step) return { job, step };
  }
  return undefined;
}

async function readWorkflowSource(
  workspace: string,
  path: string,
  sha: string,
  api: Pick<GitHubApi, 'fileAt'>,
): Promise<{ text: string; from: string } | { error: string }> {
  try {
    const head = (await run('git', ['rev-parse', 'HEAD'], { cwd: workspace })).stdout.trim();
    if (head === sha) {
      // The committed file, not the working tree: earlier steps may have changed the checkout.
      const shown = await run('git', ['show', `${sha}:${path}`], { cwd: workspace, maxBuffer: 16 * 1024 * 1024 });
      return { text: shown.stdout, from: 'the checkout' };
    }
  } catch {
    // Not a git checkout, or the file is not in it: the contents API still knows.
  }
  try {
    return { text: await api.fileAt(path, sha), from: 'the contents API' };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function setupCommands(opts: {
  workflow: Workflow;
  found: FoundJob;
  failedIndex: number;
  apiSteps: JobStep[];
  fromDir: string | undefined;
  notes: string[];
}): string[] {
  const { workflow, found, failedIndex, notes } = opts;
  const steps = found.job.steps ?? [];
  const aligned = alignSteps(opts.apiSteps, steps.length);
  const jobEnv = mergeEnv([workflow.env, found.job.env], found.matrix).env;
  const commands: string[] = [];
  const actions: string[] = [];
  const skipped: string[] = [];

  steps.slice(0, failedIndex).forEach((step, i) => {
    // A step the runner skipped (its `if:` was false) is not part of what led to the failure.
    if (aligned?.[i]?.conclusion === 'skipped') return;
    if (step.run === undefined) {
      if (step.uses) actions.push(step.uses);
      return;
    }
    const stepEnv = mergeEnv([step.env], found.matrix);
    const scope = { matrix: found.matrix, env: { ...jobEnv, ...stepEnv.env } };
    const script = resolveExpressions(step.run, scope);
    const dir = workingDirectoryOf(workflow, found.job, step, scope);
    const prelude = shellPrelude(shellOf(workflow, found.job, step));
    if (script.unresolved.length > 0 || dir.unresolved.length > 0 || 'error' in prelude || stepEnv.dropped.length > 0) {
      skipped.push(`"${stepDisplayName(step)}"`);
      return;
    }
    const setup = { script: script.value, prelude: prelude.prelude, stepEnv: stepEnv.env };
    commands.push(setupScript({ ...setup, ...optional('stepDir', dir.value), ...optional('fromDir', opts.fromDir) }));
  });

  if (actions.length > 0) notes.push(`Earlier steps that use actions (${actions.join(', ')}) are not repeated; the runner is assumed to be set up alike.`);
  if (skipped.length > 0) notes.push(`Earlier steps ${skipped.join(', ')} are not repeated: they depend on values only the runner knows.`);
  return commands;
}

/** The log headers (`Run <first line>`) of the steps after the failed one, where its log section ends. */
function laterHeaders(steps: WorkflowStep[], failedIndex: number, scope: ExpressionScope): string[] {
  return steps.slice(failedIndex + 1).map((s) => {
    if (s.run !== undefined) return firstLine(resolveExpressions(s.run, scope).value);
    return (s.uses ?? '').replace(/^docker:\/\//, '');
  });
}

async function failedStepLog(
  api: Pick<GitHubApi, 'jobLog'>,
  job: Job,
  header: string,
  later: string[],
): Promise<{ text: string; note?: string } | { note: string }> {
  try {
    const log = await api.jobLog(job.id);
    if (log.text === undefined) return { note: `The job log could not be read: ${log.reason}.` };
    const section = stepSection(log.text, header, later);
    if (section.found) return { text: section.text };
    return { text: section.text, note: 'The failed step was not found in the job log; its end is kept instead.' };
  } catch (err) {
    return { note: `The job log could not be read: ${err instanceof Error ? err.message : String(err)}.` };
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
