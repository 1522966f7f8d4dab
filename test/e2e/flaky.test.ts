// Flaky failures: a test that fails once and passes when rerun is reported as flaky, with no edit and no branch.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { remoteBranches } from '../support/git.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixingScript, fixtures, readFix } from './world.js';

keepTempDirsOnFailure();

/** Fails on its first run in a checkout, passes on every later one: the state lives in an untracked file. */
const flakyTest = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';

test('talks to a slow service', () => {
  const seen = existsSync('.flaky-state');
  writeFileSync('.flaky-state', 'ran');
  assert.ok(seen, 'the service did not answer in time');
});
`;

const worlds = closedAfterEach();

describe('flaky failures', () => {
  it('reports flaky, names the flipping test, edits and pushes nothing', async () => {
    const fix = await readFix('node-test');
    const source = (await readFile(path.join(fixtures, 'node-test', fix.path), 'utf8')).replace(fix.old_string, fix.new_string);
    const world = await worlds.make({
      project: 'node-test',
      remote: { files: { [fix.path]: source, 'test/service.test.js': flakyTest } },
      script: [],
    });
    const result = await world.run({ inputs: { 'test-command': 'npm test' } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.status).toBe('flaky');
    expect(result.summary).toContain('talks to a slow service');
    expect(world.model.requests).toHaveLength(0);
    expect(result.outputs.branch).toBe('');
    expect(await remoteBranches(world.remote)).toEqual(['main']);
  });

  it('fixes the tests that fail every time and names the one that flips', async () => {
    const fix = await readFix('node-test');
    const world = await worlds.make({ project: 'node-test', remote: { files: { 'test/service.test.js': flakyTest } }, script: fixingScript(fix) });
    const result = await world.run({ inputs: { 'test-command': 'npm test' } });
    expect(result.outputs.status).toBe('fixed');
    expect(result.summary).toContain('talks to a slow service');
    expect(world.model.requests[0]!.bodyText).toContain('includes both ends');
  });
});
