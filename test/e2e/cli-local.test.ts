// A local run leaves the user's checkout as it was (uncommitted changes included), shows the diff, and speaks JSON and exit codes to scripts.
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cloneWorkspace, createRemote, FixtureAuthor, git } from '../support/git.js';
import { cliBin, cliEnv } from '../support/cli.js';
import { startOpenAIServer } from '../support/openai-server.js';
import { leftoverProcesses } from '../support/processes.js';
import { keepTempDirsOnFailure, makeTempDir } from '../support/tmp.js';
import { fixingScript, fixtures, readFix } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);
const bin = cliBin;
const KEY = 'sk-local-test-key-123';
const env = cliEnv;

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

const commit = (dir: string, message: string) =>
  git(dir, ['-c', `user.name=${FixtureAuthor.name}`, '-c', `user.email=${FixtureAuthor.email}`, 'commit', '-q', '-m', message]);

/** Everything a user could see of their checkout: branch, HEAD, status, both diffs, the worktrees, one file's bytes. */
async function snapshot(dir: string, file: string) {
  return {
    ref: await git(dir, ['symbolic-ref', 'HEAD']),
    head: await git(dir, ['rev-parse', 'HEAD']),
    status: await git(dir, ['status', '--porcelain', '--untracked-files=all', '--ignored']),
    unstaged: await git(dir, ['diff']),
    staged: await git(dir, ['diff', '--cached']),
    worktrees: await git(dir, ['worktree', 'list', '--porcelain']),
    file: await readFile(path.join(dir, file), 'utf8'),
  };
}

const Row = z.object({
  phase: z.string().min(1),
  command: z.string(),
  scope: z.enum(['full', 'targeted']),
  result: z.enum(['passed', 'failed', 'timed out']),
  passed: z.number().nullable(),
  failed: z.number().nullable(),
  'duration-ms': z.number(),
});
const JsonResult = z.object({
  status: z.string(),
  reason: z.string(),
  branch: z.string().nullable(),
  pushed: z.boolean(),
  'pr-url': z.null(),
  attempts: z.number(),
  tokens: z.number(),
  'cost-usd': z.number().nullable(),
  'evidence-dir': z.string(),
  base: z.object({ sha: z.string(), branch: z.string().nullable() }),
  'uncommitted-changes': z.number(),
  diff: z.string().nullable(),
  runs: z.array(Row),
});

describe('redgreen CLI on a local checkout', () => {
  it('works in a temporary worktree: branch, HEAD, status and uncommitted changes stay exactly as they were', async () => {
    const fix = await readFix('node-test');
    const model = await startOpenAIServer(fixingScript(fix), { apiKey: KEY });
    closeServer = model.close;
    const { remote } = await createRemote(path.join(fixtures, 'node-test'));
    const checkout = await cloneWorkspace(remote, 'main');
    // Installed dependencies, ignored by git, that the test command needs: linked into the run's worktree, never removed.
    await writeFile(path.join(checkout, '.gitignore'), 'node_modules/\n');
    await git(checkout, ['add', '.gitignore']);
    await commit(checkout, 'Ignore node_modules');
    await mkdir(path.join(checkout, 'node_modules', 'marker-pkg'), { recursive: true });
    await writeFile(path.join(checkout, 'node_modules', 'marker-pkg', 'index.js'), 'module.exports = 1;\n');
    const head = (await git(checkout, ['rev-parse', 'HEAD'])).trim();
    // The user's work in progress: an unstaged edit of the very file the model fixes, a staged file, an untracked one.
    await appendFile(path.join(checkout, fix.path), '// my local note, not committed\n');
    await writeFile(path.join(checkout, 'staged.txt'), 'staged, not committed\n');
    await git(checkout, ['add', 'staged.txt']);
    await writeFile(path.join(checkout, 'scratch.txt'), 'untracked\n');
    const before = await snapshot(checkout, fix.path);
    const gitFiles = () => Promise.all(['index', 'config', 'HEAD'].map((f) => readFile(path.join(checkout, '.git', f))));
    const filesBefore = await gitFiles();
    const refsBefore = await git(checkout, ['for-each-ref', '--format=%(refname) %(objectname)']);

    const test = `node -e "require('marker-pkg')" && npm test`;
    const { stdout } = await exec(process.execPath, [bin, 'fix', '--test', test, '--openai-base-url', model.url], {
      cwd: checkout,
      env: env({ OPENAI_API_KEY: KEY }),
      timeout: 120_000,
    });
    expect(stdout).toContain('redgreen: fixed');
    // The index, config and HEAD files byte for byte, and every ref but the new branch.
    expect(await gitFiles()).toEqual(filesBefore);
    const refsAfter = await git(checkout, ['for-each-ref', '--format=%(refname) %(objectname)']);
    expect(refsAfter.split('\n').filter((l) => !l.startsWith('refs/heads/redgreen/')).join('\n')).toBe(refsBefore);
    expect(await snapshot(checkout, fix.path)).toEqual(before);
    expect(await stat(path.join(checkout, 'node_modules', 'marker-pkg', 'index.js'))).toBeTruthy();
    expect(stdout).toContain('linked from your checkout (not tracked by git): node_modules');
    expect(stdout).toMatch(/uncommitted changes \(3 paths\); they were not part of the run/);

    // The fix is on the branch alone, made from HEAD: the user's uncommitted note is not in it.
    const branch = `redgreen/fix/main-${head.slice(0, 7)}`;
    expect((await git(checkout, ['rev-parse', `${branch}^`])).trim()).toBe(head);
    const fixed = await git(checkout, ['show', `${branch}:${fix.path}`]);
    expect(fixed).toContain(fix.new_string);
    expect(fixed).not.toContain('my local note');
    expect(await git(checkout, ['diff', '--name-only', head, branch])).toBe(`${fix.path}\n`);

    // The diff, plain because stdout is a pipe, comes before the evidence table.
    const diffAt = stdout.indexOf(`+++ b/${fix.path}`);
    expect(diffAt).toBeGreaterThan(-1);
    expect(diffAt).toBeLessThan(stdout.indexOf('redgreen: fixed'));
    expect(stdout).toMatch(new RegExp(`^\\+.*${fix.new_string.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(stdout).not.toContain('\x1b[');
  });

  it('--json prints one object with the outputs and the evidence rows; progress goes to stderr (project in a subfolder)', async () => {
    const fix = await readFix('node-test');
    const model = await startOpenAIServer(fixingScript(fix), { apiKey: KEY });
    closeServer = model.close;
    // The project lives in packages/lib of the repository, and the run is started from the top with -C.
    const monorepo = await makeTempDir('monorepo');
    await cp(path.join(fixtures, 'node-test'), path.join(monorepo, 'packages', 'lib'), { recursive: true });
    const { remote, sha } = await createRemote(monorepo);
    const checkout = await cloneWorkspace(remote, 'main');

    const args = [bin, 'fix', '-C', 'packages/lib', '--test', 'npm test', '--openai-base-url', model.url, '--json'];
    const { stdout, stderr } = await exec(process.execPath, args, {
      cwd: checkout,
      env: env({ OPENAI_API_KEY: KEY }),
      timeout: 120_000,
    });
    const result = JsonResult.parse(JSON.parse(stdout));
    expect(result).toMatchObject({ status: 'fixed', branch: `redgreen/fix/main-${sha.slice(0, 7)}`, pushed: false, 'uncommitted-changes': 0 });
    expect(result.base).toEqual({ sha, branch: 'main' });
    expect(result.tokens).toBeGreaterThan(0);
    expect(result.attempts).toBe(result.runs.filter((r) => r.phase === 'edit-check' || r.phase === 'verify').length);
    expect(result.runs[0]).toMatchObject({ phase: 'reproduce', command: 'npm test', scope: 'full', result: 'failed' });
    expect(result.runs.at(-1)).toMatchObject({ phase: 'verify', command: 'npm test', scope: 'full', result: 'passed', failed: 0 });
    expect(result.diff).toContain(`+++ b/packages/lib/${fix.path}`);
    expect(await git(checkout, ['show', `${result.branch}:packages/lib/${fix.path}`])).toContain(fix.new_string);
    expect(await readFile(path.join(result['evidence-dir'], 'fix.patch'), 'utf8')).toContain(fix.new_string);
    expect(stderr).toContain('▸ Reproduce');
    expect(stderr).toContain('committed');
  });

  it('exits 0 for an honest outcome that is not a fix, and 1 for error, with the status in the JSON', async () => {
    const fix = await readFix('node-test');
    const model = await startOpenAIServer(fixingScript(fix), { apiKey: KEY });
    closeServer = model.close;
    const { remote } = await createRemote(path.join(fixtures, 'node-test'));

    // A rejected key: the run cannot be carried out.
    const broken = await cloneWorkspace(remote, 'main');
    const run = exec(process.execPath, [bin, 'fix', '--test', 'npm test', '--openai-base-url', model.url, '--json'], {
      cwd: broken,
      env: env({ OPENAI_API_KEY: 'sk-wrong-key' }),
      timeout: 120_000,
    });
    const failure = await run.then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(JsonResult.parse(JSON.parse(failure!.stdout))).toMatchObject({ status: 'error', branch: null });

    // Already green here: not-reproduced, no model request, exit 0.
    const green = await cloneWorkspace(remote, 'main');
    const file = path.join(green, fix.path);
    await writeFile(file, (await readFile(file, 'utf8')).replace(fix.old_string, fix.new_string));
    await git(green, ['add', fix.path]);
    await commit(green, 'Fix it by hand');
    const before = model.completions.length;
    const { stdout } = await exec(process.execPath, [bin, 'fix', '--test', 'npm test', '--openai-base-url', model.url, '--json'], {
      cwd: green,
      env: env({ OPENAI_API_KEY: KEY }),
      timeout: 120_000,
    });
    expect(JsonResult.parse(JSON.parse(stdout))).toMatchObject({ status: 'not-reproduced', branch: null, diff: null, attempts: 0 });
    expect(model.completions.length).toBe(before);
  });

  it('Ctrl-C stops the tests, removes the worktree and exits 130', async () => {
    const { remote } = await createRemote(path.join(fixtures, 'node-test'));
    const checkout = await cloneWorkspace(remote, 'main');
    const before = await git(checkout, ['worktree', 'list', '--porcelain']);
    const marker = randomUUID();
    const started = path.join(await makeTempDir('interrupt'), 'started');
    const child = spawn(process.execPath, [bin, 'fix', '--test', `touch ${started} && sleep 300`, '--openai-base-url', 'http://127.0.0.1:9/v1'], {
      cwd: checkout,
      env: env({ OPENAI_API_KEY: KEY, REDGREEN_TEST_MARK: marker }),
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait for the test command to be running inside the worktree (bounded by the test's own timeout).
    while (!(await stat(started).catch(() => undefined))) await sleep(50);
    expect(await git(checkout, ['worktree', 'list', '--porcelain'])).not.toBe(before);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await git(checkout, ['worktree', 'list', '--porcelain'])).toBe(before);
    expect(await leftoverProcesses('REDGREEN_TEST_MARK', marker, -1)).toEqual([]);
  });
});
