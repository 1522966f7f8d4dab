// pushChanges against real git and a local bare remote: only the listed files, no moved HEAD, safe overwrites.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BranchConflictError, NoChangesError, RefusedBranchError } from '../../../src/delivery/errors.js';
import { Git } from '../../../src/delivery/git.js';
import { pushChanges, type PushOptions } from '../../../src/delivery/push.js';
import { isolatedEnv, makeRepo, type TestRepo } from './repo.js';

const author = { name: 'redgreen[bot]', email: 'redgreen[bot]@users.noreply.github.com' };

function options(repo: TestRepo, over: Partial<PushOptions> = {}): PushOptions {
  return {
    git: repo.git,
    baseSha: repo.base,
    branch: 'redgreen/fix/main-abc1234',
    prefix: 'redgreen/',
    protectedBranches: ['main'],
    files: ['src/app.js'],
    message: 'Fix add()',
    author,
    trailer: 'https://github.com/o/r/actions/runs/1',
    ...over,
  };
}

/** Everything about the checkout that a push must leave alone. */
function snapshot(repo: TestRepo) {
  return {
    head: repo.sh(['rev-parse', 'HEAD']),
    symbolic: repo.sh(['symbolic-ref', 'HEAD']),
    status: repo.sh(['status', '--porcelain=v1', '--untracked-files=all']),
    staged: repo.sh(['diff', '--cached']),
    unstaged: repo.sh(['diff']),
    refs: repo.sh(['for-each-ref']),
  };
}

describe('pushChanges', () => {
  it('commits only the listed files and leaves HEAD, index and working tree as they were', async () => {
    const repo = await makeRepo({ 'package-lock.json': '{"lockfileVersion": 3}\n', 'old.txt': 'to be deleted\n' });
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    await repo.write('src/new.js', 'export const one = 1;\n');
    await rm(path.join(repo.work, 'old.txt'));
    // What a test run leaves behind: a rewritten lock file, build output, and a staged change of the user's.
    await repo.write('package-lock.json', '{"lockfileVersion": 3, "changed": true}\n');
    await repo.write('dist/out.js', 'built\n');
    await repo.write('README.md', '# app, staged\n');
    repo.sh(['add', 'README.md']);
    const before = snapshot(repo);

    const result = await pushChanges(options(repo, { files: ['src/app.js', 'src/new.js', 'old.txt', './src/app.js'] }));

    expect(snapshot(repo)).toEqual(before);
    expect(result.updated).toBe(false);
    const pushed = repo.sh(['rev-parse', 'refs/heads/redgreen/fix/main-abc1234'], { cwd: repo.bare }).trim();
    expect(pushed).toBe(result.sha);
    expect(repo.sh(['rev-parse', `${result.sha}^`], { cwd: repo.bare }).trim()).toBe(repo.base);
    const names = repo.sh(['diff', '--name-status', repo.base, result.sha], { cwd: repo.bare });
    expect(names.trim().split('\n').sort()).toEqual(['A\tsrc/new.js', 'D\told.txt', 'M\tsrc/app.js']);
    expect(repo.sh(['show', `${result.sha}:src/app.js`], { cwd: repo.bare })).toBe('export const add = (a, b) => a + b;\n');
    expect(result.changes).toEqual(
      expect.arrayContaining([
        { path: 'src/app.js', added: 1, removed: 1 },
        { path: 'src/new.js', added: 1, removed: 0 },
        { path: 'old.txt', added: 0, removed: 1 },
      ]),
    );
    expect(result.changes).toHaveLength(3);

    const message = repo.sh(['log', '-1', '--format=%B%x00%an <%ae>%x00%cn', result.sha], { cwd: repo.bare });
    const [body, who, committer] = message.split('\0');
    expect(body?.trim()).toBe('Fix add()\n\nRedgreen-Run: https://github.com/o/r/actions/runs/1');
    expect(who).toBe('redgreen[bot] <redgreen[bot]@users.noreply.github.com>');
    expect(committer?.trim()).toBe('redgreen[bot]');

    const patch = result.patch;
    expect(patch).toContain('Subject: [PATCH] Fix add()');
    expect(patch).toContain('+export const add = (a, b) => a + b;');
    expect(patch).not.toContain('package-lock');
  });

  it('replaces its own branch on a second push, based on the same commit', async () => {
    const repo = await makeRepo();
    await repo.write('src/app.js', 'export const add = (a, b) => a + b; // first\n');
    const first = await pushChanges(options(repo));
    await repo.write('src/app.js', 'export const add = (a, b) => a + b; // second\n');
    const second = await pushChanges(options(repo));

    expect(second.updated).toBe(true);
    expect(second.sha).not.toBe(first.sha);
    const tip = repo.sh(['rev-parse', 'refs/heads/redgreen/fix/main-abc1234'], { cwd: repo.bare }).trim();
    expect(tip).toBe(second.sha);
    expect(repo.sh(['rev-list', '--count', `${repo.base}..${tip}`], { cwd: repo.bare }).trim()).toBe('1');
  });

  it('refuses to overwrite a branch that carries a commit redgreen did not make', async () => {
    const repo = await makeRepo();
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    const ours = await pushChanges(options(repo));
    // A maintainer adds a commit of their own on top of the fix branch.
    const other = path.join(repo.root, 'other');
    repo.sh(['clone', '--quiet', '--branch', 'redgreen/fix/main-abc1234', repo.bare, other], { cwd: repo.root });
    await writeFile(path.join(other, 'NOTE.md'), 'mine\n');
    repo.sh(['add', 'NOTE.md'], { cwd: other });
    repo.sh(['commit', '--quiet', '-m', 'Maintainer tweak'], { cwd: other });
    repo.sh(['push', '--quiet', 'origin', 'HEAD'], { cwd: other });
    const foreign = repo.sh(['rev-parse', 'HEAD'], { cwd: other }).trim();

    await repo.write('src/app.js', 'export const add = (a, b) => b + a;\n');
    const attempt = pushChanges(options(repo));
    await expect(attempt).rejects.toBeInstanceOf(BranchConflictError);
    await expect(attempt).rejects.toMatchObject({
      branch: 'redgreen/fix/main-abc1234',
      foreign: { sha: foreign, subject: 'Maintainer tweak', author: 'Someone <someone@example.com>' },
    });
    expect(repo.sh(['rev-parse', 'refs/heads/redgreen/fix/main-abc1234'], { cwd: repo.bare }).trim()).toBe(foreign);
    expect(ours.sha).not.toBe(foreign);
  });

  it('replaces its own branch from a shallow checkout after the base branch moved on', async () => {
    // A scheduled run: last week's branch sits on an older main; this week's checkout is depth 1.
    const repo = await makeRepo();
    await repo.write('README.md', '# app, second\n');
    repo.sh(['commit', '--quiet', '-am', 'second']);
    repo.sh(['push', '--quiet', 'origin', 'main']);
    const older = repo.sh(['rev-parse', 'HEAD']).trim();
    await repo.write('src/app.js', 'export const add = (a, b) => a + b; // last week\n');
    await pushChanges(options(repo, { baseSha: older, branch: 'redgreen/coverage/main' }));
    await repo.write('README.md', '# app, third\n');
    repo.sh(['commit', '--quiet', '-am', 'third']);
    repo.sh(['push', '--quiet', 'origin', 'main']);

    const shallow = path.join(repo.root, 'shallow');
    repo.sh(['clone', '--quiet', '--depth', '1', `file://${repo.bare}`, shallow], { cwd: repo.root });
    expect(repo.sh(['rev-parse', '--is-shallow-repository'], { cwd: shallow }).trim()).toBe('true');
    await writeFile(path.join(shallow, 'src/app.js'), 'export const add = (a, b) => a + b; // this week\n');
    const git = new Git(shallow, { env: isolatedEnv });
    const base = repo.sh(['rev-parse', 'HEAD'], { cwd: shallow }).trim();

    const result = await pushChanges(options(repo, { git, baseSha: base, branch: 'redgreen/coverage/main' }));
    expect(result.updated).toBe(true);
    expect(repo.sh(['rev-parse', `${result.sha}^`], { cwd: repo.bare }).trim()).toBe(base);

    // Someone's commit on top is still seen from a fresh shallow checkout.
    const other = path.join(repo.root, 'other');
    repo.sh(['clone', '--quiet', '--branch', 'redgreen/coverage/main', repo.bare, other], { cwd: repo.root });
    await writeFile(path.join(other, 'NOTE.md'), 'mine\n');
    repo.sh(['add', 'NOTE.md'], { cwd: other });
    repo.sh(['commit', '--quiet', '-m', 'Maintainer tweak'], { cwd: other });
    repo.sh(['push', '--quiet', 'origin', 'HEAD'], { cwd: other });
    const shallow2 = path.join(repo.root, 'shallow2');
    repo.sh(['clone', '--quiet', '--depth', '1', `file://${repo.bare}`, shallow2], { cwd: repo.root });
    await writeFile(path.join(shallow2, 'src/app.js'), 'export const add = (a, b) => a + b; // again\n');
    const again = pushChanges(
      options(repo, { git: new Git(shallow2, { env: isolatedEnv }), baseSha: base, branch: 'redgreen/coverage/main' }),
    );
    await expect(again).rejects.toMatchObject({ name: 'BranchConflictError', foreign: { subject: 'Maintainer tweak' } });
  });

  it('does not overwrite a branch that moves between the check and the push', async () => {
    const repo = await makeRepo();
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    await pushChanges(options(repo));
    // A git that, just before pushing, lets "someone else" move the branch on the remote.
    const wrapper = path.join(repo.root, 'racing-git');
    await writeFile(
      wrapper,
      `#!/bin/sh\ncase " $* " in *" push "*) /usr/bin/git --git-dir="${repo.bare}" update-ref refs/heads/redgreen/fix/main-abc1234 ${repo.base} ;; esac\nexec /usr/bin/git "$@"\n`,
      { mode: 0o755 },
    );
    await repo.write('src/app.js', 'export const add = (a, b) => b + a;\n');
    const racing = new Git(repo.work, { gitPath: wrapper, env: isolatedEnv });
    const attempt = pushChanges(options(repo, { git: racing }));
    await expect(attempt).rejects.toBeInstanceOf(BranchConflictError);
    await expect(attempt).rejects.toThrow(/changed on the remote while pushing/);
    expect(repo.sh(['rev-parse', 'refs/heads/redgreen/fix/main-abc1234'], { cwd: repo.bare }).trim()).toBe(repo.base);
  });

  it('refuses a branch that already exists with unrelated history and no trailer', async () => {
    const repo = await makeRepo();
    repo.sh(['push', '--quiet', 'origin', 'main:refs/heads/redgreen/fix/main-abc1234']);
    await repo.write('README.md', '# someone else\n');
    repo.sh(['commit', '--quiet', '-am', 'Unrelated work']);
    repo.sh(['push', '--quiet', 'origin', 'HEAD:refs/heads/redgreen/fix/main-abc1234']);
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');

    await expect(pushChanges(options(repo))).rejects.toMatchObject({
      name: 'BranchConflictError',
      foreign: { subject: 'Unrelated work' },
    });
  });

  it('refuses branches outside its prefix, protected branches and an empty prefix, before committing anything', async () => {
    const repo = await makeRepo();
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    const refs = repo.sh(['for-each-ref'], { cwd: repo.bare });
    await expect(pushChanges(options(repo, { branch: 'main' }))).rejects.toBeInstanceOf(RefusedBranchError);
    await expect(pushChanges(options(repo, { branch: 'feature/x' }))).rejects.toThrow(/does not start with "redgreen\/"/);
    await expect(pushChanges(options(repo, { branch: 'redgreen/x', protectedBranches: ['refs/heads/redgreen/x'] }))).rejects.toThrow(
      /default branch or the branch under repair/,
    );
    await expect(pushChanges(options(repo, { branch: 'main', prefix: '' }))).rejects.toThrow(/no branch prefix/);
    await expect(pushChanges(options(repo, { branch: 'redgreen/bad..name' }))).rejects.toThrow(/not a valid branch name/);
    expect(repo.sh(['for-each-ref'], { cwd: repo.bare })).toBe(refs);
  });

  it('refuses paths outside the working directory or inside .git', async () => {
    const repo = await makeRepo();
    await expect(pushChanges(options(repo, { files: ['../outside.js'] }))).rejects.toThrow(/not a path inside/);
    await expect(pushChanges(options(repo, { files: ['/etc/passwd'] }))).rejects.toThrow(/not a path inside/);
    await expect(pushChanges(options(repo, { files: ['.git/config'] }))).rejects.toThrow(/inside \.git/);
  });

  it('says so when the listed files hold no change', async () => {
    const repo = await makeRepo();
    await repo.write('dist/out.js', 'built\n');
    await expect(pushChanges(options(repo, { files: ['src/app.js'] }))).rejects.toBeInstanceOf(NoChangesError);
    expect(repo.sh(['ls-remote', '--heads', repo.bare])).not.toContain('redgreen/');
  });

  it('commits from a subfolder checkout with paths relative to it', async () => {
    const repo = await makeRepo();
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    const sub = new Git(path.join(repo.work, 'src'), { env: isolatedEnv });
    const result = await pushChanges(options(repo, { git: sub, files: ['app.js'] }));
    expect(result.changes).toEqual([{ path: 'src/app.js', added: 1, removed: 1 }]);
    expect(await readFile(path.join(repo.work, 'src/app.js'), 'utf8')).toContain('a + b');
  });
});
