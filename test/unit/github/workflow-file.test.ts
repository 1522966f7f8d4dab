// Finding the failed job and step of a workflow file from the names the jobs API reports.
import { describe, expect, it } from 'vitest';
import type { Job, JobStep } from '../../../src/github/api.js';
import {
  alignSteps,
  findJob,
  firstLine,
  mapStep,
  nameMatches,
  parseWorkflow,
  stepDisplayName,
  type Workflow,
} from '../../../src/github/workflow-file.js';
import { fixtureText } from './helpers.js';

function load(name: string): Workflow {
  const wf = parseWorkflow(fixtureText(name));
  if ('error' in wf) throw new Error(wf.error);
  return wf;
}

function apiSteps(...names: Array<[string, string?]>): JobStep[] {
  return names.map(([name, conclusion = 'success'], i) => ({ number: i + 1, name, status: 'completed', conclusion }));
}

const jobs = (JSON.parse(fixtureText('jobs.json')) as { jobs: Job[] }).jobs;

describe('parseWorkflow', () => {
  it('reads jobs, env and defaults', () => {
    const wf = load('ci.yml');
    expect(Object.keys(wf.jobs)).toEqual(['lint', 'test']);
    expect(wf.env).toEqual({ CI: true, FORCE_COLOR: 0, NODE_OPTIONS: '--max-old-space-size=4096' });
    expect(wf.defaults?.run?.['working-directory']).toBe('packages/app');
  });

  it('says what is wrong with a file that is not a workflow', () => {
    expect(parseWorkflow('jobs: [unclosed')).toMatchObject({ error: expect.stringMatching(/not valid YAML/) });
    expect(parseWorkflow('name: nothing here')).toEqual({ error: 'it has no `jobs:` map' });
  });
});

describe('findJob', () => {
  const ci = load('ci.yml');
  const mono = load('monorepo.yml');

  it('finds a job by key and by name', () => {
    expect(findJob(ci, 'lint')?.key).toBe('lint');
    expect(findJob(mono, 'Python tests')?.key).toBe('python');
  });

  it('strips the matrix suffix and reads the matrix values from it', () => {
    expect(findJob(ci, 'test (20, ubuntu-latest)')).toMatchObject({ key: 'test', matrix: { node: '20', os: 'ubuntu-latest' } });
    expect(findJob(mono, 'rust (beta)')).toMatchObject({ key: 'rust', matrix: { toolchain: 'beta' } });
  });

  it('matches a name template and reads matrix values from it', () => {
    expect(findJob(mono, 'Build windows')).toMatchObject({ key: 'build', matrix: { target: 'windows' } });
  });

  it('finds nothing for a job of another workflow', () => {
    expect(findJob(ci, 'call-release / publish')).toBeUndefined();
  });
});

describe('step names', () => {
  it("derives GitHub's default names", () => {
    const steps = load('ci.yml').jobs.test?.steps ?? [];
    expect(steps.map(stepDisplayName)).toEqual([
      'Run actions/checkout@v4',
      'Set up Node ${{ matrix.node }}',
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

  it('matches evaluated expressions and truncated long names', () => {
    expect(nameMatches('Set up Node 20', 'Set up Node ${{ matrix.node }}')).toBe(true);
    expect(nameMatches('Set up Python 20', 'Set up Node ${{ matrix.node }}')).toBe(false);
    const long = 'Run the full pytest suite with coverage and the slow markers enabled for nightly builds';
    expect(nameMatches('Run the full pytest suite with coverage and the slow markers enabled...', long)).toBe(true);
    expect(nameMatches('Run', long)).toBe(false);
  });
});

describe('alignSteps and mapStep', () => {
  const test = load('ci.yml').jobs.test;
  const steps = test?.steps ?? [];
  const job20 = jobs[1];
  if (!job20) throw new Error('fixture has no second job');

  it('lines up the API steps with the workflow steps, leaving out the frame and post steps', () => {
    const aligned = alignSteps(job20.steps, steps.length);
    expect(aligned?.map((s) => s.number)).toEqual([2, 3, 4, 5, 6, 7, 8]);
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
    const failed = job20.steps.find((s) => s.conclusion === 'failure');
    if (!failed) throw new Error('no failed step');
    expect(mapStep(steps, job20.steps, failed)).toEqual({ index: 5, how: 'default name' });
  });

  it('tells apart steps with the same name by position', () => {
    const twice = load('monorepo.yml').jobs.twice?.steps ?? [];
    const api = apiSteps(['Set up job'], ['Initialize containers'], ['Run make check'], ['Run make fix'], ['Run make check', 'failure'], ['Stop containers'], ['Complete job']);
    const failed = api[4];
    if (!failed) throw new Error('no failed step');
    expect(mapStep(twice, api, failed)).toEqual({ index: 2, how: 'default name' });
    // Without a usable position, the n-th API step of that name is the n-th workflow step of it.
    const partial = api.filter((s) => s.name !== 'Run make fix');
    expect(mapStep(twice, partial, failed)).toEqual({ index: 2, how: 'default name' });
  });

  it('falls back to the position when the name is not recognised', () => {
    const lint = load('ci.yml').jobs.lint?.steps ?? [];
    const api = apiSteps(['Set up job'], ['Run actions/checkout@v4'], ['Run npm ci'], ['Lint the sources', 'failure'], ['Post Run actions/checkout@v4'], ['Complete job']);
    const failed = api[3];
    if (!failed) throw new Error('no failed step');
    expect(mapStep(lint, api, failed)).toEqual({ index: 2, how: 'position' });
  });
});
