// The `redgreen` command as a person runs it: the offline demo, and a fix in a local checkout against a local model server.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { cloneWorkspace, createRemote, git, remoteBranches } from '../support/git.js';
import { cliBin, cliEnv } from '../support/cli.js';
import { startOpenAIServer } from '../support/openai-server.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { fixingScript, fixtures, readFix } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);
const bin = cliBin;
const env = cliEnv;

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

describe('redgreen CLI', () => {
  it('demo: fixes the bundled project offline and prints the evidence table', async () => {
    const { stdout } = await exec(process.execPath, [bin, 'demo'], { env: env(), timeout: 60_000 });
    expect(stdout).toContain('redgreen: fixed');
    expect(stdout).toMatch(/reproduce\s+full\s+failed/);
    expect(stdout).toMatch(/verify\s+full\s+passed/);
    expect(stdout).toContain('ten items of one kind get 10% off: failed -> passed');
    expect(stdout).toMatch(/The fix is on the local branch redgreen\/fix\/main-[0-9a-f]{7}/);
    const evidence = /evidence: (\S+)/.exec(stdout)?.[1];
    expect(evidence).toBeDefined();
    expect(await readFile(path.join(evidence!, 'fix.patch'), 'utf8')).toContain('item.quantity >= 10');
  });

  it('demo on a terminal: the diff is coloured', async (ctx) => {
    // util-linux `script` gives the command a pseudo-terminal, as a person's shell would.
    const hasScript = await exec('script', ['--version']).then(() => true, () => false);
    if (!hasScript) ctx.skip();
    const { stdout } = await exec('script', ['-qec', `${process.execPath} ${bin} demo`, '/dev/null'], { env: env(), timeout: 60_000 });
    expect(stdout).toContain('redgreen: fixed');
    expect(stdout).toMatch(/\x1b\[32m\+.*\x1b\[m\x1b\[32m  return item\.quantity >= 10/);
    expect(stdout).toMatch(/\x1b\[31m-  return item\.quantity > 10/);
  });

  it('fix: repairs a local checkout on a local branch, with the key from OPENAI_API_KEY', async () => {
    const fix = await readFix('node-test');
    const model = await startOpenAIServer(fixingScript(fix), { apiKey: 'sk-local-test-key-123' });
    closeServer = model.close;
    const { remote, sha } = await createRemote(path.join(fixtures, 'node-test'));
    const checkout = await cloneWorkspace(remote, 'main');

    const { stdout } = await exec(process.execPath, [bin, 'fix', '--test', 'npm test', '--openai-base-url', model.url], {
      cwd: checkout,
      env: env({ OPENAI_API_KEY: 'sk-local-test-key-123' }),
      timeout: 120_000,
    });
    expect(stdout).toContain('redgreen: fixed');
    const branch = `redgreen/fix/main-${sha.slice(0, 7)}`;
    expect(stdout).toContain(`The fix is on the local branch ${branch}`);
    // The branch is local: one commit on the failing one, with the fix; nothing was pushed.
    expect((await git(checkout, ['rev-parse', `${branch}^`])).trim()).toBe(sha);
    expect(await git(checkout, ['show', `${branch}:${fix.path}`])).toContain(fix.new_string);
    expect(await remoteBranches(remote)).toEqual(['main']);
    expect(model.requests.every((r) => r.headers.authorization === 'Bearer sk-local-test-key-123')).toBe(true);
  });

  it('--push branch: the branch goes to origin, the checkout gains no branch, and the diff is still shown', async () => {
    const fix = await readFix('node-test');
    const model = await startOpenAIServer(fixingScript(fix), { apiKey: 'sk-local-test-key-123' });
    closeServer = model.close;
    const { remote, sha } = await createRemote(path.join(fixtures, 'node-test'));
    const checkout = await cloneWorkspace(remote, 'main');

    const args = [bin, 'fix', '--test', 'npm test', '--openai-base-url', model.url, '--push', 'branch', '--json'];
    const { stdout } = await exec(process.execPath, args, { cwd: checkout, env: env({ OPENAI_API_KEY: 'sk-local-test-key-123' }), timeout: 120_000 });
    const result = JSON.parse(stdout) as { status: string; branch: string; pushed: boolean; diff: string };
    const branch = `redgreen/fix/main-${sha.slice(0, 7)}`;
    expect(result).toMatchObject({ status: 'fixed', branch, pushed: true });
    expect(await remoteBranches(remote)).toEqual(['main', branch]);
    expect(await git(checkout, ['branch', '--list', 'redgreen/*'])).toBe('');
    expect(result.diff).toContain(`+++ b/${fix.path}`);
    expect(result.diff).toContain(fix.new_string);
  });

  it('explains what is missing instead of starting', async () => {
    const { remote } = await createRemote(path.join(fixtures, 'node-test'));
    const checkout = await cloneWorkspace(remote, 'main');
    const run = exec(process.execPath, [bin, 'fix', '--test', 'npm test'], { cwd: checkout, env: env(), timeout: 30_000 });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('OPENAI_API_KEY') });
    // With --json a script still gets one object to read, and the same exit code.
    const json = exec(process.execPath, [bin, 'fix', '--test', 'npm test', '--json'], { cwd: checkout, env: env(), timeout: 30_000 });
    const failed = await json.then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(JSON.parse(failed!.stdout)).toEqual({ status: 'error', reason: expect.stringContaining('OPENAI_API_KEY') });
    const help = await exec(process.execPath, [bin, '--help'], { env: env() });
    for (const flag of ['--test-command', '--openai-base-url', '--max-iterations', '--test-timeout', '--push', '--coverage-command', '--evidence-dir', '--json']) {
      expect(help.stdout).toContain(flag);
    }
  });
});
