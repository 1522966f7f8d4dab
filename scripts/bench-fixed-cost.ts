// Fixed cost (npm run bench, or tsx scripts/bench-fixed-cost.ts [baseline-ref]): where a fix run's seconds go beyond
// the test runs it needs and its model turns, on a sub-second suite; the current dist/ against a baseline built
// from a git ref, interleaved in one run so both see the same machine.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runAction } from '../test/support/action.js';
import { cloneWorkspace, createRemote } from '../test/support/git.js';
import { startGitHubServer } from '../test/support/github-server.js';
import { startOpenAIServer } from '../test/support/openai-server.js';
import { makeTempDir, repoRoot } from '../test/support/tmp.js';

const exec = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Trace {
  kind: 'spawn' | 'fetch' | 'exit' | 'cpu';
  start: number;
  ms: number;
  label: string;
}

export interface Breakdown {
  total: number;
  neededTests: number;
  flakyChecks: number;
  model: number;
  startup: number;
  git: number;
  deliver: number;
  evidence: number;
  pullRequest: number;
  /** CPU time of the action's own process (its children not included). */
  ownCpu: number;
  status: string;
}

/** A sub-second node:test suite with one planted bug, run directly (no npm in the way). */
async function smallSuite(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await mkdir(path.join(dir, 'test'), { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'small', type: 'module' }));
  await writeFile(path.join(dir, 'src', 'add.js'), 'export const add = (a, b) => a - b;\nexport const twice = (a) => a * 2;\n');
  await writeFile(
    path.join(dir, 'test', 'add.test.js'),
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add, twice } from '../src/add.js';\n\ntest('adds', () => assert.equal(add(1, 2), 3));\ntest('doubles', () => assert.equal(twice(2), 4));\n",
  );
}

/** Builds the bundle of a git ref into .tmp/bench-base-<ref>/dist and returns its entry. */
export async function buildBaseline(ref: string): Promise<string> {
  const dir = path.join(repoRoot, '.tmp', `bench-base-${ref.replace(/[^\w.-]/g, '_')}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await exec('bash', ['-c', `git archive ${ref} | tar -x -C ${dir}`], { cwd: repoRoot });
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  await exec(process.execPath, ['scripts/build.js', 'dist'], { cwd: dir });
  return path.join(dir, 'dist', 'index.js');
}

const seconds = (stdout: string, group: string): number => {
  const m = new RegExp(`^${group}: ([\\d.]+) s$`, 'm').exec(stdout);
  return m ? Number(m[1]) * 1000 : 0;
};

/** One fix run of the small suite with the given bundle, and where its time went. */
export async function measure(entry: string): Promise<Breakdown> {
  const project = await makeTempDir('bench-fixed');
  await smallSuite(project);
  const { remote } = await createRemote(project);
  const workspace = await cloneWorkspace(remote, 'main');
  const gh = await startGitHubServer({ defaultPermission: 'write', remote });
  const model = await startOpenAIServer([
    { tools: [{ name: 'edit_file', args: { path: 'src/add.js', old_string: 'a - b', new_string: 'a + b' } }] },
    { tools: [{ name: 'run_tests', args: {} }] },
    { content: 'add subtracted; it adds now.' },
  ]);
  const traceFile = path.join(project, '..', `${path.basename(project)}.trace`);
  try {
    const result = await runAction({
      workspace,
      entry,
      openai: { url: model.url },
      github: { url: gh.url },
      // `sandbox: off` where the input exists: the second user's cost is measured on its own.
      inputs: { 'test-command': 'node --test', ...(await hasInput('sandbox')) ? { sandbox: 'off' } : {} },
      env: { NODE_OPTIONS: `--require ${path.join(repoRoot, 'scripts', 'bench-trace.cjs')}`, REDGREEN_TRACE: traceFile },
      timeoutMs: 300_000,
    });
    const trace = (await readFile(traceFile, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Trace);
    const report = JSON.parse(await readFile(path.join(result.outputs['evidence-dir']!, 'report.json'), 'utf8')) as {
      runs: { phase: string; durationMs: number }[];
    };
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const tests = trace.filter((t) => t.kind === 'spawn' && t.label.startsWith('bash '));
    const exit = trace.find((t) => t.kind === 'exit');
    // Node's own start and the bundle's loading come before the preload's clock starts: count them too.
    const before = exit ? result.durationMs - exit.start : 0;
    return {
      status: result.outputs.status ?? '?',
      total: result.durationMs,
      neededTests: sum(report.runs.filter((r) => r.phase !== 'flaky-check').map((r) => r.durationMs)),
      flakyChecks: sum(report.runs.filter((r) => r.phase === 'flaky-check').map((r) => r.durationMs)),
      model: sum(trace.filter((t) => t.kind === 'fetch' && t.label.startsWith(model.url)).map((t) => t.ms)),
      startup: before + (tests[0]?.start ?? 0),
      git: sum(trace.filter((t) => t.kind === 'spawn' && t.label.startsWith('git ')).map((t) => t.ms)),
      deliver: seconds(result.stdout, 'Deliver'),
      evidence: seconds(result.stdout, 'Evidence'),
      pullRequest: seconds(result.stdout, 'Pull request'),
      ownCpu: trace.find((t) => t.kind === 'cpu')?.ms ?? 0,
    };
  } finally {
    await Promise.all([gh.close(), model.close()]);
  }
}

async function hasInput(name: string): Promise<boolean> {
  return new RegExp(`^  ${name}:`, 'm').test(await readFile(path.join(repoRoot, 'action.yml'), 'utf8'));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Fixed cost = whole run − the test runs it needs − model turns. */
export const fixedCost = (b: Breakdown): number => b.total - b.neededTests - b.model;

export async function fixedCostReport(baselineRef?: string): Promise<string[]> {
  const variants: [string, string][] = [['current', path.join(repoRoot, 'dist', 'index.js')]];
  if (baselineRef) variants.unshift([`baseline ${baselineRef}`, await buildBaseline(baselineRef)]);
  const results = new Map<string, Breakdown[]>(variants.map(([name]) => [name, []]));
  // Interleaved, so a busy moment of the machine falls on both.
  for (let round = 0; round < ROUNDS; round++) for (const [name, entry] of variants) results.get(name)!.push(await measure(entry));
  const rows: [string, (b: Breakdown) => number][] = [
    ['whole run', (b) => b.total],
    ['test runs it needs (reproduce, checks of edits, verify)', (b) => b.neededTests],
    ['model turns', (b) => b.model],
    ['fixed cost = whole − needed test runs − model turns', fixedCost],
    ['  of it: flaky-check reruns', (b) => b.flakyChecks],
    ['  of it: start-up to the first test process', (b) => b.startup],
    ['  of it: deliver (commit, push)', (b) => b.deliver],
    ['  of it: evidence (files, artifact upload)', (b) => b.evidence],
    ['  of it: pull request', (b) => b.pullRequest],
    ['  of it: the rest (plan, loop between turns, summary, exit)', (b) => fixedCost(b) - b.flakyChecks - b.startup - b.deliver - b.evidence - b.pullRequest],
    ['git calls, wherever they are in the above', (b) => b.git],
    ["the action's own CPU time (children not included)", (b) => b.ownCpu],
  ];
  const names = [...results.keys()];
  const lines = [`fixed cost on a sub-second node:test suite (median of ${ROUNDS} runs each, interleaved; status ${names.map((n) => results.get(n)!.map((b) => b.status).join('/')).join(', ')})`];
  const width = Math.max(...rows.map(([k]) => k.length));
  lines.push(`${''.padEnd(width)}  ${names.map((n) => n.padStart(18)).join('')}${names.length > 1 ? '   current ÷ baseline' : ''}`);
  for (const [label, pick] of rows) {
    const values = names.map((n) => median(results.get(n)!.map(pick)));
    const ratio = values.length > 1 && values[0]! > 0 ? `   ${(values[1]! / values[0]!).toFixed(2)}×` : '';
    lines.push(`${label.padEnd(width)}  ${values.map((v) => `${(v / 1000).toFixed(2)} s`.padStart(18)).join('')}${ratio}`);
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await fixedCostReport(process.argv[2])) console.log(line);
}
