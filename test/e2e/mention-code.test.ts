// Mentions that change code, end to end through dist/: a task on an issue opens a PR that closes it; `fix` on a red
// pull request opens a fix PR into that pull request's branch, which is never pushed to.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findTrigger } from '../../src/github/mention.js';
import { issueCommentEvent, issueOpenedEvent } from '../support/events.js';
import { commitToRemote, freshClone, git, log, remoteBranches } from '../support/git.js';
import type { ModelStep } from '../support/openai-server.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { mentionWorld, ownComments, runWorkflow, workflow } from './mention-world.js';
import { createState, takeId, type JobInit } from '../support/github-state.js';
import { closedAfterEach, fixingScript, fixtures, readFix, toolchainEnv } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);
const worlds = closedAfterEach();
const fix = await readFix('node-test');
const buggy = await readFile(path.join(fixtures, 'node-test', fix.path), 'utf8');
const green = buggy.replace(fix.old_string, fix.new_string);

const sumFn = 'export function sum(values) {\n  return values.reduce((total, value) => total + value, 0);\n}\n';
const productTest = [
  "import { test } from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { product } from '../src/range.js';",
  "test('product multiplies every value', () => assert.equal(product([2, 3, 4]), 24));",
  '',
].join('\n');
const taskScript: ModelStep[] = [
  { tools: [{ name: 'edit_file', args: { path: 'src/range.js', old_string: sumFn, new_string: `${sumFn}\nexport function product(values) {\n  return values.reduce((total, value) => total * value, 1);\n}\n` } }] },
  { tools: [{ name: 'write_file', args: { path: 'test/product.test.js', content: productTest } }] },
  { content: 'Added product() and its test.' },
];

describe('a task mention on an issue', () => {
  it('opens a PR from the default branch that closes the issue, and the progress comment ends with its link', async () => {
    const body = '@redgreen add a product function next to sum in src/range.js, with a test.';
    const w = worlds.track(
      await mentionWorld({ files: { [fix.path]: green }, github: { issues: [{ number: 3, title: 'We need product()', body, user: 'alice' }] }, script: taskScript }),
    );
    const event = issueOpenedEvent(w.gh, 3);
    expect(workflow.on.issues?.types).toEqual(['opened']);
    expect(workflow.runsFor('issues', event)).toBe(true);
    const result = await runWorkflow(w, 'issues', event, 'alice');

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('completed');
    const branch = result.outputs.branch!;
    expect(branch).toMatch(/^redgreen\/task\/add-a-product-function/);
    expect((await log(w.remote, branch))[0]?.parents).toEqual([w.sha]);
    const pulls = w.gh.state.pulls.filter((p) => p.head === branch);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.base).toBe('main');
    expect(pulls[0]!.body).toMatch(/^Closes #3$/m);
    expect(pulls[0]!.title).toBe('redgreen: add a product function next to sum in src/range.js, with a test.');

    // A fresh clone of the branch passes the test command, with the new test in it.
    const clone = await freshClone(w.remote, branch);
    const env = { ...process.env, ...toolchainEnv };
    const { stdout } = await exec('bash', ['-c', 'npm test'], { cwd: clone, env });
    expect(stdout).toContain('product multiplies every value');

    // 👀 on the issue itself; one comment, which ends with the outcome and the PR link.
    expect(w.gh.state.reactions).toEqual([expect.objectContaining({ subject: 'issue', subjectId: 3, content: 'eyes' })]);
    const mine = ownComments(w);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain(`**Pull request:** ${result.outputs['pr-url']}`);
    expect(mine[0]!.body).toMatch(/completed/);
    expect(mine[0]!.body).toMatch(/\| verify \|/);
    expect(findTrigger(mine[0]!.body, '@redgreen')).toBeUndefined();
  });
});

describe('@redgreen fix on a red pull request', () => {
  it('checks out the pinned head, fixes it, and opens a fix PR into the PR branch without pushing to it', async () => {
    const w = worlds.track(
      await mentionWorld({ files: { [fix.path]: green }, github: { pulls: [{ head: 'feature/x', base: 'main', title: 'Faster range', user: 'bob' }] }, script: fixingScript(fix) }),
    );
    // main is green; the pull request brings the bug. The workspace is main, as actions/checkout leaves it on issue_comment.
    const head = await commitToRemote(w.remote, 'feature/x', { [fix.path]: buggy }, { from: 'main', message: 'Faster range' });
    w.gh.state.pulls[0]!.headSha = head;
    w.gh.state.comments.push({ id: 900, issue: 1, user: 'alice', body: 'The tests fail here.\n\n@redgreen fix', createdAt: '', updatedAt: '' });
    const event = issueCommentEvent(w.gh, 900);
    expect(JSON.stringify(event)).not.toContain(head);
    const result = await runWorkflow(w, 'issue_comment', event, 'alice');

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(result.outputs.branch).toBe(`redgreen/fix/feature-x-${head.slice(0, 7)}`);
    expect((await log(w.remote, result.outputs.branch!))[0]?.parents).toEqual([head]);
    const pulls = w.gh.state.pulls.filter((p) => p.head === result.outputs.branch);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.base).toBe('feature/x');
    expect(pulls[0]!.body).not.toMatch(/Closes #/);
    // The pull request's own branch is untouched.
    expect((await git(w.remote, ['rev-parse', 'feature/x'])).trim()).toBe(head);
    expect(await remoteBranches(w.remote)).toEqual(['feature/x', 'main', result.outputs.branch]);
    // One comment in the PR's conversation: the progress comment, ending with the fix PR's link.
    const mine = ownComments(w);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.where).toBe('#1');
    expect(mine[0]!.body).toContain(result.outputs['pr-url']);
    expect(mine[0]!.body).toMatch(/fixed/);
  });
});

describe('@redgreen fix without a test-command', () => {
  it('reads the command from the failed run of the pull request head, and fixes', async () => {
    const data = path.join(fixtures, '..', 'workflows');
    const ciYml = await readFile(path.join(data, 'ci.yml'), 'utf8');
    const ciJob = JSON.parse(await readFile(path.join(data, 'ci-test-job.json'), 'utf8')) as JobInit;
    const ciLog = await readFile(path.join(data, 'ci-test-job.log'), 'utf8');
    const w = worlds.track(
      await mentionWorld({
        files: { [fix.path]: green, '.github/workflows/ci.yml': ciYml },
        github: { pulls: [{ head: 'feature/z', base: 'main' }] },
        script: fixingScript(fix),
      }),
    );
    const head = await commitToRemote(w.remote, 'feature/z', { [fix.path]: buggy }, { from: 'main' });
    w.gh.state.pulls[0]!.headSha = head;
    // Two runs on the head: the newest failed one is read, an older green one and another commit's are not.
    const [failed] = createState({ runs: [{ id: 7001, headSha: head, headBranch: 'feature/z', event: 'pull_request', pullRequests: [1], jobs: [{ ...ciJob, log: ciLog }] }] }).runs;
    for (const job of failed!.jobs) job.id = takeId(w.gh.state);
    w.gh.state.runs.push(failed!, { ...failed!, id: 6999, conclusion: 'success', jobs: [] }, { ...failed!, id: 7002, headSha: w.sha, jobs: [] });
    w.gh.state.comments.push({ id: 901, issue: 1, user: 'alice', body: '@redgreen fix', createdAt: '', updatedAt: '' });
    const result = await runWorkflow(w, 'issue_comment', issueCommentEvent(w.gh, 901), 'alice', { 'test-command': '' });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(result.summary).toMatch(/found from: The command of step "Run npm test" of job "test" .* where run 7001 failed/);
    expect(w.gh.requests.find((r) => r.route === 'actions.listWorkflowRunsForRepo')?.query).toMatchObject({ head_sha: head, status: 'failure' });
    expect(w.gh.state.pulls.find((p) => p.head === result.outputs.branch)?.base).toBe('feature/z');
  });
});

