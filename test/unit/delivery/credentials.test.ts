// stripCredentials on a checkout configured the way actions/checkout and hand-written workflows leave it.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripCredentials } from '../../../src/delivery/credentials.js';
import { Git } from '../../../src/delivery/git.js';
import { isolatedEnv, makeRepo } from './repo.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('stripCredentials', () => {
  it('takes out headers, helpers, URL tokens and included credential files, and restores the config byte for byte', async () => {
    const repo = await makeRepo();
    const configPath = path.join(repo.work, '.git', 'config');
    // actions/checkout v6 keeps its header in a file under RUNNER_TEMP, included for this git dir.
    const included = path.join(repo.root, 'git-credentials-1234.config');
    await writeFile(included, `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${b64('x-access-token:tok-included')}\n`);
    const set = (...args: string[]) => repo.sh(['config', '--local', ...args]);
    set('http.https://github.com/.extraheader', `AUTHORIZATION: basic ${b64('x-access-token:tok-header')}`);
    set('http.extraheader', 'Authorization: bearer tok-bearer');
    set('credential.helper', 'store');
    set('credential.https://github.com.helper', '!f() { echo password=tok-helper; }; f');
    set('remote.origin.url', 'https://x-access-token:tok-url@github.com/o/r.git');
    set('remote.origin.pushurl', 'https://tok%2Dpush@github.com/o/r.git');
    set('url.https://x-access-token:tok-insteadof@github.com/.insteadOf', 'https://github.com/');
    set(`includeIf.gitdir:${path.join(repo.work, '.git')}.path`, included);
    set('user.name', 'Kept Name');
    const original = await readFile(configPath);
    expect(repo.sh(['config', '--get-all', 'http.https://github.com/.extraheader'])).toContain('AUTHORIZATION');

    const creds = await stripCredentials(repo.git);

    expect(new Set(creds.found)).toEqual(
      new Set([
        `AUTHORIZATION: basic ${b64('x-access-token:tok-header')}`,
        'tok-header',
        'Authorization: bearer tok-bearer',
        'tok-bearer',
        '!f() { echo password=tok-helper; }; f',
        'tok-url',
        'tok%2Dpush',
        'tok-push',
        'tok-insteadof',
        `AUTHORIZATION: basic ${b64('x-access-token:tok-included')}`,
        'tok-included',
      ]),
    );
    // What git itself now sees, includes followed: no credential is left anywhere in the local config.
    const visible = repo.sh(['config', '--local', '--list', '--includes']);
    expect(visible).not.toMatch(/tok-|extraheader|helper|insteadof|includeif/i);
    expect(repo.sh(['config', '--get', 'remote.origin.url']).trim()).toBe('https://github.com/o/r.git');
    expect(repo.sh(['config', '--get', 'remote.origin.pushurl']).trim()).toBe('https://github.com/o/r.git');
    expect(repo.sh(['config', '--get', 'user.name']).trim()).toBe('Kept Name');
    expect(creds.removed.length).toBeGreaterThanOrEqual(8);
    // The included file is readable by every process of the job: it is empty during the run, whole again after.
    const includedBefore = b64('x-access-token:tok-included');
    expect(await readFile(included, 'utf8')).toBe('');

    await creds.restore();
    expect(await readFile(configPath)).toEqual(original);
    expect(await readFile(included, 'utf8')).toContain(includedBefore);
    await creds.restore();
    expect(await readFile(configPath)).toEqual(original);
  });

  it('leaves a config without credentials untouched', async () => {
    const repo = await makeRepo();
    repo.sh(['config', '--local', 'remote.origin.url', 'https://github.com/o/r.git']);
    const configPath = path.join(repo.work, '.git', 'config');
    const before = await readFile(configPath);
    const mtime = (await stat(configPath)).mtimeMs;

    const creds = await stripCredentials(repo.git);
    await creds.restore();

    expect(creds.found).toEqual([]);
    expect(creds.removed).toEqual([]);
    expect(await readFile(configPath)).toEqual(before);
    expect((await stat(configPath)).mtimeMs).toBe(mtime);
  });

  it('works from a subfolder of the checkout', async () => {
    const repo = await makeRepo();
    repo.sh(['config', '--local', 'http.https://github.com/.extraheader', 'AUTHORIZATION: basic abcdefgh']);
    const creds = await stripCredentials(new Git(path.join(repo.work, 'src'), { env: isolatedEnv }));
    expect(creds.found).toContain('AUTHORIZATION: basic abcdefgh');
    expect(repo.sh(['config', '--local', '--list'])).not.toContain('extraheader');
    await creds.restore();
    expect(repo.sh(['config', '--local', '--list'])).toContain('extraheader');
  });

  it('takes the credentials out of every submodule config, nested ones too, and of worktree configs, and puts them back', async () => {
    const repo = await makeRepo();
    const gitDir = path.join(repo.work, '.git');
    const header = (tok: string) => `AUTHORIZATION: basic ${b64(`x-access-token:${tok}`)}`;
    // What checkout writes into each submodule with `git submodule foreach git config --local ...`.
    const files: Record<string, string> = {
      'modules/vendor/lib/config': `[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = ${header('tok-sub')}\n`,
      'modules/vendor/lib/modules/deep/config': `[remote "origin"]\n\turl = https://x-access-token:tok-deep@github.com/o/deep.git\n`,
      'worktrees/wt/config.worktree': `[http]\n\textraheader = ${header('tok-wt')}\n`,
    };
    const included = path.join(repo.root, 'sub-credentials.config');
    const includedText = `[http]\n\textraheader = ${header('tok-sub-included')}\n`;
    await writeFile(included, includedText);
    files['modules/other/config'] = `[include]\n\tpath = ${included}\n[user]\n\tname = Kept\n`;
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(gitDir, rel)), { recursive: true });
      await writeFile(path.join(gitDir, rel), text);
    }

    const creds = await stripCredentials(repo.git);

    expect(creds.found).toEqual(expect.arrayContaining(['tok-sub', 'tok-deep', 'tok-wt', 'tok-sub-included']));
    for (const rel of Object.keys(files)) {
      const text = await readFile(path.join(gitDir, rel), 'utf8');
      expect(text, rel).not.toMatch(/tok-|extraheader/);
    }
    expect(await readFile(included, 'utf8')).toBe('');
    expect(await readFile(path.join(gitDir, 'modules/other/config'), 'utf8')).toContain('name = Kept');

    await creds.restore();
    for (const [rel, text] of Object.entries(files)) expect(await readFile(path.join(gitDir, rel), 'utf8'), rel).toBe(text);
    expect(await readFile(included, 'utf8')).toBe(includedText);
  });
});
