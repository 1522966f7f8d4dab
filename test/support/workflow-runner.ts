// Drives a workflow file the way GitHub Actions does, for the jobs and expressions our READMEs use: needs, if, matrix
// from fromJSON, job and step outputs, `with:` evaluated by GitHub's own expression engine. Steps are run by the caller.
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const StepSchema = z.object({ id: z.string().optional(), uses: z.string().optional(), run: z.string().optional(), with: z.record(z.string(), z.unknown()).optional() });
const JobSchema = z.object({
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  if: z.union([z.string(), z.boolean()]).optional(),
  name: z.string().optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  strategy: z.object({ matrix: z.unknown(), 'max-parallel': z.number().optional(), 'fail-fast': z.boolean().optional() }).optional(),
  steps: z.array(StepSchema),
});
export const WorkflowSchema = z.object({ jobs: z.record(z.string(), JobSchema) }).loose();
export type WorkflowFile = z.infer<typeof WorkflowSchema>;

export interface StepCall {
  job: string;
  /** The job's display name (a matrix cell's evaluated `name:`). */
  jobName: string;
  /** The cell's index in the matrix (0 for a job without one). */
  index: number;
  uses: string;
  with: Record<string, string>;
  matrix: Record<string, unknown>;
}

/** What a step did: its outputs and whether it succeeded. */
export interface StepOutcome {
  ok: boolean;
  outputs: Record<string, string>;
}

export interface RunWorkflowOptions {
  workflow: WorkflowFile;
  eventName: string;
  event: Record<string, unknown>;
  github?: Record<string, unknown>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Runs one `uses:` step of a job (a checkout, the action); the caller keeps per-cell state (the workspace) by jobName. */
  runStep(call: StepCall): Promise<StepOutcome>;
  /** Matrix cells at once (as runners do, bounded by max-parallel) or one after another. */
  parallel?: boolean;
  /** Called once a job's cells are known, before they run (e.g. to list them as jobs of the run). */
  onJob?(job: string, names: string[]): void;
}

export interface JobResult {
  result: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  cells: { name: string; matrix: Record<string, unknown>; ok: boolean; with: Record<string, string>[]; outputs: Record<string, string>[] }[];
  /** Wall time of the job, all its cells included. */
  ms: number;
}

const always = { name: 'always', minArgs: 0, maxArgs: 0 };

/** Evaluates one expression (without `${{ }}`) against a context. */
export function evaluate(expression: string, context: Record<string, unknown>, jobStatus = true): unknown {
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(context), [always, { ...always, name: 'success' }, { ...always, name: 'failure' }]).parse();
  const dictionary = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  const functions = new Map([
    ['always', { ...always, call: () => new data.BooleanData(true) }],
    ['success', { ...always, name: 'success', call: () => new data.BooleanData(jobStatus) }],
    ['failure', { ...always, name: 'failure', call: () => new data.BooleanData(!jobStatus) }],
  ]);
  return JSON.parse(JSON.stringify(new Evaluator(parsed, dictionary, functions).evaluate(), data.replacer)) as unknown;
}

/** A `${{ }}` template: one whole expression keeps its value (an object for fromJSON); mixed text becomes a string. */
export function interpolate(value: unknown, context: Record<string, unknown>): unknown {
  if (typeof value !== 'string') return value;
  const whole = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(value);
  if (whole && !whole[1]!.includes('}}')) return evaluate(whole[1]!, context);
  return value.replace(/\$\{\{(.*?)\}\}/gs, (_m, e: string) => asString(evaluate(e, context)));
}

function asString(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function truthy(v: unknown): boolean {
  return !(v === false || v === null || v === undefined || v === 0 || v === '');
}

/** The YAML of the first ```yaml block after a markdown heading that contains `heading`. */
export function yamlBlockAfter(markdown: string, heading: string): string {
  const at = markdown.split('\n').findIndex((l) => l.startsWith('#') && l.includes(heading));
  if (at < 0) throw new Error(`no heading with "${heading}"`);
  const rest = markdown.split('\n').slice(at + 1).join('\n');
  const block = /```yaml\n([\s\S]*?)\n```/.exec(rest);
  if (!block?.[1]) throw new Error(`no yaml block after "${heading}"`);
  return block[1];
}

export function parseWorkflowFile(yaml: string): WorkflowFile {
  return WorkflowSchema.parse(parseYaml(yaml));
}

export async function runWorkflow(o: RunWorkflowOptions): Promise<Record<string, JobResult>> {
  const results: Record<string, JobResult> = {};
  const inputs = o.eventName === 'workflow_dispatch' ? ((o.event['inputs'] as Record<string, unknown> | undefined) ?? {}) : {};
  const base = { github: { event_name: o.eventName, event: o.event, ...o.github }, inputs, vars: o.vars ?? {}, secrets: o.secrets ?? {} };

  for (const [key, job] of Object.entries(o.workflow.jobs)) {
    const needs = typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []);
    const missing = needs.filter((n) => !results[n]);
    if (missing.length) throw new Error(`job ${key} needs ${missing.join(', ')}, which come later in the file`);
    const needsCtx = Object.fromEntries(needs.map((n) => [n, { result: results[n]!.result, outputs: results[n]!.outputs }]));
    const ctx = { ...base, needs: needsCtx };
    const needsOk = needs.every((n) => results[n]!.result === 'success');
    const condition = job.if === undefined ? 'success()' : String(job.if).replace(/^\$\{\{(.*)\}\}$/s, '$1');
    const started = Date.now();
    if (!truthy(evaluate(condition, ctx, needsOk))) {
      results[key] = { result: 'skipped', outputs: {}, cells: [], ms: 0 };
      continue;
    }
    const matrix = job.strategy?.matrix === undefined ? undefined : interpolate(job.strategy.matrix, ctx);
    const include = matrix === undefined ? [{}] : z.object({ include: z.array(z.record(z.string(), z.unknown())) }).parse(matrix).include;
    const cells = include.map((m, index) => ({ m, index, name: job.name ? asString(interpolate(job.name, { ...ctx, matrix: m })) : include.length > 1 ? `${key} (${index})` : key }));
    o.onJob?.(key, cells.map((c) => c.name));

    const runCell = async (c: (typeof cells)[number]): Promise<JobResult['cells'][number]> => {
      const steps: Record<string, { outputs: Record<string, string> }> = {};
      const cell = { name: c.name, matrix: c.m, ok: true, with: [] as Record<string, string>[], outputs: [] as Record<string, string>[] };
      for (const step of job.steps) {
        if (!step.uses) throw new Error(`job ${key}: only uses: steps are driven here`);
        const stepCtx = { ...ctx, matrix: c.m, steps };
        const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, asString(interpolate(v, stepCtx))]));
        const outcome = await o.runStep({ job: key, jobName: c.name, index: c.index, uses: step.uses, with: withs, matrix: c.m });
        cell.with.push(withs);
        cell.outputs.push(outcome.outputs);
        if (step.id) steps[step.id] = { outputs: outcome.outputs };
        if (!outcome.ok) {
          cell.ok = false;
          break;
        }
      }
      const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, asString(interpolate(v, { ...ctx, matrix: c.m, steps }))]));
      cell.outputs.push(outputs);
      return cell;
    };

    const limit = o.parallel === false ? 1 : (job.strategy?.['max-parallel'] ?? cells.length);
    const done: JobResult['cells'] = new Array(cells.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(limit, cells.length)) }, async () => {
        while (next < cells.length) {
          const c = cells[next++]!;
          done[c.index] = await runCell(c);
        }
      }),
    );
    const ok = done.every((c) => c.ok);
    // A matrix job's outputs are those of its last cell, as on GitHub; plain jobs have one cell.
    results[key] = { result: ok ? 'success' : 'failure', outputs: done.at(-1)?.outputs.at(-1) ?? {}, cells: done, ms: Date.now() - started };
  }
  return results;
}
