// The failed job's earlier steps as setup commands: `run:` steps, and the `run:` steps of composite actions in the repository.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { JobStep } from './api.js';
import { isTruthy, evaluate, interpolate, type JsonObject, type Scope, type Unknowns } from './expressions.js';
import type { FileAt, ReadFile } from './job-tree.js';
import { isObject } from './matrix.js';
import { mergeEnv, setupScript, shellOf, shellPlan, workingDirectoryOf } from './step-command.js';
import { defaultStepName } from './step-match.js';
import { parseCompositeAction, rawText, textOf, valueOf, type RunDefaults, type WorkflowStep } from './workflow-file.js';

export interface SetupStep {
  /** The step's name as the runner shows it; "action / step" for a step of a composite action. */
  name: string;
  /** One self-contained command for `bash -c`, run from the failed command's directory. */
  command: string;
}

export interface SetupPlan {
  steps: SetupStep[];
  /** `uses:` steps that are not repeated here (actions from elsewhere, JavaScript and Docker actions). */
  actions: string[];
  /** Steps left out, with why. */
  skipped: string[];
  /** Values only the runner knows, left empty in these steps. */
  unknown: Unknowns;
}

export interface SetupInput {
  steps: WorkflowStep[];
  /** The API's steps, paired with `steps`, when they line up: a step the runner skipped is not repeated. */
  aligned: JobStep[] | undefined;
  failedIndex: number;
  defaults: RunDefaults[];
  /** The job's scope, `env` holding the workflow's and the job's env. */
  scope: Scope;
  workspace: string;
  fromDir: string | undefined;
  /** Where local actions are read: the failed commit of the workflow's repository. */
  repoAt: Omit<FileAt, 'path'>;
  read: ReadFile;
}

const maxNesting = 3;

export async function planSetup(input: SetupInput): Promise<SetupPlan> {
  const plan: SetupPlan = { steps: [], actions: [], skipped: [], unknown: new Set() };
  for (const [i, step] of input.steps.slice(0, input.failedIndex).entries()) {
    // A step the runner skipped (its `if:` was false) is not part of what led to the failure.
    if (input.aligned?.[i]?.conclusion === 'skipped') continue;
    await addStep(input, plan, step, input.scope, input.defaults, '', 0);
  }
  return plan;
}

async function addStep(input: SetupInput, plan: SetupPlan, step: WorkflowStep, scope: Scope, defaults: RunDefaults[], prefix: string, depth: number): Promise<void> {
  const name = prefix + stepName(step, scope);
  if (step.uses !== undefined) {
    if (step.uses.startsWith('./') && depth < maxNesting) {
      await addComposite(input, plan, step, scope, name, depth);
      return;
    }
    plan.actions.push(step.uses);
    return;
  }
  if (!step.run) return;
  const env = mergeEnv([step.env], scope);
  for (const used of env.uncertain.values()) used.forEach((u) => plan.unknown.add(u));
  const stepScope = { ...scope, env: { ...scope.env, ...env.env } };
  const script = textOf(step.run, stepScope, plan.unknown);
  const dir = workingDirectoryOf(defaults, step, stepScope, input.workspace, plan.unknown);
  const shell = shellPlan(shellOf(defaults, step, stepScope));
  if ('error' in shell) {
    plan.skipped.push(`"${name}" ${shell.error}`);
    return;
  }
  const program = shell.kind === 'file' ? (shell.template.trim().split(/\s+/, 1)[0] ?? '') : 'bash';
  if (!onPath(program)) {
    plan.skipped.push(`"${name}" needs ${program}, which this runner does not have`);
    return;
  }
  const command = setupScript({ script, plan: shell, stepEnv: env.env, ...optional('stepDir', dir), ...optional('fromDir', input.fromDir) });
  plan.steps.push({ name, command });
}

/** A composite action of the repository: its steps in turn, with its `inputs` from the step's `with:` and its defaults. */
async function addComposite(input: SetupInput, plan: SetupPlan, step: WorkflowStep, scope: Scope, name: string, depth: number): Promise<void> {
  const dir = (step.uses ?? '').slice(2).replace(/\/$/, '');
  let source: { text: string } | undefined;
  for (const file of ['action.yml', 'action.yaml']) {
    const read = await input.read({ ...input.repoAt, path: `${dir}/${file}` });
    if (!('error' in read)) {
      source = read;
      break;
    }
  }
  const action = source ? parseCompositeAction(source.text, `${dir}/action.yml`) : { error: 'no action.yml' };
  if ('error' in action || !action.steps) {
    plan.actions.push(step.uses ?? dir);
    return;
  }
  const given = step.with ? valueOf(step.with, scope, plan.unknown) : {};
  const withValues: JsonObject = isObject(given) ? given : {};
  const inputs: JsonObject = {};
  for (const [key, def] of Object.entries(action.inputs)) {
    inputs[key] = Object.hasOwn(withValues, key) ? (withValues[key] ?? '') : def.default ? valueOf(def.default, { ...scope, inputs: {} }, plan.unknown) : '';
  }
  const actionPath = `${input.workspace}/${dir}`;
  const inner: Scope = { ...scope, inputs, github: { ...scope.github, action_path: actionPath } };
  for (const s of action.steps) {
    if (s.if !== undefined && !isTruthy(evaluate(s.if, inner, plan.unknown))) continue;
    // A composite action's steps have no job defaults: they run in the workspace unless they say otherwise.
    await addStep(input, plan, s, inner, [], `${name} / `, depth + 1);
  }
}

function stepName(step: WorkflowStep, scope: Scope): string {
  const unknown: Unknowns = new Set();
  const name = step.name ? textOf(step.name, scope, unknown) : undefined;
  const run = step.run ? interpolate(rawText(step.run), scope, unknown) : undefined;
  return defaultStepName({ ...optional('name', name), ...optional('run', run), ...optional('uses', step.uses) });
}

/** Whether a program can be run here: a path that exists, or a name found on PATH. */
function onPath(program: string): boolean {
  const candidates = program.includes('/') ? [program] : (process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => path.join(dir, program));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
