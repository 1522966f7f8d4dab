// Robustness end to end: a model API that fails, a test that never ends, a test that floods its output, and a cost cap that holds.
import { chmod, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { remoteBranches } from '../support/git.js';
import type { ModelStep } from '../support/openai-server.js';
import { keepTempDirsOnFailure, makeTempDir } from '../support/tmp.js';
import { closedAfterEach, fixingScript, fixtures, readFix } from './world.js';

keepTempDirsOnFailure();

const worlds = closedAfterEach();

const inputs = { 'test-command': 'npm test' };

describe('a model API that fails', () => {
  it('retries rate limits (with and without Retry-After) and a server error, then fixes', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({
      project: 'node-test',
      script: [{ status: 429, headers: { 'retry-after': '0' } }, { status: 429 }, { status: 500 }, ...fixingScript(fix)],
    });
    const result = await world.run({ inputs });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(world.model.completions.map((r) => r.status)).toEqual([429, 429, 500, 200, 200, 200, 200]);
    // The three failed attempts carried the same request: a retry, not a new turn.
    const [first, , third, success] = world.model.completions;
    expect(third!.bodyText).toBe(first!.bodyText);
    expect(success!.bodyText).toBe(first!.bodyText);
    expect(result.stdout).toMatch(/model API: HTTP 429; retry 1/);
    expect(result.stdout).toMatch(/model API: HTTP 500; retry 3/);
  });

  it('recovers from a dropped connection', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({ project: 'node-test', script: [{ drop: true }, ...fixingScript(fix)] });
    const result = await world.run({ inputs });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(world.model.completions[0]!.status).toBe(0);
    expect(result.stdout).toMatch(/model API: connection failed; retry 1/);
  });

  it('shrinks the request after a context-length error and goes on to the fix', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({ project: 'node-test', script: [{ status: 400, contextLength: true }, ...fixingScript(fix)] });
    const result = await world.run({ inputs });

    expect(result.outputs.status).toBe('fixed');
    expect(world.model.completions[0]!.status).toBe(400);
    expect(result.stdout).toMatch(/context too long; shrinking the request to 128 KiB/);
    // The retried request fits the smaller budget.
    expect(world.model.completions[1]!.bytes).toBeLessThanOrEqual(128 * 1024);
  });

  it('stops at once with an error when the key is rejected', async () => {
    const world = await worlds.make({ project: 'node-test', script: Array.from({ length: 10 }, (): ModelStep => ({ status: 401 })) });
    const result = await world.run({ inputs });

    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.status).toBe('error');
    // Auth failures are not retried: one request, a few at most, never the seven of a rate limit.
    expect(world.model.completions.length).toBeGreaterThanOrEqual(1);
    expect(world.model.requests.length).toBeLessThanOrEqual(3);
    expect(result.summary).toMatch(/rejected the key/);
    const errors = result.commands.filter((c) => c.command === 'error');
    expect(errors.some((c) => /rejected the key \(HTTP 401\).*openai-api-key/.test(c.message))).toBe(true);
    expect(await remoteBranches(world.remote)).toEqual(['main']);
  });
});

/** Pids of the helper processes the slow-hang suite started, from the files it wrote. */
async function helperPids(dir: string): Promise<number[]> {
  return (await readdir(dir)).map((name) => Number(name.replace(/^sleep-/, '')));
}

async function isRunningSleep(pid: number): Promise<boolean> {
  try {
    const [cmdline, stat] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return cmdline.startsWith('sleep\u0000987.654') && state !== 'Z';
  } catch {
    return false;
  }
}

describe('a test that never ends', () => {
  it('times the reproduction out, kills its processes, and fixes the hang', async () => {
    const fix = await readFix('slow-hang');
    const world = await worlds.make({ project: 'slow-hang', script: fixingScript(fix) });
    const pids = await makeTempDir('hang-pids');
    // The suite may run as the second user: the pid files go where any user may write.
    await chmod(pids, 0o777);
    const result = await world.run({ inputs: { ...inputs, 'test-timeout': '20' }, env: { HANG_PID_DIR: pids } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(result.summary).toContain('timed out after 20 s');
    // Bounded by construction: the reproduction is the one run that waited out the timeout; every later run ended by itself.
    const report = JSON.parse(await readFile(path.join(result.outputs['evidence-dir']!, 'report.json'), 'utf8')) as {
      runs: { phase: string; timedOut: boolean }[];
    };
    expect(report.runs.filter((r) => r.timedOut).map((r) => r.phase)).toEqual(['reproduce']);
    expect(result.leftovers).toEqual([]);
    // Every run started a helper; none of them outlived the action.
    const started = await helperPids(pids);
    expect(started.length).toBeGreaterThanOrEqual(4);
    const alive = [];
    for (const pid of started) if (await isRunningSleep(pid)) alive.push(pid);
    expect(alive).toEqual([]);
  });
});

describe('a test that floods its output', () => {
  it('keeps every model request small, names the failure first, and keeps the whole log in the artifact', async () => {
    const fix = await readFix('node-test');
    const original = await readFile(path.join(fixtures, 'node-test', 'test', 'range.test.js'), 'utf8');
    // 30 MB of debug output from the failing test, before its assertion fails.
    const flooding = original.replace(
      "test('includes both ends', () => {",
      "test('includes both ends', () => {\n    const block = `${'debug: range state '.padEnd(99, '.')}\\n`.repeat(10_000);\n    for (let i = 0; i < 30; i++) process.stdout.write(block);",
    );
    expect(flooding).not.toBe(original);
    const world = await worlds.make({ project: 'node-test', remote: { files: { 'test/range.test.js': flooding } }, script: fixingScript(fix) });
    const result = await world.run({ inputs });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(world.model.completions.length).toBeGreaterThanOrEqual(4);
    for (const req of world.model.completions) expect(req.bytes).toBeLessThanOrEqual(256 * 1024);
    const first = world.model.completions[0]!.bodyText;
    expect(first).toContain('includes both ends');
    expect(first).toContain('Expected values to be strictly deep-equal');

    const files = world.gh.artifactFiles(world.gh.state.artifacts[0]!.name);
    const reproName = Object.keys(files).find((name) => /^logs\/.*reproduce.*\.gz$/.test(name));
    expect(reproName, Object.keys(files).join(', ')).toBeDefined();
    const compressed = files[reproName!]!;
    const log = gunzipSync(compressed).toString('utf8');
    expect(log.length).toBeGreaterThanOrEqual(30 * 1_000_000);
    expect(compressed.length).toBeLessThan(log.length / 10);
    expect(log).toContain('Expected values to be strictly deep-equal');
  });
});

describe('the cost cap', () => {
  it('stops with gave-up when gpt-5-mini behind a gateway costs more than max-cost-usd, and reports tokens and cost', async () => {
    const fix = await readFix('node-test');
    // One turn of 100k prompt tokens: $0.025 at gpt-5-mini's price, over the $0.01 cap.
    const expensive: ModelStep = { tools: [{ name: 'read_file', args: { path: fix.path } }], usage: { prompt_tokens: 100_000, completion_tokens: 1_000 } };
    const world = await worlds.make({ project: 'node-test', script: [expensive, ...fixingScript(fix).slice(1)] });
    const result = await world.run({ inputs: { ...inputs, model: 'gpt-5-mini', 'max-cost-usd': '0.01' } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('gave-up');
    expect(result.summary).toMatch(/cost budget/);
    expect(world.model.completions).toHaveLength(1);
    expect(Number(result.outputs.tokens)).toBe(101_000);
    expect(Number(result.outputs['cost-usd'])).toBeGreaterThan(0);
    expect(Number(result.outputs['cost-usd'])).toBeGreaterThanOrEqual(0.01);
    expect(await remoteBranches(world.remote)).toEqual(['main']);
  });
});
