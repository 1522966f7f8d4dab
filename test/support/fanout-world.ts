// The fan-out scenario, shared by its end-to-end test and its benchmark: a repository with three projects, each with its
// own planted bug, a failed CI run with one failed job per project, one scripted model for every cell, and the README's
// fan-out workflow driven job by job through the bundled action.
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runAction, TestSecrets, type ActionResult } from './action.js';
import { workflowDispatchEvent, workflowRunEvent } from './events.js';
import { cloneWorkspace, createRemote, git } from './git.js';
import type { GitHubServer } from './github-server.js';
import { createState, takeId, type JobInit } from './github-state.js';
import { chatBody, messages, toolResults, type ModelStep, type RecordedRequest } from './openai-server.js';
import { responsesBody } from './openai-responses.js';
import { makeTempDir, repoRoot } from './tmp.js';
import { parseWorkflowFile, runWorkflow, yamlBlockAfter, type JobResult, type StepCall } from './workflow-runner.js';

const nodeTest = path.join(repoRoot, 'test', 'fixtures', 'projects', 'node-test');
const fixedRange = 'for (let i = start; i <= end; i++)';

/** Each project's bug as it is planted, and the one-line edit that fixes it. */
export const Bugs = {
  alpha: { planted: 'for (let i = start; i < end; i++)', fix: fixedRange },
  beta: { planted: 'return values.reduce((total, value) => total - value, 0);', fix: 'return values.reduce((total, value) => total + value, 0);' },
  gamma: { planted: 'for (let i = start + 1; i <= end; i++)', fix: fixedRange },
} as const;
export type Project = keyof typeof Bugs;
export const Projects = Object.keys(Bugs) as Project[];

/** CI with one job per project, each running its own tests in its own folder. */
export const ciYml = `name: ci
on: [push]
jobs:
${Projects.map((p) => `  ${p}:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: ${p}\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n`).join('')}`;

/** The three projects (the node:test fixture, each with its own bug) and the CI workflow, pushed to a bare remote. */
export async function fanoutRemote(extra: Record<string, string> = {}): Promise<{ remote: string; sha: string }> {
  const dir = await makeTempDir('fanout-project');
  const source = await readFile(path.join(nodeTest, 'src', 'range.js'), 'utf8');
  const clean = source.replace(Bugs.alpha.planted, fixedRange);
  for (const p of Projects) {
    await cp(nodeTest, path.join(dir, p), { recursive: true });
    const buggy = p === 'alpha' ? source : clean.replace(Bugs[p].fix, Bugs[p].planted);
    if (!buggy.includes(Bugs[p].planted)) throw new Error(`the bug of ${p} was not planted`);
    await writeFile(path.join(dir, p, 'src', 'range.js'), buggy);
  }
  return createRemote(dir, { files: { '.github/workflows/ci.yml': ciYml, ...extra } });
}

/** A failed run of ci.yml: the named jobs failed at `npm test`, the others passed (or were skipped). */
export function addCiRun(gh: GitHubServer, id: number, sha: string, jobs: { name: string; conclusion?: 'failure' | 'success' | 'skipped' }[], more: Record<string, unknown> = {}): void {
  const init = {
    id,
    name: 'ci',
    headSha: sha,
    headBranch: 'main',
    event: 'push',
    ...more,
    jobs: jobs.map((j): JobInit => {
      const failed = (j.conclusion ?? 'failure') === 'failure';
      const skipped = j.conclusion === 'skipped';
      return {
        name: j.name,
        conclusion: j.conclusion ?? 'failure',
        steps: skipped
          ? []
          : [
              { name: 'Set up job' },
              { name: 'Run actions/checkout@v4' },
              { name: 'Run npm test', conclusion: failed ? 'failure' : 'success' },
              { name: 'Complete job' },
            ],
      };
    }),
  };
  const [run] = createState({ runs: [init] }).runs;
  for (const job of run!.jobs) job.id = takeId(gh.state);
  gh.state.runs.push(run!);
}

/** How each model does on each bug: `small` is the one-line fix, `big` the fix plus a comment, `fail` never edits. */
export type Behaviour = 'small' | 'big' | 'fail';
export type Playbook = Record<string, Record<string, Behaviour>>;

/**
 * One OpenAI-compatible endpoint serves every cell at once, as a real one does: each reply is decided from the
 * conversation it is sent (which model, which bug the file it read shows, how far it got), never from arrival order.
 */
export function playbookModel(playbook: Playbook, which: (fileText: string) => string, requests = 400): ModelStep[] {
  // Every turn reports the same usage: counted from the request's bytes, it would follow the test durations the
  // digests carry, and the fewest-tokens tie-break would then pick by chance between equal changes.
  const usage = { prompt_tokens: 1000, completion_tokens: 40, cached_tokens: 0 };
  const step = (req: RecordedRequest): ModelStep => {
    const { model, turns, firstOutput: file } = conversation(req);
    if (turns === 0) return { usage, tools: [{ name: 'read_file', args: { path: 'src/range.js' } }] };
    const bug = which(file);
    const behaviour = playbook[bug]?.[model] ?? 'fail';
    if (behaviour === 'fail') return { usage, tools: [{ name: 'run_tests', args: {} }] };
    if (turns === 1) {
      const { planted, fix } = plantedIn(file);
      const new_string = behaviour === 'small' ? fix : `// Walks every integer of the range.\n  // (Checked against the tests.)\n  ${fix}`;
      return { usage, tools: [{ name: 'edit_file', args: { path: 'src/range.js', old_string: planted, new_string } }] };
    }
    if (turns === 2) return { usage, tools: [{ name: 'run_tests', args: {} }] };
    return { usage, content: `Fixed the bug in src/range.js (${behaviour} change).` };
  };
  return Array.from({ length: requests }, () => step);
}

/** The model, how many turns it has taken, and the first tool output, from a Chat Completions or a Responses request. */
function conversation(req: RecordedRequest): { model: string; turns: number; firstOutput: string } {
  if (req.pathname.endsWith('/responses')) {
    const body = responsesBody(req.json);
    const turns = body.input.filter((i) => i.type === 'function_call' || (i.type === 'message' && i.role === 'assistant')).length;
    const output = body.input.find((i) => i.type === 'function_call_output')?.['output'];
    return { model: body.model, turns, firstOutput: typeof output === 'string' ? output : JSON.stringify(output ?? '') };
  }
  const turns = messages(req).filter((m) => m.role === 'assistant').length;
  return { model: chatBody(req).model, turns, firstOutput: toolResults(req)[0]?.content ?? '' };
}

function plantedIn(file: string): { planted: string; fix: string } {
  const found = Object.values(Bugs).find((b) => file.includes(b.planted));
  if (!found) throw new Error('the file shows none of the planted bugs');
  return found;
}

/** Which project's bug a file shows. */
export function bugOf(file: string): string {
  return Projects.find((p) => file.includes(Bugs[p].planted)) ?? 'none';
}

export interface DriveOptions {
  gh: GitHubServer;
  modelUrl: string;
  remote: string;
  eventName: 'workflow_run' | 'workflow_dispatch';
  /** The failed CI run (workflow_run) or the dispatch inputs (workflow_dispatch). */
  ciRunId?: number;
  inputs?: Record<string, string>;
  /** This fan-out workflow's run id. */
  runId: number;
  vars?: Record<string, string>;
  parallel?: boolean;
  /** The workflow text; the README's fan-out block by default. */
  yaml?: string;
}

export interface Drive {
  jobs: Record<string, JobResult>;
  /** Every action step's result, by job name. */
  steps: Map<string, ActionResult>;
}

export async function readmeWorkflow(): Promise<string> {
  return yamlBlockAfter(await readFile(path.join(repoRoot, 'README.md'), 'utf8'), 'Many at once');
}

/** Runs the fan-out workflow as GitHub would: checkout steps clone the remote at their ref, redgreen steps run dist/. */
export async function driveWorkflow(o: DriveOptions): Promise<Drive> {
  const yaml = o.yaml ?? (await readmeWorkflow());
  const event = o.eventName === 'workflow_run' ? (workflowRunEvent(o.gh, o.ciRunId!) as Record<string, unknown>) : (workflowDispatchEvent(o.gh, o.inputs ?? {}) as Record<string, unknown>);
  const mainSha = (await git(o.remote, ['rev-parse', 'main'])).trim();
  const workspaces = new Map<string, string>();
  const steps = new Map<string, ActionResult>();
  // The fan-out run itself, so pick can link each cell's job.
  o.gh.state.runs.push({ ...createState({ runs: [{ id: o.runId, name: 'redgreen fan-out', event: o.eventName, headSha: mainSha, status: 'in_progress', conclusion: null }] }).runs[0]! });
  const thisRun = o.gh.state.runs.at(-1)!;
  let jobIndex = 0;
  const jobIndexOf = new Map<string, number>();

  const runStep = async (call: StepCall): Promise<{ ok: boolean; outputs: Record<string, string> }> => {
    if (call.uses.startsWith('actions/checkout@')) {
      workspaces.set(call.jobName, await cloneWorkspace(o.remote, call.with['ref'] || 'main'));
      return { ok: true, outputs: {} };
    }
    if (call.uses.startsWith('actions/setup-node@')) return { ok: true, outputs: {} };
    if (!call.uses.startsWith('redgreen/redgreen@')) throw new Error(`no stand-in for ${call.uses}`);
    if (!jobIndexOf.has(call.jobName)) jobIndexOf.set(call.jobName, ++jobIndex);
    const workspace = workspaces.get(call.jobName) ?? (await makeTempDir('no-checkout'));
    const inputs = Object.fromEntries(Object.entries(call.with).filter(([, v]) => v !== ''));
    const result = await runAction({
      workspace,
      eventName: o.eventName,
      event,
      github: { url: o.gh.url },
      inputs,
      runId: o.runId,
      job: call.job,
      jobIndex: jobIndexOf.get(call.jobName)!,
      timeoutMs: 240_000,
      ...(process.env.REDGREEN_ENTRY ? { entry: process.env.REDGREEN_ENTRY } : {}),
      ...(workspaces.has(call.jobName) ? {} : { sha: mainSha, ref: 'refs/heads/main' }),
    });
    steps.set(call.jobName, result);
    return { ok: result.exitCode === 0, outputs: result.outputs };
  };

  const jobs = await runWorkflow({
    workflow: parseWorkflowFile(yaml),
    eventName: o.eventName,
    event,
    github: { sha: mainSha, run_id: String(o.runId), repository: 'owner/repo' },
    vars: { OPENAI_BASE_URL: o.modelUrl, ...o.vars },
    secrets: { OPENAI_API_KEY: TestSecrets.openaiKey },
    runStep,
    parallel: o.parallel ?? true,
    onJob: (_key, names) => {
      for (const name of names) thisRun.jobs.push({ id: takeId(o.gh.state), name, status: 'in_progress', conclusion: null, steps: [], runAttempt: 1 });
    },
  });
  return { jobs, steps };
}
