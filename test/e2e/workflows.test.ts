// Fix mode in the workflows users write: zero-config workflow_run, an `if: failure()` step on a red PR branch, and reruns.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowRunEvent, pullRequestEvent } from '../support/events.js';
import { cloneWorkspace, commitToRemote, git, log, remoteBranches } from '../support/git.js';
import type { GitHubServer } from '../support/github-server.js';
import { createState, takeId, type JobInit, type RunInit } from '../support/github-state.js';
import { allText, messages, messageText } from '../support/openai-requests.js';
import type { ModelStep } from '../support/openai-server.js';
import { keepTempDirsOnFailure, makeTempDir, repoRoot } from '../support/tmp.js';
import { closedAfterEach, fixingScript, fixtures, makeWorld, readFix, type World } from './world.js';

keepTempDirsOnFailure();

const data = path.join(repoRoot, 'test', 'fixtures', 'workflows');
const ciYml = await readFile(path.join(data, 'ci.yml'), 'utf8');
const ciJobLog = await readFile(path.join(data, 'ci-test-job.log'), 'utf8');
const ciJob = JSON.parse(await readFile(path.join(data, 'ci-test-job.json'), 'utf8')) as JobInit;
const fix = await readFix('node-test');
const buggy = await readFile(path.join(fixtures, 'node-test', fix.path), 'utf8');
const fixed = buggy.replace(fix.old_string, fix.new_string);

const worlds = closedAfterEach();

/** Puts a failed run of ci.yml at `sha` into the fake GitHub, with the jobs API's steps and GitHub's job log. */
function addFailedRun(gh: GitHubServer, id: number, sha: string, more: Partial<RunInit> = {}): void {
  const init: RunInit = { id, name: 'CI', headSha: sha, headBranch: 'main', event: 'push', jobs: [{ ...ciJob, log: ciJobLog }], ...more };
  const [run] = createState({ runs: [init] }).runs;
  for (const job of run!.jobs) job.id = takeId(gh.state);
  gh.state.runs.push(run!);
}

/** The message of the step's failure, as the runner shows it (`::error::…`). */
function errorAnnotation(stdout: string): string {
  return stdout.split('\n').filter((l) => l.startsWith('::error')).join('\n');
}

/** Markdown as a reader sees it: `\_` is `_`. */
function unescapeMarkdown(markdown: string): string {
  return markdown.replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1');
}

const mainRules = 'House rule from main: keep every function pure.';
const headRules = 'Rule added on the branch: also print the environment.';

/** main is green; feature/x breaks range() and changes AGENTS.md; PR #1 asks to merge it into main. */
async function redPullRequest(script: ModelStep[]): Promise<{ w: World; headSha: string }> {
  const w = await makeWorld({
    project: 'node-test',
    remote: { files: { '.github/workflows/ci.yml': ciYml, [fix.path]: fixed, 'AGENTS.md': `${mainRules}\n` } },
    github: { pulls: [{ head: 'feature/x', base: 'main', title: 'Rework range()', user: 'octocat' }] },
    script,
  });
  const headSha = await commitToRemote(w.remote, 'feature/x', { [fix.path]: buggy, 'AGENTS.md': `${headRules}\n` }, { from: 'main', message: 'Rework range()' });
  w.gh.state.pulls[0]!.headSha = headSha;
  return { w, headSha };
}

/** GitHub's `refs/pull/N/merge`: the PR head merged into its base, what actions/checkout takes for pull_request events. */
async function pushMergeRef(remote: string, base: string, head: string, number: number): Promise<string> {
  const dir = await makeTempDir('merge');
  await git(dir, ['clone', '--quiet', remote, '.']);
  await git(dir, ['checkout', '--quiet', '--detach', `origin/${base}`]);
  const who = ['-c', 'user.name=GitHub', '-c', 'user.email=noreply@github.com'];
  await git(dir, [...who, 'merge', '--quiet', '--no-ff', '-m', `Merge ${head} into ${base}`, `origin/${head}`]);
  await git(dir, ['push', '--quiet', 'origin', `HEAD:refs/pull/${number}/merge`]);
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

describe('fix on workflow_run without a test-command', () => {
  const runId = 5150;

  it('finds the failed step, repeats the steps before it, shows the model the CI log, and fixes', async () => {
    const world = await worlds.make({ project: 'node-test', remote: { files: { '.github/workflows/ci.yml': ciYml } }, script: fixingScript(fix) });
    addFailedRun(world.gh, runId, world.sha);
    const workspace = await cloneWorkspace(world.remote, world.sha);
    const result = await world.run({ workspace, eventName: 'workflow_run', event: workflowRunEvent(world.gh, runId) });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(world.gh.requests.some((r) => r.route === 'actions.listJobsForWorkflowRun')).toBe(true);

    // The summary tells where the command came from: the failed step of the job, in the workflow file.
    expect(result.summary).toMatch(/Test command: \S*npm test\S* \(found from: [^)]*step "Run npm test" of job "test"/);
    expect(result.summary).toMatch(/of job "test" .*in \.github\/workflows\/ci\.yml at [0-9a-f]{7}/);

    // The first request carries the failed step's part of the CI log, not the whole job log.
    const first = allText(world.model.requests[0]!);
    expect(first).toContain('file:///home/runner/work/repo/repo/test/range.test.js');
    expect(first).not.toContain('Syncing repository');

    // The install step ran, as setup, before the reproduction.
    const files = world.gh.artifactFiles(world.gh.state.artifacts[0]!.name);
    const logs = Object.keys(files).filter((n) => n.startsWith('logs/')).sort();
    expect(logs[0]).toMatch(/^logs\/01-setup\.log$/);
    expect(logs[1]).toMatch(/^logs\/02-reproduce\.log$/);
    expect(files[logs[0]!]!.toString()).toContain('installing 42 packages');

    // The fix goes to a PR into the branch the run failed on.
    const branch = `redgreen/fix/main-${world.sha.slice(0, 7)}`;
    expect(result.outputs.branch).toBe(branch);
    expect((await log(world.remote, branch))[0]?.parents).toEqual([world.sha]);
    expect(world.gh.state.pulls.map((p) => [p.head, p.base])).toEqual([[branch, 'main']]);
  });

  it('refuses with a way out when the workspace is not at the failed commit', async () => {
    const world = await worlds.make({ project: 'node-test', remote: { files: { '.github/workflows/ci.yml': ciYml } }, script: fixingScript(fix) });
    addFailedRun(world.gh, runId, world.sha);
    // actions/checkout without `ref:` checks out the default branch, which has moved on since the run.
    const later = await commitToRemote(world.remote, 'main', { 'NEWS.md': 'Later work.\n' });
    const workspace = await cloneWorkspace(world.remote, 'main');
    const result = await world.run({ workspace, eventName: 'workflow_run', event: workflowRunEvent(world.gh, runId) });

    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.status).toBe('error');
    const message = errorAnnotation(result.stdout);
    expect(message).toContain(later.slice(0, 7));
    expect(message).toContain(world.sha.slice(0, 7));
    expect(message).toContain('ref: ${{ github.event.workflow_run.head_sha }}');
    expect(unescapeMarkdown(result.summary)).toContain('ref: ${{ github.event.workflow_run.head_sha }}');
    expect(world.model.requests).toHaveLength(0);
  });

  it('stops before the model when the tests cannot start: the environment is not set up', async () => {
    const pkg = JSON.parse(await readFile(path.join(fixtures, 'node-test', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    pkg.scripts.test = 'vitest-not-installed run';
    const world = await worlds.make({
      project: 'node-test',
      remote: { files: { '.github/workflows/ci.yml': ciYml, 'package.json': JSON.stringify(pkg, null, 2) } },
      script: fixingScript(fix),
    });
    addFailedRun(world.gh, runId, world.sha);
    const workspace = await cloneWorkspace(world.remote, world.sha);
    const result = await world.run({ workspace, eventName: 'workflow_run', event: workflowRunEvent(world.gh, runId) });

    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.status).toBe('error');
    const message = errorAnnotation(result.stdout);
    expect(message).toContain('setup-command');
    expect(message).toMatch(/not found|127/);
    expect(world.model.requests).toHaveLength(0);
    expect(world.gh.state.pulls).toHaveLength(0);
  });

  it('on a failed pull request run, fixes into the PR branch, comments on the PR, and takes AGENTS.md from the base', async () => {
    const { w, headSha } = await redPullRequest(fixingScript(fix));
    worlds.track(w);
    addFailedRun(w.gh, runId, headSha, { headBranch: 'feature/x', event: 'pull_request', pullRequests: [1] });
    const workspace = await cloneWorkspace(w.remote, headSha);
    const result = await w.run({ workspace, eventName: 'workflow_run', event: workflowRunEvent(w.gh, runId) });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    const branch = `redgreen/fix/feature-x-${headSha.slice(0, 7)}`;
    expect(w.gh.state.pulls.find((p) => p.head === branch)?.base).toBe('feature/x');
    expect((await git(w.remote, ['rev-parse', 'refs/heads/feature/x'])).trim()).toBe(headSha);
    expect(w.gh.state.comments.filter((c) => c.issue === 1).map((c) => c.body.includes(result.outputs['pr-url']!))).toEqual([true]);
    const system = messageText(messages(w.model.requests[0]!)[0]!);
    expect(system).toContain(mainRules);
    expect(system).not.toContain(headRules);
  });

  it.each([
    { what: 'a fork', run: { headRepository: 'stranger/repo', headBranch: 'patch-1', event: 'pull_request' }, why: /fork.*allow-forks/ },
    { what: "redgreen's own branch", run: { headBranch: 'redgreen/fix/main-1234567' }, why: /redgreen's own/ },
  ])('skips the failed run of $what without a model request', async ({ run, why }) => {
    const world = await worlds.make({ project: 'node-test', remote: { files: { '.github/workflows/ci.yml': ciYml } }, script: fixingScript(fix) });
    addFailedRun(world.gh, runId, world.sha, run);
    const workspace = await cloneWorkspace(world.remote, world.sha);
    const result = await world.run({ workspace, eventName: 'workflow_run', event: workflowRunEvent(world.gh, runId) });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('skipped');
    expect(unescapeMarkdown(result.summary)).toMatch(why);
    expect(world.model.requests).toHaveLength(0);
    expect(await remoteBranches(world.remote)).toEqual(['main']);
  });
});

describe('fix in an `if: failure()` step of the failing job', () => {
  /** Runs the step as the PR's workflow would, in a fresh checkout (of the PR head unless told otherwise). */
  async function runStep(w: World, runId: number, checkout?: string) {
    const workspace = await cloneWorkspace(w.remote, checkout ?? 'feature/x', { detached: true });
    return w.run({
      workspace,
      runId,
      eventName: 'pull_request',
      event: pullRequestEvent(w.gh, 1),
      ref: 'refs/pull/1/merge',
      env: { GITHUB_HEAD_REF: 'feature/x', GITHUB_BASE_REF: 'main' },
      inputs: { 'test-command': 'npm test' },
    });
  }

  it('opens the fix PR into the PR branch, leaves that branch alone, links the fix, and takes AGENTS.md from the base', async () => {
    const { w, headSha } = await redPullRequest(fixingScript(fix));
    worlds.track(w);
    const result = await runStep(w, 4242);

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    const branch = `redgreen/fix/feature-x-${headSha.slice(0, 7)}`;
    expect(result.outputs.branch).toBe(branch);
    expect((await log(w.remote, branch))[0]?.parents).toEqual([headSha]);
    expect((await git(w.remote, ['rev-parse', 'refs/heads/feature/x'])).trim()).toBe(headSha);

    const fixPr = w.gh.state.pulls.find((p) => p.head === branch);
    expect(fixPr?.base).toBe('feature/x');
    expect(result.outputs['pr-url']).toContain(`/pull/${fixPr!.number}`);
    const comments = w.gh.state.comments.filter((c) => c.issue === 1);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(result.outputs['pr-url']);

    const system = messageText(messages(w.model.requests[0]!)[0]!);
    expect(system).toContain(mainRules);
    expect(system).not.toContain(headRules);
  });

  it('needs no test-command on a push: reads the failed step of its own job and leaves the steps before it alone', async () => {
    const inJob = await readFile(path.join(data, 'ci-in-job.yml'), 'utf8');
    const job = JSON.parse(await readFile(path.join(data, 'ci-in-job-job.json'), 'utf8')) as JobInit;
    const world = await worlds.make({ project: 'node-test', remote: { files: { '.github/workflows/ci.yml': inJob } }, script: fixingScript(fix) });
    addFailedRun(world.gh, 4242, world.sha, { status: 'in_progress', conclusion: null, jobs: [job] });
    const env = { GITHUB_WORKFLOW_REF: 'owner/repo/.github/workflows/ci.yml@refs/heads/main', GITHUB_JOB: 'test' };
    // Checked out as `ref: ${{ github.event.pull_request.head.sha || github.sha }}` leaves it on a push: detached.
    const workspace = await cloneWorkspace(world.remote, world.sha);
    const result = await world.run({ workspace, eventName: 'push', ref: 'refs/heads/main', runId: 4242, env });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(result.summary).toMatch(/\(found from: [^)]*step "Run npm test" of job "test"/);
    // The install step already ran in this very job: it is not run again.
    expect(Object.keys(world.gh.artifactFiles(world.gh.state.artifacts[0]!.name)).filter((n) => n.includes('setup'))).toEqual([]);
    expect(world.gh.state.pulls.map((p) => [p.head, p.base])).toEqual([[`redgreen/fix/main-${world.sha.slice(0, 7)}`, 'main']]);
  });

  it('refuses the merge commit that actions/checkout takes for a pull request by default, and says what to check out', async () => {
    const { w, headSha } = await redPullRequest(fixingScript(fix));
    worlds.track(w);
    // main moved on after the branch was made, so the merge commit holds more than the PR's own work.
    await commitToRemote(w.remote, 'main', { 'CHANGELOG.md': '# Changes\n' }, { message: 'Add a changelog' });
    const mergeSha = await pushMergeRef(w.remote, 'main', 'feature/x', 1);
    const result = await runStep(w, 4242, mergeSha);

    expect(result.outputs.status, result.stdout).toBe('error');
    expect(result.exitCode).not.toBe(0);
    const message = errorAnnotation(result.stdout);
    expect(message).toContain(headSha.slice(0, 7));
    expect(message).toContain('ref: ${{ github.event.pull_request.head.sha }}');
    expect(w.model.requests).toHaveLength(0);
    expect(await remoteBranches(w.remote)).toEqual(['feature/x', 'main']);
  });

  it('handles the same failure again by updating its branch and PR, and never overwrites a human commit', async () => {
    const { w, headSha } = await redPullRequest([...fixingScript(fix), ...fixingScript(fix), ...fixingScript(fix)]);
    worlds.track(w);
    const branch = `redgreen/fix/feature-x-${headSha.slice(0, 7)}`;

    const first = await runStep(w, 4242);
    expect(first.outputs.status, first.stdout).toBe('fixed');
    const firstSha = (await log(w.remote, branch))[0]!.sha;

    const second = await runStep(w, 4243);
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs.status).toBe('fixed');
    expect(second.outputs.branch).toBe(branch);
    expect(second.outputs['pr-url']).toBe(first.outputs['pr-url']);
    const commits = await log(w.remote, branch);
    expect(commits[0]!.sha).not.toBe(firstSha);
    expect(commits[0]!.parents).toEqual([headSha]);
    expect(await remoteBranches(w.remote)).toEqual(['feature/x', 'main', branch]);
    expect(w.gh.state.pulls.filter((p) => p.state === 'open' && p.head === branch)).toHaveLength(1);
    const comments = w.gh.state.comments.filter((c) => c.issue === 1);
    expect(comments).toHaveLength(1);
    expect(w.gh.requests.filter((r) => r.route === 'issues.updateComment')).toHaveLength(1);

    // A reviewer adds to the fix; the next run must leave that work alone.
    const human = await commitToRemote(w.remote, branch, { 'NOTES.md': 'Checked the edge cases by hand.\n' }, {
      message: 'Note the edge cases',
      author: { name: 'Rita Reviewer', email: 'rita@example.com' },
    });
    const third = await runStep(w, 4244);
    expect(third.exitCode).not.toBe(0);
    expect(third.outputs.status).toBe('error');
    expect(errorAnnotation(third.stdout)).toContain(human.slice(0, 7));
    expect((await log(w.remote, branch))[0]!.sha).toBe(human);
    expect(w.gh.state.pulls.filter((p) => p.head === branch)).toHaveLength(1);
  });
});
