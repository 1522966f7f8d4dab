// Fix mode with models that go wrong: a wrong first edit, a premature "done", no progress at all; and a failure that does not reproduce.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshClone, readFileAt, remoteBranches } from '../support/git.js';
import { messages } from '../support/openai-requests.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixtures, readFix } from './world.js';

keepTempDirsOnFailure();

const worlds = closedAfterEach();

const inputs = { 'test-command': 'npm test' };

describe('fix mode scenarios (node:test project)', () => {
  it('recovers from a wrong first edit: the red verification goes back to the model', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({
      project: 'node-test',
      script: [
        { tools: [{ name: 'edit_file', args: { path: fix.path, old_string: fix.old_string, new_string: 'i < end - 1;' } }] },
        { content: 'Done.' },
        { tools: [{ name: 'edit_file', args: { path: fix.path, old_string: 'i < end - 1;', new_string: fix.new_string } }] },
        { content: 'Now it is right.' },
      ],
    });
    const result = await world.run({ inputs });
    expect(result.outputs.status).toBe('fixed');
    expect(Number(result.outputs.attempts)).toBe(2);
    const third = JSON.stringify(messages(world.model.requests[2]!));
    expect(third).toContain('Not green yet');
    expect(third).toContain('includes both ends');
    const pushed = await readFileAt(world.remote, result.outputs.branch!, fix.path);
    expect(pushed).toContain(fix.new_string);
  });

  it('does not take "done" for an answer while the tests are red', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({
      project: 'node-test',
      script: [{ content: 'All tests pass now, I am done.' }, { tools: [{ name: 'edit_file', args: { ...fix } }] }, { content: 'Fixed.' }],
    });
    const result = await world.run({ inputs });
    expect(result.outputs.status).toBe('fixed');
    expect(JSON.stringify(messages(world.model.requests[1]!))).toContain('Not green yet');
    const clone = await freshClone(world.remote, result.outputs.branch!);
    expect(await readFile(path.join(clone, fix.path), 'utf8')).toContain(fix.new_string);
  });

  it('gives up when the turn budget runs out, and pushes nothing', async () => {
    const world = await worlds.make({
      project: 'node-test',
      script: Array.from({ length: 10 }, (_, i) => ({ tools: [{ name: 'search', args: { pattern: `range${'x'.repeat(i)}` } }] })),
    });
    const result = await world.run({ inputs: { ...inputs, 'max-iterations': '3' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('gave-up');
    expect(world.model.completions).toHaveLength(3);
    expect(result.outputs.branch).toBe('');
    expect(await remoteBranches(world.remote)).toEqual(['main']);
    expect(world.gh.state.pulls).toHaveLength(0);
    expect(result.summary).toMatch(/turn budget/);
  });

  it('reports not-reproduced without a model turn when the tests pass here', async () => {
    const fix = await readFix('node-test');
    const fixed = (await readFile(path.join(fixtures, 'node-test', fix.path), 'utf8')).replace(fix.old_string, fix.new_string);
    const world = await worlds.make({ project: 'node-test', remote: { files: { [fix.path]: fixed } }, script: [] });
    const result = await world.run({ inputs });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('not-reproduced');
    expect(world.model.requests).toHaveLength(0);
    expect(result.summary).toMatch(/not-reproduced|did not reproduce/i);
    expect(await remoteBranches(world.remote)).toEqual(['main']);
  });
});
