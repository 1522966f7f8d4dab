// The loop through dist/: cost counted with cached input at its own price (and the cap held on that real cost),
// an unchanged tree not verified again, and a broken tool call that is the model's to read rather than the run's end.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastToolResult, messages } from '../support/openai-requests.js';
import type { ModelStep } from '../support/openai-server.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixingScript, readFix } from './world.js';

keepTempDirsOnFailure();

const worlds = closedAfterEach();

interface ReportJson {
  usage: { turns: number; promptTokens: number; cachedTokens: number; completionTokens: number; reasoningTokens: number; costUsd: number };
}
const readReport = async (dir: string): Promise<ReportJson> => JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as ReportJson;

// gpt-5.1-codex per million tokens (OpenAI's price list): input 1.25, cached input 0.125, output 10.
const price = (u: { input: number; cached: number; output: number }) => ((u.input - u.cached) * 1.25 + u.cached * 0.125 + u.output * 10) / 1e6;

describe('cost', () => {
  it("counts a long run's cached input at its own price, as the API reported it", async () => {
    const fix = await readFix('node-test');
    const reads = Array.from({ length: 8 }, (_, i) => ({ tools: [{ name: 'read_file', args: { path: i % 2 ? 'package.json' : fix.path } }] }));
    const world = await worlds.make({ project: 'node-test', script: [...reads, ...fixingScript(fix).slice(1)] });
    const result = await world.run({ inputs: { 'test-command': 'npm test', model: 'gpt-5.1-codex' } });
    expect(result.outputs.status).toBe('fixed');
    // The server caches the prefix a request shares with the one before, as OpenAI does: most of a long run.
    const sent = world.model.responseUsage;
    const total = sent.reduce((t, u) => ({ input: t.input + u.input, cached: t.cached + u.cached, output: t.output + u.output, reasoning: t.reasoning + u.reasoning }), {
      input: 0,
      cached: 0,
      output: 0,
      reasoning: 0,
    });
    expect(total.cached).toBeGreaterThan(total.input / 2);
    const report = await readReport(result.outputs['evidence-dir']!);
    expect(report.usage).toMatchObject({
      turns: sent.length,
      promptTokens: total.input,
      cachedTokens: total.cached,
      completionTokens: total.output,
      reasoningTokens: total.reasoning,
    });
    expect(report.usage.costUsd).toBeCloseTo(price(total), 9);
    expect(report.usage.costUsd).toBeLessThan(price({ ...total, cached: 0 }));
    expect(result.outputs['cost-usd']).toBe(price(total).toFixed(4));
    expect(result.summary).toContain(`| ${total.cached.toLocaleString('en-US')} |`);
  });

  it('holds max-cost-usd on the real cost: a run that is cheap because its input is cached is not stopped', async () => {
    const fix = await readFix('node-test');
    // 400k input tokens a turn, 360k of them cached: $0.11 a turn for real, $0.51 if cached input cost as much as fresh.
    const usage = { prompt_tokens: 400_000, cached_tokens: 360_000, completion_tokens: 1000 };
    const script: ModelStep[] = [
      { tools: [{ name: 'read_file', args: { path: fix.path } }], usage },
      { tools: [{ name: 'edit_file', args: { ...fix } }], usage },
      { tools: [{ name: 'run_tests', args: {} }], usage },
      { content: 'Fixed.', usage },
    ];
    const world = await worlds.make({ project: 'node-test', script });
    const result = await world.run({ inputs: { 'test-command': 'npm test', model: 'gpt-5.1-codex', 'max-cost-usd': '0.5' } });
    expect(result.outputs.status).toBe('fixed');
    const report = await readReport(result.outputs['evidence-dir']!);
    expect(report.usage.costUsd).toBeCloseTo(price({ input: 4 * 400_000, cached: 4 * 360_000, output: 4 * 1064 }), 9);
    expect(report.usage.costUsd).toBeLessThan(0.5);
  });
});

describe('the loop', () => {
  it('verifies a model that keeps saying "done" without changing anything once, and tells it nothing changed', async () => {
    const world = await worlds.make({ project: 'node-test', script: Array.from({ length: 5 }, () => ({ content: 'All done, the tests pass.' })) });
    const result = await world.run({ inputs: { 'test-command': 'npm test', 'max-iterations': '5' } });
    expect(result.outputs.status).toBe('gave-up');
    expect(Number(result.outputs.attempts)).toBe(1);
    expect(world.model.completions).toHaveLength(5);
    const said = JSON.stringify(messages(world.model.completions[4]!));
    expect(said.match(/Nothing has changed since the last verification, so the tests are still red/g)).toHaveLength(3);
    expect(result.outputs.branch).toBe('');
  });

  it('answers a write_file on a folder with an error and goes on to the fix', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({
      project: 'node-test',
      script: [{ tools: [{ name: 'write_file', args: { path: 'src', content: 'oops' } }] }, ...fixingScript(fix)],
    });
    const result = await world.run({ inputs: { 'test-command': 'npm test' } });
    expect(result.outputs.status).toBe('fixed');
    expect(lastToolResult(world.model.completions[1]!)).toMatch(/^Error: .*('src' is a folder|EISDIR)/);
  });
});
