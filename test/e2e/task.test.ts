// Task mode from the Actions tab (workflow_dispatch with a prompt), and which mode `auto` picks for which event.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pullRequestEvent, workflowDispatchEvent } from '../support/events.js';
import { changedFiles, cloneWorkspace, commitToRemote, freshClone, log, remoteBranches } from '../support/git.js';
import { messages, messageText } from '../support/openai-requests.js';
import type { ModelStep } from '../support/openai-server.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixingScript, fixtures, makeWorld, readFix, toolchainEnv, type World } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);

const fix = await readFix('node-test');
const buggy = await readFile(path.join(fixtures, 'node-test', fix.path), 'utf8');
const green = buggy.replace(fix.old_string, fix.new_string);

const prompt = 'Add a product function next to sum in src/range.js that multiplies the values, with a test for it.';
const sumFn = 'export function sum(values) {\n  return values.reduce((total, value) => total + value, 0);\n}\n';
const productTest = [
  '// Tests of product().',
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { product } from '../src/range.js';",
  '',
  "test('product multiplies every value', () => {",
  '  assert.equal(product([2, 3, 4]), 24);',
  '});',
  '',
].join('\n');

/** A model that adds product() with the body given, writes its test, checks, and hands over. */
function taskScript(body: string): ModelStep[] {
  const product = `\nexport function product(values) {\n  ${body}\n}\n`;
  return [
    { tools: [{ name: 'read_file', args: { path: 'src/range.js' } }] },
    { tools: [{ name: 'edit_file', args: { path: 'src/range.js', old_string: sumFn, new_string: sumFn + product } }] },
    { tools: [{ name: 'write_file', args: { path: 'test/product.test.js', content: productTest } }] },
    { tools: [{ name: 'run_tests', args: {} }] },
    { content: 'Added product() and its test.' },
  ];
}

const worlds = closedAfterEach();

/** A green project whose `develop` branch is one commit ahead of main, checked out as a dispatch on develop does. */
async function dispatchWorld(script: ModelStep[]): Promise<{ w: World; developSha: string; workspace: string }> {
  const w = await makeWorld({ project: 'node-test', remote: { files: { [fix.path]: green } }, script });
  const developSha = await commitToRemote(w.remote, 'develop', { 'CHANGELOG.md': '# Changes\n' }, { from: 'main', message: 'Start develop' });
  const workspace = await cloneWorkspace(w.remote, 'develop');
  return { w, developSha, workspace };
}

function dispatch(w: World, workspace: string, inputs: Record<string, string>) {
  return w.run({
    workspace,
    eventName: 'workflow_dispatch',
    event: workflowDispatchEvent(w.gh, inputs.prompt ? { prompt: inputs.prompt } : {}, 'refs/heads/develop'),
    inputs: { 'test-command': 'npm test', ...inputs },
  });
}

describe('task mode on workflow_dispatch', () => {
  it('does the task, proves it green, and opens a PR into the dispatched branch', async () => {
    const { w, developSha, workspace } = await dispatchWorld(taskScript('return values.reduce((total, value) => total * value, 1);'));
    worlds.track(w);
    const result = await dispatch(w, workspace, { prompt });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('completed');
    const branch = result.outputs.branch!;
    // mode: auto took the dispatch with a prompt for a task.
    expect(branch).toMatch(/^redgreen\/task\/add-a-product-function-[a-z0-9-]*[0-9a-f]{6}$/);

    // The branch: one commit on the dispatched ref, holding exactly the task's files.
    const commits = await log(w.remote, branch);
    expect(commits[0]?.parents).toEqual([developSha]);
    expect(await changedFiles(w.remote, developSha, branch)).toEqual(['src/range.js', 'test/product.test.js']);

    // A fresh clone passes the test command, the new test included.
    const clone = await freshClone(w.remote, branch);
    const env = { ...process.env, ...toolchainEnv, PATH: `${path.resolve('node_modules/.bin')}:${process.env.PATH}` };
    const { stdout } = await exec('bash', ['-c', 'npm test'], { cwd: clone, env });
    expect(stdout).toContain('product multiplies every value');

    // The PR goes into the dispatched branch and says what it answers.
    const pulls = w.gh.state.pulls.filter((p) => p.head === branch);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.base).toBe('develop');
    expect(pulls[0]!.body).toContain(prompt);
    expect(result.outputs['pr-url']).toContain(`/pull/${pulls[0]!.number}`);
    // The task reaches the model as the task, not as extra instructions.
    expect(messageText(messages(w.model.requests[0]!)[1]!)).toContain(prompt);
  });

  it('gives up and pushes nothing when the tests stay red', async () => {
    const wrong = taskScript('return values.reduce((total, value) => total + value, 0);');
    const { w, workspace } = await dispatchWorld([...wrong, { content: 'I cannot get product() right; giving up.' }]);
    worlds.track(w);
    const result = await dispatch(w, workspace, { prompt, 'max-iterations': '6' });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('gave-up');
    expect(result.outputs.branch).toBe('');
    expect(await remoteBranches(w.remote)).toEqual(['develop', 'main']);
    expect(w.gh.state.pulls).toHaveLength(0);
    // The model was told the task is not done before it gave up.
    expect(JSON.stringify(messages(w.model.requests[5]!))).toContain('the task is not done');
    expect(result.summary).toMatch(/gave-up/);
  });
});

describe('mode: auto', () => {
  it('fixes on a dispatch without a prompt', async () => {
    const w = await makeWorld({ project: 'node-test', script: fixingScript(fix) });
    worlds.track(w);
    const result = await w.run({ eventName: 'workflow_dispatch', event: workflowDispatchEvent(w.gh), inputs: { 'test-command': 'npm test' } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(result.outputs.branch).toBe(`redgreen/fix/main-${w.sha.slice(0, 7)}`);
  });

  it('fixes on a pull request even with a prompt, taking the prompt as extra instructions', async () => {
    const extra = 'Keep the change to one line.';
    const w = await makeWorld({ project: 'node-test', github: { pulls: [{ head: 'feature/y', base: 'main' }] }, script: fixingScript(fix) });
    worlds.track(w);
    const headSha = await commitToRemote(w.remote, 'feature/y', { 'CHANGELOG.md': '# Changes\n' }, { from: 'main' });
    w.gh.state.pulls[0]!.headSha = headSha;
    const workspace = await cloneWorkspace(w.remote, 'feature/y', { detached: true });
    const result = await w.run({
      workspace,
      eventName: 'pull_request',
      event: pullRequestEvent(w.gh, 1),
      ref: 'refs/pull/1/merge',
      inputs: { 'test-command': 'npm test', prompt: extra },
    });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(result.outputs.branch).toBe(`redgreen/fix/feature-y-${headSha.slice(0, 7)}`);
    const system = messageText(messages(w.model.requests[0]!)[0]!);
    expect(system).toMatch(/fixing a failing test suite/);
    expect(system).toContain(extra);
  });
});
