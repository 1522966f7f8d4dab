// Finds the workflow job the jobs API names, through matrices and reusable workflows (`caller / called`), as the runner names them.
import { ExpressionSyntaxError, type Json, type JsonObject, type Scope, type Unknowns } from './expressions.js';
import { escapeRegExp, expandMatrix, isObject, suffixPattern } from './matrix.js';
import { mentions, parseWorkflow, rawText, textOf, valueOf, type Workflow, type WorkflowJob } from './workflow-file.js';
import { splitTemplate } from './expressions.js';

/** Where a workflow file lives: its repository (undefined for the failed run's own) and the commit or ref to read it at. */
export interface FileAt {
  repo?: string;
  path: string;
  ref: string;
}

export type ReadFile = (at: FileAt) => Promise<{ text: string; from: string } | { error: string }>;

export interface FoundJob {
  /** The workflow file that holds the job, and where it was read from. */
  file: FileAt;
  from: string;
  workflow: Workflow;
  job: WorkflowJob;
  matrix: JsonObject;
  inputs: JsonObject;
  /** The reusable-workflow calls that led to it, outermost first ("test → ./.github/workflows/unit.yml"). */
  calls: string[];
  /** Values the callers passed that only the runner knows. */
  unknown: Unknowns;
  /** True when the matrix could not be expanded here, so matrix values are unknown. */
  matrixUnknown: boolean;
}

export interface JobSearch {
  github: JsonObject;
  runner: JsonObject;
  read: ReadFile;
}

const maxDepth = 4;

/** The job named `apiName` in `workflow`; an error when a called workflow cannot be read, undefined when nothing matches. */
export async function findJob(
  search: JobSearch,
  top: { workflow: Workflow; file: FileAt; from: string },
  apiName: string,
): Promise<FoundJob | { error: string } | undefined> {
  return searchIn(search, top.workflow, top.file, top.from, apiName, {}, [], new Set(), 0);
}

async function searchIn(
  search: JobSearch,
  workflow: Workflow,
  file: FileAt,
  from: string,
  apiName: string,
  inputs: JsonObject,
  calls: string[],
  unknown: Unknowns,
  depth: number,
): Promise<FoundJob | { error: string } | undefined> {
  let loose: FoundJob | undefined;
  for (const job of workflow.jobs) {
    const scopeFor = (matrix: JsonObject): Scope => ({ github: search.github, runner: search.runner, env: {}, inputs, matrix });
    const combos = matrixOf(job, scopeFor({}));
    for (const matrix of combos ?? [{}]) {
      const scope = scopeFor(matrix);
      const pattern = combos ? namePattern(job, matrix, scope) : loosePattern(job);
      if (pattern === undefined) continue;
      if (job.uses) {
        const m = new RegExp(`^${pattern} / (.+)$`, 's').exec(apiName);
        if (!m?.[1] || depth >= maxDepth) continue;
        const called = await readCalled(search, job.uses, file);
        if ('error' in called) return called;
        const given = new Set<string>();
        const calledInputs = inputsFor(job, called.workflow, scope, given);
        given.forEach((u) => unknown.add(u));
        const found = await searchIn(search, called.workflow, called.file, called.from, m[1], calledInputs, [...calls, `${job.key} → ${job.uses}`], unknown, depth + 1);
        if (found) return found;
        continue;
      }
      if (!new RegExp(`^${pattern}$`, 's').test(apiName)) continue;
      const found: FoundJob = { file, from, workflow, job, matrix, inputs, calls, unknown, matrixUnknown: combos === undefined };
      if (combos) return found;
      loose ??= found;
    }
  }
  return loose;
}

/** The matrix combinations of a job, [{}] without a matrix, undefined when the matrix is an expression not known here. */
function matrixOf(job: WorkflowJob, scope: Scope): JsonObject[] | undefined {
  if (!job.matrix) return [{}];
  try {
    const value = valueOf(job.matrix, scope, new Set());
    return expandMatrix(value);
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return undefined;
    throw err;
  }
}

/** The regular expression of the name the runner shows: `name:` evaluated, with the matrix values after it unless the name uses them. */
function namePattern(job: WorkflowJob, matrix: JsonObject, scope: Scope): string | undefined {
  let name: string;
  try {
    name = job.name ? textOf(job.name, scope, new Set()) : job.key;
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return undefined;
    throw err;
  }
  const suffix = Object.keys(matrix).length > 0 && !mentions(job.name, 'matrix') ? suffixPattern(matrix) : '';
  return escapeRegExp(name) + suffix;
}

/** For a matrix that could not be expanded: the name as written, any text for each expression, any matrix suffix. */
function loosePattern(job: WorkflowJob): string {
  if (!job.name) return `${escapeRegExp(job.key)}(?: \\(.*\\))?`;
  const parts = splitTemplate(rawText(job.name)).map((p) => (p.expr === undefined ? escapeRegExp(p.text) : '.*?'));
  return `${parts.join('')}(?: \\(.*\\))?`;
}

async function readCalled(
  search: JobSearch,
  uses: string,
  caller: FileAt,
): Promise<{ workflow: Workflow; file: FileAt; from: string } | { error: string }> {
  const at = calledFile(uses, caller);
  const hint = (why: string) =>
    `Could not read the called workflow ${uses}: ${why}; set the test-command input` +
    (at?.repo ? `, or give the github-token input a token that can read ${at.repo}` : '');
  if (!at) return { error: hint('it is neither ./.github/workflows/… nor owner/repo/.github/workflows/…@ref') };
  const read = await search.read(at);
  if ('error' in read) return { error: hint(read.error) };
  const workflow = parseWorkflow(read.text, at.path);
  if ('error' in workflow) return { error: hint(workflow.error) };
  return { workflow, file: at, from: read.from };
}

/** `./.github/workflows/x.yml` is read from the caller's repository and commit; `owner/repo/path@ref` from that repository. */
export function calledFile(uses: string, caller: FileAt): FileAt | undefined {
  if (uses.startsWith('./')) return { ...optionalRepo(caller.repo), path: uses.slice(2), ref: caller.ref };
  const m = /^([^/]+\/[^/]+)\/(.+)@(.+)$/.exec(uses);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { repo: m[1], path: m[2], ref: m[3] };
}

function optionalRepo(repo: string | undefined): { repo?: string } {
  return repo === undefined ? {} : { repo };
}

/** The called workflow's `inputs`: what the caller passes with `with:`, else the defaults, typed as declared. */
function inputsFor(job: WorkflowJob, called: Workflow, scope: Scope, unknown: Unknowns): JsonObject {
  const given = job.with ? valueOf(job.with, scope, unknown) : {};
  const values: JsonObject = isObject(given) ? given : {};
  const out: JsonObject = {};
  for (const [name, def] of Object.entries(called.callInputs)) {
    let value: Json = Object.hasOwn(values, name) ? (values[name] ?? null) : def.default ? valueOf(def.default, { ...scope, matrix: {}, inputs: {} }, unknown) : null;
    if (def.type === 'boolean') value = value === true || value === 'true';
    else if (def.type === 'number') value = value === null || value === '' ? 0 : Number(value);
    else value ??= '';
    out[name] = value;
  }
  for (const [name, value] of Object.entries(values)) if (!Object.hasOwn(out, name)) out[name] = value;
  return out;
}
