// The Git wrapper: results as values, typed errors with stderr, stdin, extra env, and no repository hooks.
import { access, chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError } from '../../../src/delivery/git.js';
import { makeRepo } from './repo.js';

describe('Git', () => {
  it('returns stdout and exit code, and throws GitError with stderr unless failure is allowed', async () => {
    const repo = await makeRepo();
    const ok = await repo.git.exec(['rev-parse', 'HEAD']);
    expect(ok).toEqual({ exitCode: 0, stdout: `${repo.base}\n`, stderr: '' });

    const failed = await repo.git.exec(['rev-parse', '--verify', 'no-such-ref'], { allowFailure: true });
    expect(failed.exitCode).toBe(128);
    expect(failed.stderr).toContain('Needed a single revision');

    const thrown = repo.git.exec(['rev-parse', '--verify', 'no-such-ref']);
    await expect(thrown).rejects.toBeInstanceOf(GitError);
    await expect(thrown).rejects.toMatchObject({ exitCode: 128, stderr: expect.stringContaining('Needed a single revision') });
  });

  it('feeds stdin and adds env for one call', async () => {
    const repo = await makeRepo();
    const blob = await repo.git.exec(['hash-object', '-w', '--stdin'], { input: 'hello\n' });
    expect(blob.stdout.trim()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const who = await repo.git.exec(['var', 'GIT_AUTHOR_IDENT'], { env: { GIT_AUTHOR_NAME: 'Env Name', GIT_AUTHOR_EMAIL: 'e@x' } });
    expect(who.stdout).toMatch(/^Env Name <e@x>/);
  });

  it('has helpers for revisions and local config', async () => {
    const repo = await makeRepo();
    expect(await repo.git.revParse('HEAD')).toBe(repo.base);
    expect(await repo.git.tryRevParse('nope')).toBeUndefined();
    expect(await repo.git.topLevel()).toBe(repo.work);
    expect(await repo.git.commonDir()).toBe(path.join(repo.work, '.git'));
    await repo.git.configSet('redgreen.test', 'one');
    repo.sh(['config', '--local', '--add', 'redgreen.test', 'two']);
    expect(await repo.git.configGetAll('redgreen.test')).toEqual(['one', 'two']);
    await repo.git.configUnset('redgreen.test', 'one');
    expect(await repo.git.configGetAll('redgreen.test')).toEqual(['two']);
    await repo.git.configUnset('redgreen.test');
    await repo.git.configUnset('redgreen.test');
    expect(await repo.git.configGetAll('redgreen.test')).toEqual([]);
    expect(await repo.git.pushUrl('origin')).toBe(repo.bare);
  });

  it('runs no hook the repository installed', async () => {
    const repo = await makeRepo();
    const marker = path.join(repo.root, 'hook-ran');
    const hook = path.join(repo.work, '.git', 'hooks', 'pre-commit');
    await writeFile(hook, `#!/bin/sh\ntouch "${marker}"\n`);
    await chmod(hook, 0o755);
    await repo.write('README.md', '# changed\n');
    await repo.git.exec(['commit', '-qam', 'no hooks'], {
      env: { GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' },
    });
    await expect(access(marker)).rejects.toThrow();
    // The same hook does run under plain git, so the check above means something.
    await repo.write('README.md', '# changed again\n');
    repo.sh(['commit', '-qam', 'with hooks']);
    await expect(access(marker)).resolves.toBeUndefined();
  });
});
