// Fan-out end to end through dist/: the README's plan → matrix → pick workflow, driven job by job, cells in parallel.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, TestSecrets } from '../support/action.js';
import { workflowDispatchEvent } from '../support/events.js';
import { addCiRun, bugOf, Bugs, driveWorkflow, fanoutRemote, playbookModel, Projects, type Playbook } from '../support/fanout-world.js';
import { createRemote, freshClone, git, remoteBranches } from '../support/git.js';
import { startGitHubServer, type GitHubServer } from '../support/github-server.js';
import { startOpenAIServer, type OpenAIServer } from '../support/openai-server.js';
import { keepTempDirsOnFailure, makeTempDir, repoRoot } from '../support/tmp.js';
import { toolchainEnv } from './world.js';

keepTempDirsOnFailure();
// Six action runs at once on a shared machine: a bound against hangs, not a speed check.
const slow = { timeout: 480_000 };
// The README leaves `models` to a repository variable; unset, every cell takes its own default: this one off OpenAI's endpoint.
const defaultModel = 'gpt-5-mini';
const exec = promisify(execFile);

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function servers(remote: string, playbook: Playbook, init: Parameters<typeof startGitHubServer>[0] = {}): Promise<{ gh: GitHubServer; model: OpenAIServer }> {
  const gh = await startGitHubServer({ defaultPermission: 'write', token: TestSecrets.githubToken, remote, ...init });
  const model = await startOpenAIServer(playbookModel(playbook, bugOf));
  open.push(gh, model);
  return { gh, model };
}

/** The tests of one project folder in a fresh clone of a branch, as CI would run them on the PR. */
async function testsPass(remote: string, branch: string, project: string): Promise<boolean> {
  const dir = await freshClone(remote, branch);
  const PATH = `${path.join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH}`;
  return exec('npm', ['test'], { cwd: path.join(dir, project), env: { ...process.env, ...toolchainEnv, PATH } }).then(
    () => true,
    () => false,
  );
}

describe('fan-out over failed jobs', () => {
  it('plans three failed jobs × two attempts, runs the six cells at once, and picks the smaller verified change of each', slow, async () => {
    const { remote, sha } = await fanoutRemote();
    const playbook: Playbook = {
      alpha: { 'm-1': 'big', 'm-2': 'small' },
      beta: { 'm-1': 'small', 'm-2': 'big' },
      gamma: { 'm-1': 'fail', 'm-2': 'small' },
    };
    const { gh, model } = await servers(remote, playbook);
    addCiRun(gh, 900, sha, [{ name: 'alpha' }, { name: 'beta' }, { name: 'gamma' }, { name: 'deploy', conclusion: 'skipped' }]);

    const { jobs, steps } = await driveWorkflow({ gh, modelUrl: model.url, remote, eventName: 'workflow_run', ciRunId: 900, runId: 901, vars: { REDGREEN_MODELS: 'm-1, m-2' } });

    // plan: one key per failed job, two attempts each, models cycled; the job that never ran is left out.
    expect(jobs.plan!.outputs.count).toBe('6');
    const entries = JSON.parse(jobs.plan!.outputs.matrix!).include as Record<string, unknown>[];
    const keys = Projects.map((p) => `${p}-${sha.slice(0, 7)}`);
    expect(entries.map((e) => [e.key, e.attempt, e.model, e['best-of']])).toEqual([
      ...keys.map((k) => [k, 1, 'm-1', 2]),
      ...keys.map((k) => [k, 2, 'm-2', 2]),
    ]);
    const jobIds = gh.state.runs.find((r) => r.id === 900)!.jobs.slice(0, 3).map((j) => j.id);
    expect(entries.slice(0, 3).map((e) => e['job-id'])).toEqual(jobIds);
    expect(steps.get('plan')!.summary).toContain('never ran');

    // The cells: five verified attempts on attempt branches, one gave up; no cell opened a PR of its own.
    const cells = jobs.fix!.cells;
    expect(cells).toHaveLength(6);
    const statuses = cells.map((c) => [c.matrix.key, c.matrix.attempt, steps.get(c.name)!.outputs.status, steps.get(c.name)!.outputs.branch]);
    expect(statuses).toEqual([
      [keys[0], 1, 'fixed', `redgreen/fix/${keys[0]}-attempt-1`],
      [keys[1], 1, 'fixed', `redgreen/fix/${keys[1]}-attempt-1`],
      [keys[2], 1, 'gave-up', ''],
      [keys[0], 2, 'fixed', `redgreen/fix/${keys[0]}-attempt-2`],
      [keys[1], 2, 'fixed', `redgreen/fix/${keys[1]}-attempt-2`],
      [keys[2], 2, 'fixed', `redgreen/fix/${keys[2]}-attempt-2`],
    ]);
    for (const c of cells) expect(steps.get(c.name)!.outputs['pr-url']).toBe('');
    // Each cell fixed its own job: its own folder, its own bug.
    for (const c of cells.filter((c) => steps.get(c.name)!.outputs.status === 'fixed')) {
      const project = String(c.matrix.key).split('-')[0]!;
      expect(steps.get(c.name)!.summary).toContain(`of job "${project}"`);
    }

    // pick: one PR per job, from the smaller verified change; no attempt branch left.
    const pick = steps.get('pick')!;
    expect(pick.exitCode, pick.stdout).toBe(0);
    expect(pick.outputs.status).toBe('fixed');
    const prs = JSON.parse(pick.outputs.prs!) as string[];
    expect(prs).toHaveLength(3);
    expect(gh.state.pulls.map((p) => [p.head, p.base]).sort()).toEqual(keys.map((k) => [`redgreen/fix/${k}`, 'main']));
    expect((await remoteBranches(remote)).filter((b) => b.includes('-attempt-'))).toEqual([]);
    const winners = { alpha: 2, beta: 1, gamma: 2 };
    for (const [i, p] of Projects.entries()) {
      const branch = `redgreen/fix/${keys[i]}`;
      const diff = await git(remote, ['diff', '--numstat', sha, branch]);
      expect(diff.trim()).toBe(`1\t1\t${p}/src/range.js`);
      expect(await testsPass(remote, branch, p)).toBe(true);
      const body = gh.state.pulls.find((pr) => pr.head === branch)!.body ?? '';
      expect(body).toContain(`attempt ${winners[p]} of 2 picked`);
      expect(body).toMatch(/\| attempt \| model \| verified \| lines \| tokens \| cost \| job \|/);
      expect(body).toContain('/actions/runs/901/job/');
    }
    const gammaBody = gh.state.pulls.find((pr) => pr.head === `redgreen/fix/${keys[2]}`)!.body ?? '';
    expect(gammaBody).toMatch(/\| 1 \| <code>m-1<\/code> \| no: gave-up/);
    expect(JSON.stringify(gh.state.pulls)).not.toContain(TestSecrets.githubToken);
    expect(gh.errors).toEqual([]);
  });

  it('makes one key and one PR of a matrix job that failed in three cells, naming the other cells', slow, async () => {
    const matrixCi = `name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        node: [18, 20, 22]\n    defaults:\n      run:\n        working-directory: alpha\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n`;
    const { remote, sha } = await fanoutRemote({ '.github/workflows/ci.yml': matrixCi });
    const { gh, model } = await servers(remote, { alpha: { [defaultModel]: 'small' } });
    addCiRun(gh, 910, sha, [{ name: 'test (18)' }, { name: 'test (20)' }, { name: 'test (22)' }]);

    const { jobs, steps } = await driveWorkflow({ gh, modelUrl: model.url, remote, eventName: 'workflow_run', ciRunId: 910, runId: 911 });

    const key = `test-${sha.slice(0, 7)}`;
    const entries = JSON.parse(jobs.plan!.outputs.matrix!).include as Record<string, unknown>[];
    expect(entries.map((e) => [e.key, e.attempt, e['job-id'], e.model])).toEqual([
      [key, 1, gh.state.runs[0]!.jobs[0]!.id, ''],
      [key, 2, gh.state.runs[0]!.jobs[0]!.id, ''],
    ]);
    expect(steps.get('plan')!.summary).toContain('also failed in test (20), test (22)');
    expect(steps.get('pick')!.outputs.status).toBe('fixed');
    expect(gh.state.pulls.map((p) => p.head)).toEqual([`redgreen/fix/${key}`]);
    // Both attempts made the same one-line change with the same tokens: the lower attempt wins.
    expect(gh.state.pulls[0]!.body).toContain('attempt 1 of 2 picked');
    expect(gh.state.pulls[0]!.body).toContain('also failed in test (20), test (22)');
    expect(await testsPass(remote, `redgreen/fix/${key}`, 'alpha')).toBe(true);
    expect((await remoteBranches(remote)).filter((b) => b.includes('-attempt-'))).toEqual([]);
  });

  it('plans nothing for a run on a fork: no cell starts, no model is asked', async () => {
    const { remote, sha } = await fanoutRemote();
    const { gh, model } = await servers(remote, {});
    addCiRun(gh, 920, sha, [{ name: 'alpha' }], { headRepository: 'mallory/repo' });

    const { jobs, steps } = await driveWorkflow({ gh, modelUrl: model.url, remote, eventName: 'workflow_run', ciRunId: 920, runId: 921 });

    expect(steps.get('plan')!.outputs).toMatchObject({ status: 'skipped', count: '0', matrix: '{"include":[]}' });
    expect(steps.get('plan')!.summary).toContain('fork mallory/repo');
    expect(jobs.fix!.result).toBe('skipped');
    expect(jobs.pick!.result).toBe('skipped');
    expect(model.requests).toEqual([]);
    expect(gh.state.pulls).toEqual([]);
  });
});

describe('fan-out over a task list', () => {
  it('fans each task out to two attempts and opens one PR per task from the smaller change', slow, async () => {
    const { remote } = await createRemote(path.join(repoRoot, 'test', 'fixtures', 'projects', 'node-test'));
    const { gh, model } = await servers(remote, { alpha: { 'm-1': 'big', 'm-2': 'small' } });
    const tasks = 'Make range() include its end\nFix the off-by-one in range()';

    const { jobs, steps } = await driveWorkflow({ gh, modelUrl: model.url, remote, eventName: 'workflow_dispatch', inputs: { tasks }, runId: 931, vars: { REDGREEN_MODELS: 'm-1, m-2' } });

    const entries = JSON.parse(jobs.plan!.outputs.matrix!).include as Record<string, unknown>[];
    expect(entries.map((e) => [e.prompt, e.attempt, e.model])).toEqual([
      ['Make range() include its end', 1, 'm-1'],
      ['Fix the off-by-one in range()', 1, 'm-1'],
      ['Make range() include its end', 2, 'm-2'],
      ['Fix the off-by-one in range()', 2, 'm-2'],
    ]);
    expect(jobs.fix!.cells.map((c) => steps.get(c.name)!.outputs.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const pick = steps.get('pick')!;
    expect(pick.outputs.status, pick.stdout).toBe('completed');
    expect(JSON.parse(pick.outputs.prs!)).toHaveLength(2);
    const heads = gh.state.pulls.map((p) => p.head).sort();
    expect(heads).toEqual(entries.slice(0, 2).map((e) => `redgreen/task/${String(e.key)}`).sort());
    for (const head of heads) {
      expect(gh.state.pulls.find((p) => p.head === head)!.body).toContain('attempt 2 of 2 picked');
      expect(await testsPass(remote, head, '.')).toBe(true);
    }
    expect((await remoteBranches(remote)).filter((b) => b.includes('-attempt-'))).toEqual([]);
  });
});

describe('the matrix limit', () => {
  it('cuts a plan of 300 entries to 256 and says what it left out', async () => {
    const gh = await startGitHubServer({ defaultPermission: 'write', token: TestSecrets.githubToken });
    open.push(gh);
    const tasks = Array.from({ length: 150 }, (_, i) => `Task number ${i + 1}`).join('\n');
    const result = await runAction({
      workspace: await makeTempDir('plan-only'),
      eventName: 'workflow_dispatch',
      event: workflowDispatchEvent(gh, { tasks }),
      github: { url: gh.url },
      sha: 'a'.repeat(40),
      ref: 'refs/heads/main',
      inputs: { mode: 'plan', tasks, 'best-of': '2' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.count).toBe('256');
    const entries = JSON.parse(result.outputs.matrix!).include as Record<string, unknown>[];
    expect(entries).toHaveLength(256);
    expect(entries.filter((e) => e.attempt === 1)).toHaveLength(150);
    expect(result.summary).toContain('44 attempts beyond the 256-job limit of a matrix: Task number 107 (attempt 2), Task number 108 (attempt 2)');
  });
});
