// Reading workflow files with GitHub's parser and finding the failed job and step from the names the jobs API reports.
import { describe, expect, it } from 'vitest';
import type { Job, JobStep } from '../../../src/github/api.js';
import type { Scope } from '../../../src/github/expressions.js';
import { findJob, type FileAt, type ReadFile } from '../../../src/github/job-tree.js';
import { alignSteps, defaultStepName, firstLine, mapStep, nameMatches, type StepNames } from '../../../src/github/step-match.js';
import { parseWorkflow, rawText, textOf, valueOf, type Workflow, type WorkflowStep } from '../../../src/github/workflow-file.js';
import { fixtureText } from './helpers.js';

function load(name: string): Workflow {
  const wf = parseWorkflow(fixtureText(name));
  if ('error' in wf) throw new Error(wf.error);
  return wf;
}

function parse(text: string): Workflow {
  const wf = parseWorkflow(text);
  if ('error' in wf) throw new Error(wf.error);
  return wf;
}

function apiSteps(...names: Array<[string, string?]>): JobStep[] {
  return names.map(([name, conclusion = 'success'], i) => ({ number: i + 1, name, status: 'completed', conclusion }));
}

const scope = (matrix = {}): Scope => ({ github: { workspace: '/w' }, runner: { os: 'Linux' }, env: {}, inputs: {}, matrix });
const jobs = (JSON.parse(fixtureText('jobs.json')) as { jobs: Job[] }).jobs;
const noFiles: ReadFile = async (at) => ({ error: `404 ${at.path}` });
const top = (workflow: Workflow) => ({ workflow, file: { path: '.github/workflows/ci.yml', ref: 'abc1234' }, from: 'the checkout' });
const search = (read: ReadFile = noFiles) => ({ github: {}, runner: {}, read });

function namesOf(steps: WorkflowStep[], s: Scope): StepNames[] {
  return steps.map((step) => ({
    shown: defaultStepName({
      ...(step.name ? { name: textOf(step.name, s, new Set()) } : {}),
      ...(step.run ? { run: textOf(step.run, s, new Set()) } : {}),
      ...(step.uses ? { uses: step.uses } : {}),
    }),
    named: step.name !== undefined,
  }));
}

describe('parseWorkflow', () => {
  it('reads jobs, env and defaults', () => {
    const wf = load('ci.yml');
    expect(wf.jobs.map((j) => j.key)).toEqual(['lint', 'test']);
    expect(valueOf(wf.env!, scope(), new Set())).toEqual({ CI: 'true', FORCE_COLOR: '0', NODE_OPTIONS: '--max-old-space-size=4096' });
    expect(rawText(wf.defaults.workingDirectory!)).toBe('packages/app');
  });

  it('says what is wrong with a file that is not a workflow', () => {
    expect(parseWorkflow('jobs: [unclosed')).toMatchObject({ error: expect.stringMatching(/could not be parsed/) });
    expect(parseWorkflow('name: nothing here')).toEqual({ error: 'it has no `jobs:` map' });
  });

  it('reads a block scalar with expressions as YAML does, not as the parser hands it back', () => {
    const wf = parse('on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo hi\n          npm run ${{ matrix.suite.script }}\n');
    const run = wf.jobs[0]!.steps[0]!.run!;
    expect(textOf(run, scope({ suite: { script: 'test:unit' } }), new Set())).toBe('echo hi\nnpm run test:unit\n');
  });
});

describe('findJob', () => {
  const ci = load('ci.yml');
  const mono = load('monorepo.yml');
  const find = async (wf: Workflow, name: string, read?: ReadFile) => {
    const found = await findJob(search(read), top(wf), name);
    if (found && 'error' in found) throw new Error(found.error);
    return found;
  };

  it('finds a job by key and by name', async () => {
    expect((await find(ci, 'lint'))?.job.key).toBe('lint');
    expect((await find(mono, 'Python tests'))?.job.key).toBe('python');
  });

  it('names matrix jobs as the runner does, and takes the matrix combination from the name', async () => {
    expect(await find(ci, 'test (20, ubuntu-latest)')).toMatchObject({ job: { key: 'test' }, matrix: { node: 20, os: 'ubuntu-latest' } });
    expect(await find(mono, 'rust (beta)')).toMatchObject({ job: { key: 'rust' }, matrix: { toolchain: 'beta' } });
    expect(await find(ci, 'test (18, ubuntu-latest)')).toBeUndefined();
  });

  it('evaluates a name template with each combination', async () => {
    expect(await find(mono, 'Build windows')).toMatchObject({ job: { key: 'build' }, matrix: { target: 'windows', arch: 'x64' } });
  });

  it('follows a reusable workflow: `caller / called`, with its inputs typed and defaulted', async () => {
    const caller = parse('on: push\njobs:\n  test:\n    uses: ./.github/workflows/unit.yml\n    with:\n      coverage: ${{ 1 == 1 }}\n');
    const called = 'on:\n  workflow_call:\n    inputs:\n      coverage: {type: boolean}\n      node: {type: string, default: "22"}\njobs:\n  unit:\n    name: Unit (node ${{ inputs.node }})\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n';
    const asked: FileAt[] = [];
    const read: ReadFile = async (at) => {
      asked.push(at);
      return at.path === '.github/workflows/unit.yml' ? { text: called, from: 'the checkout' } : { error: '404' };
    };
    const found = await find(caller, 'test / Unit (node 22)', read);
    expect(found).toMatchObject({ job: { key: 'unit' }, inputs: { coverage: true, node: '22' }, calls: ['test → ./.github/workflows/unit.yml'] });
    expect(asked).toEqual([{ path: '.github/workflows/unit.yml', ref: 'abc1234' }]);
  });

  it('reads a reusable workflow of another repository at its ref, and names what to set when it cannot', async () => {
    const caller = parse('on: push\njobs:\n  ci:\n    uses: acme/shared/.github/workflows/node.yml@v2\n');
    const asked: FileAt[] = [];
    const result = await findJob(search(async (at) => (asked.push(at), { error: 'GitHub API 404: Not Found' })), top(caller), 'ci / test');
    expect(asked).toEqual([{ repo: 'acme/shared', path: '.github/workflows/node.yml', ref: 'v2' }]);
    expect(result && 'error' in result && result.error).toBe(
      'Could not read the called workflow acme/shared/.github/workflows/node.yml@v2: GitHub API 404: Not Found; set the test-command input, or give the github-token input a token that can read acme/shared',
    );
  });

  it('finds nothing for a job of another workflow', async () => {
    expect(await find(ci, 'call-release / publish')).toBeUndefined();
  });
});

describe('step names', () => {
  const test = load('ci.yml').jobs[1]!;

  it("derives GitHub's default names, with expressions evaluated", () => {
    expect(namesOf(test.steps, scope({ node: 20 })).map((n) => n.shown)).toEqual([
      'Run actions/checkout@v4',
      'Set up Node 20',
      'Run npm ci',
      'Build',
      'Print versions',
      'Run npm test -- --reporter=default',
      'Upload coverage',
    ]);
  });

  it('takes the first line of a script as the runner does', () => {
    expect(firstLine('\n  \tmake check\nmake fix\n')).toBe('make check');
    expect(firstLine('one\r\ntwo')).toBe('one');
  });

  it('matches templates whose values are not known here, and truncated long names', () => {
    expect(nameMatches('Set up Node 20', 'Set up Node ', 'Set up Node ${{ matrix.node }}')).toBe(true);
    expect(nameMatches('Set up Python 20', 'Set up Node ', 'Set up Node ${{ matrix.node }}')).toBe(false);
    const long = 'Run the full pytest suite with coverage and the slow markers enabled for nightly builds';
    expect(nameMatches('Run the full pytest suite with coverage and the slow markers enabled...', long)).toBe(true);
    expect(nameMatches('Run', long)).toBe(false);
  });
});

describe('alignSteps and mapStep', () => {
  const steps = load('ci.yml').jobs[1]!.steps;
  const job20 = jobs[1];
  if (!job20) throw new Error('fixture has no second job');

  it('lines up the API steps with the workflow steps, leaving out the frame and post steps', () => {
    expect(alignSteps(job20.steps, steps.length)?.map((s) => s.number)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('leaves out pre steps and container steps too', () => {
    const api = apiSteps(['Set up job'], ['Initialize containers'], ['Pre Run org/cache@v2'], ['Run org/cache@v2'], ['Run make'], ['Post Run org/cache@v2'], ['Stop containers'], ['Complete job']);
    expect(alignSteps(api, 2)?.map((s) => s.name)).toEqual(['Run org/cache@v2', 'Run make']);
  });

  it('gives up aligning lists that do not fit', () => {
    expect(alignSteps(apiSteps(['Set up job'], ['Run a'], ['Complete job']), 3)).toBeUndefined();
    expect(alignSteps(apiSteps(['Set up job'], ['Run a'], ['Run b'], ['Complete job']), 1)).toBeUndefined();
  });

  it('maps the failed step of the fixture by its default name', () => {
    const failed = job20.steps.find((s) => s.conclusion === 'failure')!;
    expect(mapStep(namesOf(steps, scope({ node: 20 })), job20.steps, failed)).toEqual({ index: 5, how: 'default name' });
  });

  it('tells apart steps with the same name by position', () => {
    const twice = namesOf(load('monorepo.yml').jobs.find((j) => j.key === 'twice')!.steps, scope());
    const api = apiSteps(['Set up job'], ['Initialize containers'], ['Run make check'], ['Run make fix'], ['Run make check', 'failure'], ['Stop containers'], ['Complete job']);
    const failed = api[4]!;
    expect(mapStep(twice, api, failed)).toEqual({ index: 2, how: 'default name' });
    // Without a usable position, the n-th API step of that name is the n-th workflow step of it.
    expect(mapStep(twice, api.filter((s) => s.name !== 'Run make fix'), failed)).toEqual({ index: 2, how: 'default name' });
  });

  it('falls back to the position when the name is not recognised', () => {
    const lint = namesOf(load('ci.yml').jobs[0]!.steps, scope());
    const api = apiSteps(['Set up job'], ['Run actions/checkout@v4'], ['Run npm ci'], ['Lint the sources', 'failure'], ['Post Run actions/checkout@v4'], ['Complete job']);
    expect(mapStep(lint, api, api[3]!)).toEqual({ index: 2, how: 'position' });
  });
});
