// Zero-config fix mode on the CI shapes projects really have: reusable workflows, object matrices, operator expressions,
// composite actions, login shells, GITHUB_ENV, and a collection error from a missing install.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowRunEvent } from '../support/events.js';
import { cloneWorkspace } from '../support/git.js';
import type { GitHubServer } from '../support/github-server.js';
import { createState, takeId, type JobInit } from '../support/github-state.js';
import { allText } from '../support/openai-requests.js';
import { keepTempDirsOnFailure, makeTempDir } from '../support/tmp.js';
import { closedAfterEach, fixingScript, readFix, type World } from './world.js';

keepTempDirsOnFailure();

const worlds = closedAfterEach();
const fix = await readFix('node-test');
const runId = 6160;

/** A job as the jobs API lists it: the runner's frame around the workflow's steps, failing at `failing`. */
function apiJob(name: string, steps: string[], failing: string, log?: string): JobInit {
  let failed = false;
  const listed = ['Set up job', ...steps, 'Complete job'].map((step) => {
    const conclusion: 'skipped' | 'failure' | 'success' = failed && step !== 'Complete job' ? 'skipped' : step === failing ? 'failure' : 'success';
    failed ||= step === failing;
    return { name: step, conclusion };
  });
  return { name, steps: listed, ...(log === undefined ? {} : { log }) };
}

function addFailedRun(gh: GitHubServer, sha: string, job: JobInit): void {
  const [run] = createState({ runs: [{ id: runId, name: 'CI', headSha: sha, headBranch: 'main', event: 'push', jobs: [job] }] }).runs;
  for (const j of run!.jobs) j.id = takeId(gh.state);
  gh.state.runs.push(run!);
}

/** A node:test project whose CI is `files`, failed in `job`; the action runs on workflow_run with no test-command. */
async function failedCi(files: Record<string, string>, job: JobInit, opts: { project?: string; env?: Record<string, string>; fixes?: boolean } = {}) {
  const world = await worlds.make({ project: opts.project ?? 'node-test', remote: { files }, script: opts.fixes === false ? [] : fixingScript(fix) });
  addFailedRun(world.gh, world.sha, job);
  const workspace = await cloneWorkspace(world.remote, world.sha);
  const result = await world.run({ workspace, eventName: 'workflow_run', event: workflowRunEvent(world.gh, runId), ...(opts.env ? { env: opts.env } : {}) });
  return { world, result };
}

/** The summary's "what was found" table as a map of its rows, as a reader sees them: `<code>` and escapes undone. */
function found(summary: string): Record<string, string> {
  const section = summary.split('### What was found in the failed run')[1]?.split('\n### ')[0] ?? '';
  const rows = section.split('\n').filter((l) => /^\| \w/.test(l) && !l.startsWith('| |'));
  return Object.fromEntries(rows.map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').replace(/<\/?code>/g, '`').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&quot;/g, '"'))) as Array<[string, string]>);
}

function setupLogs(world: World): string[] {
  const files = world.gh.artifactFiles(world.gh.state.artifacts[0]!.name);
  return Object.keys(files)
    .filter((n) => /^logs\/\d+-setup\.log$/.test(n))
    .sort()
    .map((n) => files[n]!.toString());
}

/** A test file the fix alone cannot make pass: it needs what the CI's setup provides. */
const needs = (name: string, assertion: string) => ({
  [`test/${name}.test.js`]: `// Needs the CI's setup.\nimport { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport fs from 'node:fs';\n\ntest('${name}', () => {\n  ${assertion}\n});\n`,
});

describe('fix on workflow_run: CI as the runner reads it', () => {
  it('follows a reusable workflow with its inputs, and shows the model the step log without colours', async () => {
    const ci = 'name: CI\non: push\njobs:\n  test:\n    uses: ./.github/workflows/unit.yml\n    with:\n      script: test\n';
    const unit = [
      'on:',
      '  workflow_call:',
      '    inputs:',
      '      script: {type: string, required: true}',
      '      packages: {type: number, default: 42}',
      'jobs:',
      '  unit:',
      '    name: Unit',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo "installing ${{ inputs.packages }} packages" > .installed',
      '      - run: npm run ${{ inputs.script }}',
      '',
    ].join('\n');
    const log = '\uFEFF2026-01-01T00:00:01.0000000Z ##[group]Run npm run test\n2026-01-01T00:00:02.0000000Z \x1b[31mnot ok 1 - range includes both ends\x1b[0m\n2026-01-01T00:00:03.0000000Z ##[error]Process completed with exit code 1.\n';
    const job = apiJob('test / Unit', ['Run actions/checkout@v4', 'Run echo "installing 42 packages" > .installed', 'Run npm run test', 'Post Run actions/checkout@v4'], 'Run npm run test', log);
    const files = { '.github/workflows/ci.yml': ci, '.github/workflows/unit.yml': unit, ...needs('installed', "assert.equal(fs.readFileSync('.installed', 'utf8'), 'installing 42 packages\\n');") };
    const { world, result } = await failedCi(files, job);

    expect(result.outputs.status, result.stdout).toBe('fixed');
    expect(found(result.summary)).toEqual({
      Command: '`npm run test`',
      From: 'step `Run npm run test` of job `test / Unit` in `.github/workflows/unit.yml (called as test → ./.github/workflows/unit.yml)`',
      'Working directory': '`.`',
      'Setup steps run': '`Run echo "installing 42 packages" > .installed`',
    });
    const first = allText(world.model.requests[0]!);
    expect(first).toContain('not ok 1 - range includes both ends');
    expect(first).not.toContain('\x1b[');
  });

  it('names the called workflow it cannot read and what to set instead', async () => {
    const ci = 'on: push\njobs:\n  test:\n    uses: acme/private-ci/.github/workflows/node.yml@v3\n';
    const { world, result } = await failedCi({ '.github/workflows/ci.yml': ci }, apiJob('test / unit', ['Run npm test'], 'Run npm test'), { fixes: false });

    expect(result.outputs.status).toBe('error');
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/acme\/private-ci\/\.github\/workflows\/node\.yml@v3.*set the test-command input, or give the github-token input a token that can read acme\/private-ci/);
    expect(world.model.requests).toHaveLength(0);
  });

  it('finds the job of an object matrix with exclude, by its evaluated name', async () => {
    const ci = [
      'on: push',
      'jobs:',
      '  test:',
      '    name: ${{ matrix.suite.name }} on node ${{ matrix.node }}',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        node: [22, 24]',
      '        suite:',
      '          - {name: lint, script: "lint"}',
      '          - {name: unit, script: "test", dir: "."}',
      '        exclude:',
      '          - node: 22',
      '            suite: {name: unit}',
      '    env:',
      '      SUITE_NODE: ${{ matrix.node }}',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo "node=$SUITE_NODE suite=${{ toJSON(matrix.suite.name) }}" > .installed',
      '      - run: npm run ${{ matrix.suite.script }}',
      '        working-directory: ${{ github.workspace }}/${{ matrix.suite.dir }}',
      '',
    ].join('\n');
    const job = apiJob('unit on node 24', ['Run actions/checkout@v4', 'Run echo "node=$SUITE_NODE suite="unit"" > .installed', 'Run npm run test', 'Post Run actions/checkout@v4'], 'Run npm run test');
    const { world, result } = await failedCi({ '.github/workflows/ci.yml': ci, ...needs('installed', "assert.equal(fs.readFileSync('.installed', 'utf8'), 'node=24 suite=unit\\n');") }, job);

    expect(result.outputs.status, result.stdout).toBe('fixed');
    expect(found(result.summary)).toMatchObject({ Command: '`npm run test`', 'Working directory': '`.`' });
    expect(found(result.summary).From).toContain('of job `unit on node 24` in `.github/workflows/ci.yml`');
    expect(setupLogs(world)).toHaveLength(1);
  });

  it('runs a Makefile install step whose env holds an operator expression', async () => {
    const ci = [
      'on: push',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      "        python-version: ['3.12', '3.15-dev']",
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: make install',
      '        env:',
      "          DEV: ${{ matrix.python-version == '3.15-dev' && '1' || '' }}",
      '      - run: npm test',
      '',
    ].join('\n');
    const makefile = 'install:\n\techo "dev=$(DEV)" > .installed\n';
    const job = apiJob('test (3.15-dev)', ['Run actions/checkout@v4', 'Run make install', 'Run npm test', 'Post Run actions/checkout@v4'], 'Run npm test');
    const { world, result } = await failedCi({ '.github/workflows/ci.yml': ci, Makefile: makefile, ...needs('installed', "assert.equal(fs.readFileSync('.installed', 'utf8'), 'dev=1\\n');") }, job);

    expect(result.outputs.status, result.stdout).toBe('fixed');
    expect(found(result.summary)).toMatchObject({ Command: '`npm test`', 'Working directory': '`.`', 'Setup steps run': '`Run make install`' });
    expect(setupLogs(world)[0]).toContain('echo "dev=1" > .installed');
  });

  it('repeats the run steps of a composite action of the repository, with its inputs', async () => {
    const action = [
      'name: Setup',
      'description: Prepares the project',
      'inputs:',
      '  marker: {description: what to write, default: composite}',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - uses: actions/cache@v4',
      '      with: {path: x, key: y}',
      '    - run: echo "${{ inputs.marker }}" > .installed',
      '      shell: bash',
      '',
    ].join('\n');
    const ci = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/setup\n        with:\n          marker: ready\n      - run: npm test\n';
    const job = apiJob('test', ['Run actions/checkout@v4', 'Run ./.github/actions/setup', 'Run npm test', 'Post Run actions/checkout@v4'], 'Run npm test');
    const files = { '.github/workflows/ci.yml': ci, '.github/actions/setup/action.yml': action, ...needs('installed', "assert.equal(fs.readFileSync('.installed', 'utf8'), 'ready\\n');") };
    const { result } = await failedCi(files, job);

    expect(result.outputs.status, result.stdout).toBe('fixed');
    expect(found(result.summary)['Setup steps run']).toBe('`Run ./.github/actions/setup / Run echo "ready" > .installed`');
    expect(result.summary).toContain('actions/checkout@v4, actions/cache@v4');
  });

  it('runs `bash -l {0}` steps as login shells, which read the profile', async () => {
    const home = await makeTempDir('home');
    await writeFile(path.join(home, '.bash_profile'), 'export RANGE_PROFILE=loaded\n');
    const ci = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: bash -l {0}\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "profile=$RANGE_PROFILE" > .installed\n      - run: npm test\n';
    const job = apiJob('test', ['Run actions/checkout@v4', 'Run echo "profile=$RANGE_PROFILE" > .installed', 'Run npm test', 'Post Run actions/checkout@v4'], 'Run npm test');
    const files = { '.github/workflows/ci.yml': ci, ...needs('installed', "assert.equal(fs.readFileSync('.installed', 'utf8'), 'profile=loaded\\n');\n  assert.equal(process.env.RANGE_PROFILE, 'loaded');") };
    const { result } = await failedCi(files, job, { env: { HOME: home } });

    expect(result.outputs.status, result.stdout).toBe('fixed');
    expect(found(result.summary).Command).toContain('.bash_profile');
  });

  it("applies a setup step's GITHUB_ENV and GITHUB_PATH writes, heredocs included, to the later steps", async () => {
    const script = [
      'echo "RANGE_ENV=from-step" >> "$GITHUB_ENV"',
      '{ echo "RANGE_NOTE<<EOF"; echo "line one"; echo "line two"; echo "EOF"; } >> "$GITHUB_ENV"',
      'echo "$PWD/tools" >> "$GITHUB_PATH"',
    ];
    const ci = `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Configure\n        run: |\n${script.map((l) => `          ${l}`).join('\n')}\n      - name: Check\n        run: echo "$RANGE_ENV" > .installed\n      - run: npm test\n`;
    const job = apiJob('test', ['Run actions/checkout@v4', 'Configure', 'Check', 'Run npm test', 'Post Run actions/checkout@v4'], 'Run npm test');
    const files = {
      '.github/workflows/ci.yml': ci,
      ...needs(
        'installed',
        "assert.equal(fs.readFileSync('.installed', 'utf8'), 'from-step\\n');\n  assert.equal(process.env.RANGE_NOTE, 'line one\\nline two');\n  assert.ok(process.env.PATH.split(':').some((p) => p.endsWith('/tools')));",
      ),
    };
    const { result } = await failedCi(files, job);

    expect(result.outputs.status, result.stdout).toBe('fixed');
    expect(found(result.summary)['Setup steps run']).toBe('`Configure`, `Check`');
  });

  it('stops with no model turn when the tests fail to collect for want of an install that was not repeated', async () => {
    const ci = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-python@v5\n      - uses: py-actions/py-dependency-install@v4\n      - run: python -m pytest\n';
    const job = apiJob('test', ['Run actions/checkout@v4', 'Run actions/setup-python@v5', 'Run py-actions/py-dependency-install@v4', 'Run python -m pytest', 'Post Run actions/checkout@v4'], 'Run python -m pytest');
    const files = { '.github/workflows/ci.yml': ci, 'tests/test_client.py': 'import requests_toolbelt_not_installed\n\n\ndef test_client():\n    assert requests_toolbelt_not_installed\n' };
    const { world, result } = await failedCi(files, job, { project: 'pytest', fixes: false });

    expect(result.outputs.status, result.stdout).toBe('error');
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/the module requests_toolbelt_not_installed is not installed.*setup-command/);
    expect(world.model.requests).toHaveLength(0);
    expect(found(result.summary)).toMatchObject({ Command: '`python -m pytest`', 'Setup steps run': 'none' });
    expect(result.summary).toContain('py-actions/py-dependency-install@v4');
  });
});
