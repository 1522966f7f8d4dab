// Zero-config discovery of the failed step's command, with a fake GitHub API and a real git checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GitHubApi, Job, JobLog } from '../../../src/github/api.js';
import { readRunContext, type RunContext } from '../../../src/github/context.js';
import { GitHubApiError } from '../../../src/github/errors.js';
import { findFailedCommand, pickFailedJob, type FailedCommand } from '../../../src/github/failed-step.js';
import { fixtureText, runnerEnv } from './helpers.js';

/** The three calls discovery makes, answered from fixtures; records what was asked. */
class FakeGitHub implements Pick<GitHubApi, 'listJobs' | 'jobLog' | 'fileAt'> {
  readonly calls: string[] = [];
  constructor(
    private readonly jobs: Job[] | Error,
    private readonly files: Record<string, string>,
    private readonly log: JobLog = { text: fixtureText('job-log.txt') },
  ) {}
  async listJobs(runId: number): Promise<Job[]> {
    this.calls.push(`listJobs ${runId}`);
    if (this.jobs instanceof Error) throw this.jobs;
    return this.jobs;
  }
  async jobLog(jobId: number): Promise<JobLog> {
    this.calls.push(`jobLog ${jobId}`);
    return this.log;
  }
  async fileAt(path: string, ref: string): Promise<string> {
    this.calls.push(`fileAt ${path} ${ref}`);
    const text = this.files[path];
    if (text === undefined) throw new GitHubApiError(`reading ${path} at ${ref}: GitHub API 404: Not Found`, 'not-found', 404);
    return text;
  }
}

const ciJobs = (JSON.parse(fixtureText('jobs.json')) as { jobs: Job[] }).jobs;
const ciFiles = { '.github/workflows/ci.yml': fixtureText('ci.yml') };

/** A job as the API lists it, failing at the step whose name is `failing`. */
function apiJob(id: number, name: string, stepNames: string[], failing: string, conclusion: string | null = 'failure'): Job {
  let failedYet = false;
  const steps = stepNames.map((stepName, i) => {
    const failed = !failedYet && stepName === failing;
    const skipped = failedYet && !stepName.startsWith('Post ') && stepName !== 'Complete job';
    failedYet ||= failed;
    return { number: i + 1, name: stepName, status: 'completed', conclusion: failed ? 'failure' : skipped ? 'skipped' : 'success' };
  });
  return { id, name, status: conclusion ? 'completed' : 'in_progress', conclusion, steps };
}

function workflowRunCtx(path = '.github/workflows/ci.yml', headSha = '8f3c2a1d9e4b7c6a5f0e1d2c3b4a59687766554f'): RunContext {
  const ctx = readRunContext(runnerEnv('workflow_run', 'event-workflow-run.json'));
  if (!ctx.workflowRun) throw new Error('fixture has no workflow_run');
  ctx.workflowRun.path = path;
  ctx.workflowRun.headSha = headSha;
  return ctx;
}

function expectCommand(result: FailedCommand | { error: string }): FailedCommand {
  if ('error' in result) throw new Error(`expected a command, got: ${result.error}`);
  return result;
}

let checkout: string;
/** A folder that is no git checkout at all. */
let plain: string;
let checkoutSha: string;

beforeAll(() => {
  plain = mkdtempSync(join(tmpdir(), 'rg-plain-'));
  checkout = mkdtempSync(join(tmpdir(), 'rg-checkout-'));
  mkdirSync(join(checkout, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(checkout, '.github', 'workflows', 'ci.yml'), fixtureText('ci.yml'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: checkout, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '--allow-empty', '-m', 'empty');
  git('add', '.');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'ci');
  checkoutSha = git('rev-parse', 'HEAD');
  // An edit an earlier step made in the working tree must not change what is read.
  writeFileSync(join(checkout, '.github', 'workflows', 'ci.yml'), 'jobs: {}\n');
  mkdirSync(join(checkout, 'packages', 'app'), { recursive: true });
});

describe('findFailedCommand', () => {
  it('finds the failed matrix step from the checkout at the failed commit', async () => {
    const api = new FakeGitHub(ciJobs, {});
    const found = expectCommand(await findFailedCommand({ api, ctx: workflowRunCtx(undefined, checkoutSha), workspace: join(checkout, 'packages', 'app') }));

    expect(found.command).toBe('npm test -- --reporter=default');
    expect(found.workingDirectory).toBe('packages/app');
    expect(found.shell).toBeUndefined();
    expect(found.env).toEqual({
      CI: 'true',
      FORCE_COLOR: '0',
      NODE_OPTIONS: '--max-old-space-size=4096',
      NODE_VERSION: '20',
      TZ: 'UTC',
    });
    // "Print versions" was skipped on node 20, so it is not repeated.
    expect(found.setupCommands).toEqual(['npm ci', 'set -e\nnpm run build\necho "built for node $NODE_VERSION"']);
    expect(found.job).toBe('test (20, ubuntu-latest)');
    expect(found.step).toBe('Run npm test -- --reporter=default');
    expect(found.jobId).toBe(29679449120);
    expect(found.runId).toBe(10812345678);
    expect(found.source).toBe(
      `The command of step "Run npm test -- --reporter=default" of job "test (20, ubuntu-latest)" (matched by default name) in .github/workflows/ci.yml at ${checkoutSha.slice(0, 7)}, read from the checkout, where run 10812345678 failed.`,
    );
    expect(found.notes).toEqual([
      'Left out env NPM_TOKEN, API_URL: their values are expressions only known inside the runner (secrets, contexts, step outputs).',
    ]);
    expect(found.notRepeated).toEqual([
      'Steps that use actions were not repeated (actions/checkout@v4, actions/setup-node@v4): add the ones the tests need (setup-node, setup-python, a cache…) to the redgreen job before the redgreen step.',
    ]);
    expect(found.setupNames).toEqual(['Run npm ci', 'Build']);
    expect(found.log?.split('\n')[0]).toBe('##[group]Run npm test -- --reporter=default');
    expect(found.log).toContain('AssertionError: expected [ 1, [ 2, 3 ] ] to deeply equal [ 1, [ 2, [ 3 ] ] ]');
    expect(api.calls).toEqual(['listJobs 10812345678', 'jobLog 29679449120']);
  });

  it('reads the workflow through the contents API when the checkout is at another commit', async () => {
    const api = new FakeGitHub(ciJobs, ciFiles);
    const found = expectCommand(await findFailedCommand({ api, ctx: workflowRunCtx(), workspace: checkout }));
    expect(found.source).toContain('read from the contents API');
    expect(found.command).toBe('npm test -- --reporter=default');
    expect(api.calls).toContain('fileAt .github/workflows/ci.yml 8f3c2a1d9e4b7c6a5f0e1d2c3b4a59687766554f');
  });

  it('repeats a conditional step that did run', async () => {
    const job22 = ciJobs[2];
    if (!job22) throw new Error('fixture has no third job');
    const api = new FakeGitHub([job22], ciFiles);
    const found = expectCommand(await findFailedCommand({ api, ctx: workflowRunCtx(), workspace: plain }));
    expect(found.env.NODE_VERSION).toBe('22');
    expect(found.setupCommands).toEqual(['npm ci', 'set -e\nnpm run build\necho "built for node $NODE_VERSION"', 'node --version']);
  });

  it('carries a job default directory, a bash shell, and an earlier step run elsewhere with its own env', async () => {
    const job = apiJob(
      71,
      'Python tests',
      ['Set up job', 'Run actions/checkout@v4', 'Run actions/setup-python@v5', 'Install', 'Run the full pytest suite with coverage and the slow markers enabled...', 'Post Run actions/setup-python@v5', 'Post Run actions/checkout@v4', 'Complete job'],
      'Run the full pytest suite with coverage and the slow markers enabled...',
    );
    const api = new FakeGitHub([job], { '.github/workflows/monorepo.yml': fixtureText('monorepo.yml') }, { reason: 'GitHub API 403: Must have admin rights to Repository.' });
    const found = expectCommand(await findFailedCommand({ api, ctx: workflowRunCtx('.github/workflows/monorepo.yml'), workspace: plain }));

    expect(found.command).toBe('set -eo pipefail\npython -m pytest -x \\\n  --junitxml=report.xml | tee pytest.log');
    expect(found.workingDirectory).toBe('services/api');
    expect(found.shell).toBe('bash');
    expect(found.env).toEqual({ PYTHONDONTWRITEBYTECODE: '1' });
    expect(found.setupCommands).toEqual(['set -eo pipefail\ncd -- .. || exit 1\nexport PIP_INDEX_URL=https://pypi.example.org/simple\npip install -r requirements.txt']);
    expect(found.source).toContain('(matched by name)');
    expect(found.log).toBeUndefined();
    expect(found.notes).toContain('The job log could not be read: GitHub API 403: Must have admin rights to Repository..');
  });

  it('fills in matrix values from the job name', async () => {
    const job = apiJob(72, 'rust (beta)', ['Set up job', 'Run actions/checkout@v4', 'Run rustup default beta', 'Run cargo test --all-features --target-dir target/beta', 'Post Run actions/checkout@v4', 'Complete job'], 'Run cargo test --all-features --target-dir target/beta');
    const api = new FakeGitHub([job], { '.github/workflows/monorepo.yml': fixtureText('monorepo.yml') }, { text: '' });
    const found = expectCommand(await findFailedCommand({ api, ctx: workflowRunCtx('.github/workflows/monorepo.yml'), workspace: plain }));
    expect(found.command).toBe('cargo test --all-features --target-dir target/beta');
    expect(found.setupCommands).toEqual(['rustup default beta']);
  });

  it.each([
    ['Build windows', ['Set up job', 'Run actions/checkout@v4', 'Run ./.github/actions/build', 'Post Run actions/checkout@v4', 'Complete job'], 'Run ./.github/actions/build', /runs the action \.\/\.github\/actions\/build, which cannot be rerun as a command/],
    ['deploy', ['Set up job', 'Run actions/checkout@v4', 'Run ./scripts/deploy.sh --key "***"', 'Complete job'], 'Run ./scripts/deploy.sh --key "***"', /uses \$\{\{ secrets\.DEPLOY_KEY \}\}, which only the runner can evaluate/],
    ['windows', ['Set up job', 'Run actions/checkout@v4', 'Run Invoke-Pester -CI', 'Complete job'], 'Run Invoke-Pester -CI', /runs with `shell: pwsh`, which is not bash or sh/],
    ['publish / release', ['Set up job', 'Run npm publish', 'Complete job'], 'Run npm publish', /"publish \/ release" is not a job of \.github\/workflows\/monorepo\.yml/],
  ])('explains why job "%s" cannot be reproduced from its workflow', async (name, steps, failing, message) => {
    const api = new FakeGitHub([apiJob(80, name, steps, failing)], { '.github/workflows/monorepo.yml': fixtureText('monorepo.yml') });
    const result = await findFailedCommand({ api, ctx: workflowRunCtx('.github/workflows/monorepo.yml'), workspace: plain });
    expect('error' in result && result.error).toMatch(message);
    expect('error' in result && result.error).toMatch(/set the test-command input/);
  });

  it('says so when no step failed, or the workflow cannot be read', async () => {
    const green = ciJobs.slice(0, 1);
    const none = await findFailedCommand({ api: new FakeGitHub(green, ciFiles), ctx: workflowRunCtx(), workspace: plain });
    expect('error' in none && none.error).toMatch(/^No failed step was found in the jobs of run 10812345678/);

    const missing = await findFailedCommand({ api: new FakeGitHub(ciJobs, {}), ctx: workflowRunCtx(), workspace: plain });
    expect('error' in missing && missing.error).toMatch(/^Could not read \.github\/workflows\/ci\.yml at 8f3c2a1: .*404/);

    const forbidden = new GitHubApiError('listing the jobs of run 10812345678 (page 1): GitHub API 403: Resource not accessible by integration', 'auth', 403);
    const denied = await findFailedCommand({ api: new FakeGitHub(forbidden, ciFiles), ctx: workflowRunCtx(), workspace: plain });
    expect('error' in denied && denied.error).toMatch(/^Could not list the jobs of run 10812345678: .*403.*\(the workflow needs `permissions: actions: read`\)/);

    const dynamic = await findFailedCommand({ api: new FakeGitHub(ciJobs, ciFiles), ctx: workflowRunCtx('dynamic/github-code-scanning/codeql'), workspace: plain });
    expect('error' in dynamic && dynamic.error).toMatch(/is not a file in \.github\/workflows/);
  });

  it('reads the failure of its own job when it runs after a failed step of the same run', async () => {
    const ctx = readRunContext(runnerEnv('push', 'event-push.json', { GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/ci.yml@refs/heads/main' }));
    const running = apiJob(91, 'lint', ['Set up job', 'Run actions/checkout@v4', 'Run npm ci', 'Run npm run lint', 'Run acme/redgreen@v1'], 'Run npm run lint', null);
    const api = new FakeGitHub([running], ciFiles, { reason: 'GitHub API 404: Not Found' });
    const found = expectCommand(await findFailedCommand({ api, ctx, workspace: plain }));
    expect(found.command).toBe('npm run lint');
    expect(found.setupCommands).toEqual(['npm ci']);
    expect(api.calls[0]).toBe('listJobs 10812399999');
    expect(api.calls).toContain('fileAt .github/workflows/ci.yml c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00');
  });
});

describe('pickFailedJob', () => {
  it('takes the first failed job and its first failed step', () => {
    expect(pickFailedJob(ciJobs)).toMatchObject({ job: { id: 29679449120 }, step: { number: 7 } });
  });

  it('finds nothing in a green run', () => {
    expect(pickFailedJob(ciJobs.slice(0, 1))).toBeUndefined();
  });
});
