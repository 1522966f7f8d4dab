// The git helpers round-trip with real git: a fixture becomes a remote, a checkout like actions/checkout's, a push read back.
import { readFile, readlink, symlink, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  changedFiles,
  cloneWorkspace,
  commitToRemote,
  createRemote,
  FixtureAuthor,
  freshClone,
  git,
  log,
  readFileAt,
  remoteBranches,
  type Remote,
} from '../../support/git.js';
import { keepTempDirsOnFailure, makeTempDir } from '../../support/tmp.js';

keepTempDirsOnFailure();

let origin: Remote;

beforeAll(async () => {
  const seed = await makeTempDir('seed');
  await mkdir(path.join(seed, 'src'));
  await writeFile(path.join(seed, 'src', 'sum.js'), 'export const sum = (a, b) => a - b;\n');
  await symlink('../outside', path.join(seed, 'src', 'escape'));
  await mkdir(path.join(seed, '.git'));
  await writeFile(path.join(seed, '.git', 'HEAD'), 'not a real repository\n');
  origin = await createRemote(seed, { files: { 'package.json': '{"name":"fixture"}\n' } });
});

describe('git helpers', () => {
  it('pushes a fixture to a bare remote with a fixed author, keeping symlinks and leaving .git out', async () => {
    expect(await remoteBranches(origin.remote)).toEqual(['main']);
    const [commit] = await log(origin.remote, 'main');
    expect(commit?.sha).toBe(origin.sha);
    expect(commit?.authorName).toBe(FixtureAuthor.name);
    expect(commit?.parents).toEqual([]);
    const files = (await git(origin.remote, ['ls-tree', '-r', '--name-only', 'main'])).split('\n').filter(Boolean);
    expect(files.sort()).toEqual(['package.json', 'src/escape', 'src/sum.js']);
    const clone = await freshClone(origin.remote, 'main');
    expect(await readlink(path.join(clone, 'src', 'escape'))).toBe('../outside');
  });

  it('checks out like actions/checkout: shallow, on a branch, with the token persisted in .git/config', async () => {
    const ws = await cloneWorkspace(origin.remote, 'main', { token: 'ghs_persisted' });
    expect((await git(ws, ['rev-parse', 'HEAD'])).trim()).toBe(origin.sha);
    expect((await git(ws, ['symbolic-ref', '--short', 'HEAD'])).trim()).toBe('main');
    expect((await git(ws, ['rev-parse', '--is-shallow-repository'])).trim()).toBe('true');
    const header = (await git(ws, ['config', '--local', 'http.https://github.com/.extraheader'])).trim();
    expect(header).toBe(`AUTHORIZATION: basic ${Buffer.from('x-access-token:ghs_persisted').toString('base64')}`);
    expect(await readFile(path.join(ws, '.git', 'config'), 'utf8')).toContain('extraheader');
  });

  it('persists the token in an included file the way checkout v6 does, and checks out a sha detached', async () => {
    const ws = await cloneWorkspace(origin.remote, origin.sha, { token: 'ghs_included', credentials: 'include-file' });
    expect((await git(ws, ['rev-parse', 'HEAD'])).trim()).toBe(origin.sha);
    const branch = await git(ws, ['branch', '--show-current']);
    expect(branch.trim()).toBe('');
    expect(await readFile(path.join(ws, '.git', 'config'), 'utf8')).not.toContain('basic');
    // Git reads the header through includeIf, so it is in effect all the same.
    const header = (await git(ws, ['config', 'http.https://github.com/.extraheader'])).trim();
    expect(header).toContain(Buffer.from('x-access-token:ghs_included').toString('base64'));
  });

  it('reads back what another clone pushed: branches, log, changed files, contents', async () => {
    const sha = await commitToRemote(origin.remote, 'redgreen/fix', { 'src/sum.js': 'export const sum = (a, b) => a + b;\n', 'package.json': null }, { message: 'Fix sum\n\nRedgreen-Run: 42' });
    expect(await remoteBranches(origin.remote)).toEqual(['main', 'redgreen/fix']);
    const [head, base] = await log(origin.remote, 'redgreen/fix');
    expect(head?.sha).toBe(sha);
    expect(head?.subject).toBe('Fix sum');
    expect(head?.trailers).toEqual({ 'Redgreen-Run': '42' });
    expect(head?.parents).toEqual([origin.sha]);
    expect(base?.sha).toBe(origin.sha);
    expect(await changedFiles(origin.remote, 'main', 'redgreen/fix')).toEqual(['package.json', 'src/sum.js']);
    expect(await readFileAt(origin.remote, 'redgreen/fix', 'src/sum.js')).toContain('a + b');
    expect(await readFileAt(origin.remote, 'redgreen/fix', 'package.json')).toBeUndefined();

    const ws = await cloneWorkspace(origin.remote, 'redgreen/fix', { depth: 0, detached: true });
    expect((await git(ws, ['rev-list', '--count', 'HEAD'])).trim()).toBe('2');
    expect((await git(ws, ['branch', '--show-current'])).trim()).toBe('');
  });
});
