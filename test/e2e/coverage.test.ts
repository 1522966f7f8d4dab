// Coverage mode end to end: a scheduled run measures c8 coverage over node:test, keeps only passing tests that raise it, and pushes test files only.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changedFiles, freshClone, remoteBranches } from '../support/git.js';
import { scheduleEvent } from '../support/events.js';
import { toolResults } from '../support/openai-requests.js';
import { keepTempDirsOnFailure, repoRoot } from '../support/tmp.js';
import { closedAfterEach, fixtures } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);

interface Script {
  wrongTest: { path: string; content: string };
  rightTest: { path: string; content: string };
  sourceEdit: { path: string; old_string: string; new_string: string };
}
const script = JSON.parse(await readFile(path.join(fixtures, 'coverage-node', 'SCRIPT.json'), 'utf8')) as Script;
const inputs = { 'test-command': 'npm test', 'coverage-command': 'npm run coverage' };

const worlds = closedAfterEach();

describe('coverage mode (c8 over node:test)', () => {
  it('keeps a passing test that raises coverage, after a wrong first test and a refused source edit', async () => {
    const world = await worlds.make({
      project: 'coverage-node',
      script: [
        { tools: [{ name: 'write_file', args: script.wrongTest }] },
        { content: 'Added tests for the cart.' },
        { tools: [{ name: 'write_file', args: script.rightTest }] },
        { tools: [{ name: 'edit_file', args: script.sourceEdit }] },
        { content: 'Fixed the expected value; the cart is covered now.' },
      ],
    });
    const result = await world.run({ eventName: 'schedule', event: scheduleEvent(), inputs });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('completed');
    const before = Number(result.outputs['coverage-before']);
    const after = Number(result.outputs['coverage-after']);
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(before);

    // The source edit came back as a refusal naming the rule, and never reached the branch.
    const results = world.model.requests.flatMap((r) => toolResults(r).map((t) => t.content));
    expect(results.some((t) => /src\/cart\.js' is not a test file/.test(t))).toBe(true);
    const branch = result.outputs.branch!;
    expect(branch).toBe('redgreen/coverage/main');
    expect(await changedFiles(world.remote, world.sha, branch)).toEqual([script.rightTest.path]);

    // The first (wrong) test was sent back red; the kept test passes on a fresh clone.
    expect(world.model.requests[2]!.bodyText).toContain('The test command fails');
    const clone = await freshClone(world.remote, branch);
    const env = { ...process.env, PATH: `${path.join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}` };
    await expect(exec('bash', ['-c', 'npm test'], { cwd: clone, env })).resolves.toBeDefined();
    expect(await readFile(path.join(clone, script.sourceEdit.path), 'utf8')).not.toContain(script.sourceEdit.new_string);

    // The PR shows the per-file table before → after.
    const pr = world.gh.state.pulls[0]!;
    expect(pr.body).toContain('src/cart.js');
    expect(pr.body).toMatch(/coverage/i);
    expect(result.summary).toContain(`${before.toFixed(1)}% → ${after.toFixed(1)}%`);
  });

  it('pushes nothing when the new tests do not raise coverage', async () => {
    const useless = { path: 'test/noop.test.js', content: "import { test } from 'node:test';\ntest('nothing', () => {});\n" };
    const world = await worlds.make({
      project: 'coverage-node',
      script: [{ tools: [{ name: 'write_file', args: useless }] }, { content: 'Done.' }, { content: 'Still done.' }],
    });
    const result = await world.run({ eventName: 'schedule', event: scheduleEvent(), inputs: { ...inputs, 'max-iterations': '3' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('gave-up');
    expect(await remoteBranches(world.remote)).toEqual(['main']);
    const feedback = world.model.requests.map((r) => r.bodyText).join('\n');
    expect(feedback).toContain('did not rise');
  });
});
