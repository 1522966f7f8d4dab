// Benchmark (npm run bench): measures in one run, on projects it generates, what a user pays for redgreen:
// start-up to the first test process, whole-run time against one full-suite run, digest size against log size,
// and the fixed cost of a run on a sub-second suite (scripts/bench-fixed-cost.ts).
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runAction } from '../test/support/action.js';
import { cloneWorkspace, createRemote } from '../test/support/git.js';
import { startGitHubServer } from '../test/support/github-server.js';
import { startOpenAIServer, type ModelStep } from '../test/support/openai-server.js';
import { cleanupTempDirs, makeTempDir, repoRoot } from '../test/support/tmp.js';
import { fixedCostReport } from './bench-fixed-cost.js';

const exec = promisify(execFile);
const PATH = `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH}`;

/** 14 test files of 0.4 s each; one test fails because `scale` both adds and multiplies wrongly (two edits to fix). */
async function slowSuite(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'src'), { recursive: true });
  await mkdir(path.join(dir, 'test'), { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'slow', type: 'module', scripts: { test: 'node --test' } }, null, 2));
  await writeFile(path.join(dir, 'src', 'scale.js'), 'export function scale(x, factor, offset) {\n  const scaled = x + factor;\n  return scaled - offset;\n}\n');
  for (let i = 1; i <= 14; i++) {
    const body =
      i === 7
        ? "test('scale multiplies then adds the offset', async () => {\n  await sleep(400);\n  assert.equal(scale(3, 4, 2), 14);\n});"
        : `test('unit ${i} holds', async () => {\n  await sleep(400);\n  assert.equal(${i} + 1, ${i + 1});\n});`;
    await writeFile(
      path.join(dir, 'test', `unit${String(i).padStart(2, '0')}.test.js`),
      `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { setTimeout as sleep } from 'node:timers/promises';\nimport { scale } from '../src/scale.js';\n\n${body}\n`,
    );
  }
}

/** One failing test that prints 30 MB before its assertion fails. */
async function noisySuite(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'test'), { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'noisy', type: 'module', scripts: { test: 'node --test --test-isolation=none' } }, null, 2));
  await writeFile(
    path.join(dir, 'test', 'noisy.test.js'),
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('parses the export', () => {\n  const line = 'row '.padEnd(1023, 'x') + '\\n';\n  for (let i = 0; i < 30 * 1024; i++) process.stdout.write(line);\n  assert.equal(1 + 1, 3, 'the export has 3 rows');\n});\n",
  );
}

async function fullSuiteSeconds(dir: string): Promise<number> {
  const started = performance.now();
  await exec('bash', ['-c', 'npm test'], { cwd: dir, env: { ...process.env, PATH } }).catch(() => undefined);
  return (performance.now() - started) / 1000;
}

const twoEdits: ModelStep[] = [
  { tools: [{ name: 'read_file', args: { path: 'src/scale.js' } }] },
  { tools: [{ name: 'edit_file', args: { path: 'src/scale.js', old_string: 'x + factor', new_string: 'x * factor' } }] },
  { tools: [{ name: 'run_tests', args: {} }] },
  { tools: [{ name: 'edit_file', args: { path: 'src/scale.js', old_string: 'scaled - offset', new_string: 'scaled + offset' } }] },
  { tools: [{ name: 'run_tests', args: {} }] },
  { content: 'scale multiplied by adding and subtracted the offset; both fixed.' },
];

async function runScenario(project: string, script: ModelStep[], testCommand: string) {
  const { remote } = await createRemote(project);
  const workspace = await cloneWorkspace(remote, 'main');
  const gh = await startGitHubServer({ defaultPermission: 'write', remote });
  const model = await startOpenAIServer(script);
  try {
    const started = Date.now();
    const result = await runAction({ workspace, openai: { url: model.url }, github: { url: gh.url }, inputs: { 'test-command': testCommand }, timeoutMs: 300_000 });
    return { result, started, model, workspace };
  } finally {
    await Promise.all([gh.close(), model.close()]);
  }
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`redgreen benchmark — ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);

  // 1 + 2: the slow suite, fixed by a model that needs two edits.
  const slow = await makeTempDir('bench-slow');
  await slowSuite(slow);
  const full = await fullSuiteSeconds(slow);
  const startMark = path.join(os.tmpdir(), `redgreen-bench-${process.pid}`);
  await rm(startMark, { force: true });
  // The first thing the test command does is note the time: the gap from the action's start is start-up.
  const command = `[ -f ${startMark} ] || date +%s%3N > ${startMark}; npm test`;
  const { result, started, model } = await runScenario(slow, twoEdits, command);
  const total = result.durationMs / 1000;
  const firstTest = Number((await readFile(startMark, 'utf8')).trim()) - started;
  await rm(startMark, { force: true });
  const runs = JSON.parse((await readFile(path.join(result.outputs['evidence-dir']!, 'report.json'), 'utf8'))) as {
    runs: { phase: string; targeted: boolean; durationMs: number }[];
  };

  // 3: digest against log, on a test that prints 30 MB.
  const noisy = await makeTempDir('bench-noisy');
  await noisySuite(noisy);
  const loud = await runScenario(noisy, [{ content: 'I cannot fix this.' }], 'npm test');
  const loudReport = JSON.parse(await readFile(path.join(loud.result.outputs['evidence-dir']!, 'report.json'), 'utf8')) as {
    runs: { phase: string; logBytes: number }[];
  };
  // The evidence keeps big logs gzipped; logBytes is what the test printed.
  const reproLog = loudReport.runs.find((r) => r.phase === 'reproduce')?.logBytes ?? 0;
  const firstRequest = loud.model.requests.find((r) => r.pathname.endsWith('/chat/completions'));
  const requestBytes = firstRequest?.bytes ?? 0;

  const rows: [string, string][] = [
    ['status (slow suite)', String(result.outputs.status)],
    ['one full-suite run', `${full.toFixed(2)} s`],
    ['whole action (reproduce, flaky check, 2 edits, verify, push, PR, artifact)', `${total.toFixed(2)} s`],
    ['whole action ÷ one full-suite run', `${(total / full).toFixed(2)}×`],
    ['action start → first test process', `${(firstTest / 1000).toFixed(2)} s`],
    ['test runs (targeted / full)', `${runs.runs.filter((r) => r.targeted).length} / ${runs.runs.filter((r) => !r.targeted).length}`],
    ['model requests', String(model.requests.filter((r) => r.pathname.endsWith('/chat/completions')).length)],
    ['noisy test: log bytes', reproLog.toLocaleString('en')],
    ['noisy test: first model request bytes', requestBytes.toLocaleString('en')],
    ['first model request ÷ log', `${((requestBytes / Math.max(1, reproLog)) * 100).toFixed(3)}%`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('\nruns of the slow-suite action:');
  for (const r of runs.runs) console.log(`  ${r.phase.padEnd(12)} ${r.targeted ? 'targeted' : 'full    '} ${(r.durationMs / 1000).toFixed(2)} s`);

  // 4: the fixed cost, against a baseline bundle built from BENCH_BASELINE (a git ref) when it is set.
  console.log('');
  for (const line of await fixedCostReport(process.env.BENCH_BASELINE)) console.log(line);
  await cleanupTempDirs();
}

await main();
