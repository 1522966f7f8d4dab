// Reads a workflow file and finds in it the job and step that the jobs API reports as failed.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { JobStep } from './api.js';
import { matrixFromCaptures, templateMatcher } from './expressions.js';

// Tolerant schemas: only the fields used, and a field of an unexpected type reads as absent.
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const text = scalar.transform(String).optional().catch(undefined);
const envMap = z
  .union([z.record(z.string(), scalar.nullable()), z.string()])
  .optional()
  .catch(undefined);
const runDefaults = z
  .object({ run: z.object({ shell: text, 'working-directory': text }).nullish().catch(undefined) })
  .nullish()
  .catch(undefined);

const StepSchema = z.object({
  name: text,
  id: text,
  uses: text,
  run: text,
  shell: text,
  'working-directory': text,
  env: envMap,
});
export type WorkflowStep = z.infer<typeof StepSchema>;

const JobSchema = z.object({
  name: text,
  uses: text,
  steps: z.array(StepSchema).optional().catch(undefined),
  env: envMap,
  defaults: runDefaults,
  strategy: z
    .object({ matrix: z.union([z.record(z.string(), z.unknown()), z.string()]).optional().catch(undefined) })
    .nullish()
    .catch(undefined),
  container: z.unknown().optional(),
  services: z.unknown().optional(),
});
export type WorkflowJob = z.infer<typeof JobSchema>;

const WorkflowSchema = z.object({
  env: envMap,
  defaults: runDefaults,
  jobs: z.record(z.string(), JobSchema),
});
export type Workflow = z.infer<typeof WorkflowSchema>;

export function parseWorkflow(source: string): Workflow | { error: string } {
  let doc: unknown;
  try {
    doc = parseYaml(source);
  } catch (err) {
    return { error: `it is not valid YAML (${err instanceof Error ? err.message.split('\n', 1)[0] : String(err)})` };
  }
  const parsed = WorkflowSchema.safeParse(doc);
  if (!parsed.success) return { error: 'it has no `jobs:` map' };
  return parsed.data;
}

export interface FoundJob {
  key: string;
  job: WorkflowJob;
  /** Matrix values read from the job's name, where they could be. */
  matrix: Record<string, string>;
}

/**
 * The job the API calls `apiName`: by `name:` or key, then with the matrix suffix `test (20, ubuntu)` stripped,
 * then by a `name:` template with expressions. Exact matches win over looser ones.
 */
export function findJob(workflow: Workflow, apiName: string): FoundJob | undefined {
  const entries = Object.entries(workflow.jobs);
  const display = (key: string, job: WorkflowJob) => job.name ?? key;

  for (const [key, job] of entries) {
    if (apiName === display(key, job) || apiName === key) return { key, job, matrix: {} };
  }
  const suffix = /^(.*) \((.*)\)$/s.exec(apiName);
  if (suffix) {
    const [, base = '', values = ''] = suffix;
    for (const [key, job] of entries) {
      if (base === display(key, job) || base === key) return { key, job, matrix: matrixFromSuffix(job, values.split(', ')) };
    }
  }
  for (const [key, job] of entries) {
    if (!job.name?.includes('${{')) continue;
    const match = templateMatcher(job.name)(apiName);
    if (match) return { key, job, matrix: matrixFromCaptures(match.captures) };
  }
  return undefined;
}

/** GitHub lists matrix values after the job name in the order of the matrix keys; `include` adds its own keys after. */
function matrixFromSuffix(job: WorkflowJob, values: string[]): Record<string, string> {
  const matrix = job.strategy?.matrix;
  if (!matrix || typeof matrix === 'string') return {};
  const baseKeys = Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude');
  const pairUp = (keys: string[]) => Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '']));
  if (baseKeys.length === values.length) return pairUp(baseKeys);
  const includes = Array.isArray(matrix.include) ? matrix.include : [];
  for (const entry of includes) {
    if (!entry || typeof entry !== 'object') continue;
    const record = entry as Record<string, unknown>;
    const keys = [...baseKeys, ...Object.keys(record).filter((k) => !baseKeys.includes(k))];
    if (keys.length !== values.length) continue;
    const candidate = pairUp(keys);
    const agrees = Object.entries(record).every(([k, v]) => isScalar(v) && candidate[k] === String(v));
    if (agrees) return candidate;
  }
  return {};
}

/** The name GitHub shows for a step: its `name:`, or `Run ` and the first line of its script or the action it uses. */
export function stepDisplayName(step: WorkflowStep): string {
  if (step.name !== undefined) return step.name;
  if (step.run !== undefined) return `Run ${firstLine(step.run)}`;
  if (step.uses !== undefined) return `Run ${step.uses.replace(/^docker:\/\//, '')}`;
  return 'Run';
}

/** The first line of a script as the runner prints it in `##[group]Run …`: leading blank space and lines skipped. */
export function firstLine(script: string): string {
  const trimmed = script.replace(/^[ \t\r\n]+/, '');
  const end = trimmed.search(/[\r\n]/);
  return end >= 0 ? trimmed.slice(0, end) : trimmed;
}

/** True when the API's step name is this step's display name, allowing for evaluated expressions and truncation. */
export function nameMatches(apiName: string, expected: string): boolean {
  if (apiName === expected) return true;
  if (expected.includes('${{') && templateMatcher(expected)(apiName)) return true;
  // GitHub cuts long display names and may mark the cut with an ellipsis.
  const cut = apiName.replace(/(\.\.\.|…)$/, '');
  return cut.length >= 40 && cut.length < expected.length && expected.startsWith(cut);
}

const jobFrame = new Set(['Set up job', 'Complete job', 'Initialize containers', 'Stop containers']);

/**
 * Pairs the API's steps with the workflow's: the API adds "Set up job", container steps, "Pre …" and "Post …"
 * around the job's own steps. Returns, for each workflow step, its API step, or undefined if the two lists do not line up.
 */
export function alignSteps(apiSteps: JobStep[], stepCount: number): JobStep[] | undefined {
  const inner = [...apiSteps].sort((a, b) => a.number - b.number).filter((s) => !jobFrame.has(s.name));
  const extra = inner.length - stepCount;
  if (extra < 0) return undefined;
  let pre = 0;
  while (pre < extra && inner[pre]?.name.startsWith('Pre ')) pre++;
  const post = extra - pre;
  const main = inner.slice(pre, inner.length - post);
  const tail = inner.slice(inner.length - post);
  if (!tail.every((s) => s.name.startsWith('Post '))) return undefined;
  return main.length === stepCount ? main : undefined;
}

export interface MappedStep {
  index: number;
  how: 'name' | 'default name' | 'position';
}

/** Which workflow step the failed API step is: by name, by the default `Run …` name, or by position. */
export function mapStep(steps: WorkflowStep[], apiSteps: JobStep[], failed: JobStep): MappedStep | undefined {
  const aligned = alignSteps(apiSteps, steps.length);
  const position = aligned ? aligned.findIndex((s) => s.number === failed.number) : -1;
  const how = (i: number): MappedStep['how'] => (steps[i]?.name !== undefined ? 'name' : 'default name');
  const byName = steps.flatMap((s, i) => (nameMatches(failed.name, stepDisplayName(s)) ? [i] : []));

  if (position >= 0 && byName.includes(position)) return { index: position, how: how(position) };
  if (byName.length === 1 && byName[0] !== undefined) return { index: byName[0], how: how(byName[0]) };
  if (byName.length > 1) {
    // Several steps share the name: the failed one is the n-th API step of that name, so take the n-th workflow step.
    const sameName = [...apiSteps].sort((a, b) => a.number - b.number).filter((s) => s.name === failed.name);
    const nth = sameName.findIndex((s) => s.number === failed.number);
    const index = byName[nth];
    if (index !== undefined) return { index, how: how(index) };
  }
  if (position >= 0) return { index: position, how: 'position' };
  return undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
