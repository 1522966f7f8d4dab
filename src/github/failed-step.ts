// Zero-config fix mode: finds the command of the step that failed, from the jobs API and the workflow file at the failed commit.
import type { GitHubApi, Job, JobStep } from './api.js';
import { currentWorkflowPath, type RunContext } from './context.js';
import { GitHubApiError } from './errors.js';
import { ExpressionSyntaxError, interpolate, type Scope, type Unknowns } from './expressions.js';
import { findJob, type FoundJob } from './job-tree.js';
import { stepSection } from './job-log.js';
import { failedRunGithub, thisRunner } from './run-contexts.js';
import { planSetup } from './setup-steps.js';
import { mergeEnv, shellOf, shellPlan, withPrelude, workingDirectoryOf } from './step-command.js';
import { alignSteps, defaultStepName, firstLine, mapStep, type StepNames } from './step-match.js';
import { notRepeated } from './unrepeated.js';
import { parseWorkflow, rawText, textOf, type WorkflowStep } from './workflow-file.js';
import { fileReader } from './workflow-source.js';

export interface FailedCommand {
  /** The step's script, for `bash -c`, with a prelude where the runner's shell changes its outcome. */
  command: string;
  /** Relative to the workspace root; absent for the root itself. */
  workingDirectory?: string;
  /** The step's `shell:` (or the defaults'), when one was set. */
  shell?: string;
  env: Record<string, string>;
  /** The earlier steps of the same job, in order; each is meant for its own `bash -c` from `workingDirectory`. */
  setupCommands: string[];
  /** Their names, as the runner shows them. */
  setupNames: string[];
  job: string;
  step: string;
  /** The workflow file that holds the job, after the reusable-workflow calls that lead to it. */
  workflow: string;
  /** One sentence: how the command was found. */
  source: string;
  /** The failed step's part of the job log, timestamps and colours stripped, its end kept within ~64 KiB. */
  log?: string;
  /** What was not repeated here and what to add to the redgreen job for it, as sentences. */
  notRepeated: string[];
  /** Values only the runner knows, left empty in the setup steps (`secrets.NPM_TOKEN`, `github.event.before`). */
  unknown: string[];
  /** Everything else the reader should know, as sentences. */
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
  /** The failed job to take (its id in the jobs API); the first failed job when left out. */
  jobId?: number;
}

const failedConclusions = new Set(['failure', 'timed_out']);
const settingHint = 'set the test-command input to the command to run';

export async function findFailedCommand(input: FindFailedCommandInput): Promise<FailedCommand | { error: string }> {
  try {
    return await find(input);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return { error: `${err.message}; ${settingHint}.` };
    throw err;
  }
}

async function find(input: FindFailedCommandInput): Promise<FailedCommand | { error: string }> {
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
  const failed = pickFailedJob(jobs, input.jobId);
  if (!failed) return { error: `No failed step was found in the jobs of run ${target.runId}; ${settingHint}.` };
  const { job, step } = failed;

  const read = fileReader(input.workspace, api);
  const source = await read({ path: target.path, ref: target.sha });
  if ('error' in source) return { error: `Could not read ${target.path} at ${short(target.sha)}: ${source.error}; ${settingHint}.` };
  const workflow = parseWorkflow(source.text, target.path);
  if ('error' in workflow) return { error: `Could not use ${target.path} at ${short(target.sha)}: ${workflow.error}; ${settingHint}.` };

  const github = failedRunGithub(ctx, target, input.workspace);
  const runner = thisRunner();
  const found = await findJob({ github, runner, read }, { workflow, file: { path: target.path, ref: target.sha }, from: source.from }, job.name);
  if (found && 'error' in found) return { error: `${found.error}.` };
  if (!found) {
    return { error: `The failed job "${job.name}" is not a job of ${target.path} or of a workflow it calls; ${settingHint}.` };
  }
  const unknown: Unknowns = new Set(found.unknown);
  const base: Scope = { github: { ...github, job: found.job.key }, runner, inputs: found.inputs, matrix: found.matrix, env: {} };
  const jobEnv = mergeEnv([found.workflow.env, found.job.env], base);
  const jobScope: Scope = { ...base, env: jobEnv.env };
  const steps = found.job.steps;
  const names = steps.map((s) => stepNames(s, jobScope));
  const mapped = mapStep(names, job.steps, step);
  const wfStep = mapped ? steps[mapped.index] : undefined;
  if (!mapped || !wfStep) {
    return { error: `The failed step "${step.name}" of job "${job.name}" was not found among the steps of ${found.file.path}; ${settingHint}.` };
  }
  if (wfStep.run === undefined) {
    const what = wfStep.uses ? `runs the action ${wfStep.uses}` : 'has no run: script';
    return { error: `The failed step "${step.name}" ${what}, which cannot be rerun as a command; ${settingHint}.` };
  }

  // The failed step itself must be exactly what ran: a value only the runner knows makes it refuse.
  const stepEnv = mergeEnv([found.workflow.env, found.job.env, wfStep.env], base);
  const env = Object.fromEntries(Object.entries(stepEnv.env).filter(([k]) => !stepEnv.uncertain.has(k)));
  const notes: string[] = [];
  if (stepEnv.uncertain.size > 0) {
    notes.push(`Left out env ${[...stepEnv.uncertain.keys()].join(', ')}: their values are expressions only known inside the runner (secrets, contexts, step outputs).`);
  }
  const scope: Scope = { ...jobScope, env: stepEnv.env };
  const own: Unknowns = new Set();
  const script = textOf(wfStep.run, scope, own);
  if (own.size > 0) {
    return { error: `The failed step "${step.name}" uses ${[...own].map((u) => `\${{ ${u} }}`).join(', ')}, which only the runner can evaluate; ${settingHint}.` };
  }
  const defaults = [found.job.defaults, found.workflow.defaults];
  const dir = workingDirectoryOf(defaults, wfStep, scope, input.workspace, own);
  if (own.size > 0) {
    return { error: `The failed step's working-directory uses ${[...own].join(', ')}, which only the runner can evaluate; ${settingHint}.` };
  }
  const shell = shellOf(defaults, wfStep, scope);
  const plan = shellPlan(shell);
  if ('error' in plan) return { error: `The failed step "${step.name}" ${plan.error}; ${settingHint}.` };
  if (plan.kind === 'file') return { error: `The failed step "${step.name}" runs with \`shell: ${shell}\`, which is not bash or sh; ${settingHint}.` };

  const setup = await planSetup({
    steps,
    aligned: alignSteps(job.steps, steps.length),
    failedIndex: mapped.index,
    defaults,
    scope: jobScope,
    workspace: input.workspace,
    fromDir: dir,
    repoAt: { ...(found.file.repo ? { repo: found.file.repo } : {}), ref: found.file.ref },
    read,
  });
  setup.unknown.forEach((u) => unknown.add(u));
  jobEnv.uncertain.forEach((used) => used.forEach((u) => unknown.add(u)));
  if (setup.skipped.length > 0) notes.push(`Earlier steps not repeated: ${setup.skipped.join('; ')}.`);
  if (found.matrixUnknown) notes.push('The matrix of the failed job is an expression only the runner knows; its values are left empty.');

  const where = found.calls.length ? `${found.file.path}${found.file.repo ? ` of ${found.file.repo}` : ''} (called as ${found.calls.join(', ')})` : found.file.path;
  const result: FailedCommand = {
    command: withPrelude(script, plan.prelude),
    env,
    setupCommands: setup.steps.map((s) => s.command),
    setupNames: setup.steps.map((s) => s.name),
    job: job.name,
    step: step.name,
    workflow: where,
    source:
      `The command of step "${step.name}" of job "${job.name}" (matched by ${mapped.how}) in ${where} ` +
      `at ${short(found.file.ref)}, read from ${found.from}, where run ${target.runId} failed.`,
    notRepeated: notRepeated({ job: found.job, scope: jobScope, actions: setup.actions }),
    unknown: [...unknown].sort(),
    notes,
    runId: target.runId,
    jobId: job.id,
  };
  if (dir !== undefined) result.workingDirectory = dir;
  if (shell !== undefined) result.shell = shell;
  if (job.htmlUrl) result.jobUrl = job.htmlUrl;

  const log = await failedStepLog(api, job, firstLine(script), laterHeaders(steps, mapped.index, scope));
  if ('text' in log) result.log = log.text;
  if (log.note) notes.push(log.note);
  return result;
}

function stepNames(step: WorkflowStep, scope: Scope): StepNames {
  const unknown: Unknowns = new Set();
  const name = step.name ? textOf(step.name, scope, unknown) : undefined;
  const run = step.run ? interpolate(rawText(step.run), scope, unknown) : undefined;
  const shown = defaultStepName({ ...(name !== undefined ? { name } : {}), ...(run !== undefined ? { run } : {}), ...(step.uses ? { uses: step.uses } : {}) });
  const template = step.name ? rawText(step.name) : step.run ? `Run ${firstLine(rawText(step.run))}` : undefined;
  return { shown, named: step.name !== undefined, ...(unknown.size > 0 && template ? { template } : {}) };
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

/**
 * The failed job and its first failed step: the job with `jobId` when given, else the first failed job; a job still
 * running (this run's own) counts once a step has failed.
 */
export function pickFailedJob(jobs: Job[], jobId?: number): { job: Job; step: JobStep } | undefined {
  const firstFailedStep = (job: Job) =>
    [...job.steps].sort((a, b) => a.number - b.number).find((s) => s.conclusion !== null && failedConclusions.has(s.conclusion));
  const candidates = jobId === undefined ? jobs : jobs.filter((j) => j.id === jobId);
  const ordered = [
    ...candidates.filter((j) => j.conclusion !== null && failedConclusions.has(j.conclusion)),
    ...candidates.filter((j) => j.conclusion === null),
  ];
  for (const job of ordered) {
    const step = firstFailedStep(job);
    if (step) return { job, step };
  }
  return undefined;
}

/** The log headers (`Run <first line>`) of the steps after the failed one, where its log section ends. */
function laterHeaders(steps: WorkflowStep[], failedIndex: number, scope: Scope): string[] {
  return steps.slice(failedIndex + 1).map((s) => {
    if (s.run !== undefined) return firstLine(interpolate(rawText(s.run), scope, new Set()));
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

function short(sha: string): string {
  return sha.slice(0, 7);
}

export type { FoundJob };
