// The push token reaches the server as a header and nowhere else: not argv (fake git wrapper), not GIT_TRACE, not .git/config.
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { authEnv } from '../../../src/delivery/auth.js';
import { Git, GitError } from '../../../src/delivery/git.js';
import { pushChanges } from '../../../src/delivery/push.js';
import { startGitHttpServer, type GitHttpServer } from './git-http.js';
import { isolatedEnv, makeRepo } from './repo.js';

const token = 'ghs_testTOKEN0123456789abcdef';
/** The forms the token could leak in. */
const forms = [
  token,
  Buffer.from(`x-access-token:${token}`).toString('base64'),
  Buffer.from(token).toString('base64'),
];

let server: GitHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('authEnv', () => {
  it('scopes the header to the server host and sends nothing elsewhere', () => {
    const env = authEnv('https://github.com/o/r.git', { token, serverUrl: 'https://github.com' }, {});
    expect(env).toEqual({
      GIT_CONFIG_COUNT: '3',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${forms[1]}`,
      GIT_CONFIG_KEY_2: 'credential.helper',
      GIT_CONFIG_VALUE_2: '',
    });
    expect(authEnv('https://evil.example/o/r.git', { token, serverUrl: 'https://github.com' }, {})).toEqual({});
    expect(authEnv('git@github.com:o/r.git', { token, serverUrl: 'https://github.com' }, {})).toEqual({});
    expect(authEnv('/srv/git/r.git', { token, serverUrl: 'https://github.com' }, {})).toEqual({});
    expect(authEnv('https://github.com/o/r.git', undefined, {})).toEqual({});
  });

  it('appends to config entries already passed through the environment', () => {
    const env = authEnv('https://github.com/o/r.git', { token, serverUrl: 'https://github.com/' }, { GIT_CONFIG_COUNT: '2' });
    expect(env.GIT_CONFIG_COUNT).toBe('5');
    expect(env.GIT_CONFIG_KEY_3).toBe('http.https://github.com/.extraheader');
    expect(env.GIT_CONFIG_KEY_0).toBeUndefined();
  });
});

describe('pushing over HTTP with a token', () => {
  it('authenticates with the header alone, keeping the token out of argv, traces and the config file', async () => {
    const repo = await makeRepo();
    server = await startGitHttpServer(repo.root, token);
    const remoteUrl = `${server.url}/origin.git`;
    repo.sh(['remote', 'set-url', 'origin', remoteUrl]);
    // A header a checkout left behind for the same host: it must be replaced, not sent alongside ours.
    repo.sh(['config', '--local', `http.${server.url}/.extraheader`, 'AUTHORIZATION: basic c3RhbGU6c3RhbGU=']);
    const configBefore = await readFile(path.join(repo.work, '.git', 'config'), 'utf8');

    // A git on PATH that logs its argv, then runs the real one.
    const bin = path.join(repo.root, 'bin');
    await mkdir(bin);
    const argvLog = path.join(repo.root, 'argv.log');
    const wrapper = path.join(bin, 'git');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s ' "$@" >> "${argvLog}"\nprintf '\\n' >> "${argvLog}"\nexec /usr/bin/git "$@"\n`);
    await chmod(wrapper, 0o755);
    const trace = path.join(repo.root, 'trace.log');
    const git = new Git(repo.work, { gitPath: wrapper, env: { ...isolatedEnv, GIT_TRACE: trace } });

    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    const first = await pushChanges({
      git,
      baseSha: repo.base,
      branch: 'redgreen/fix/main-0123456',
      prefix: 'redgreen/',
      files: ['src/app.js'],
      message: 'Fix add()',
      author: { name: 'redgreen[bot]', email: 'bot@example.com' },
      trailer: 'run-1',
      auth: { token, serverUrl: server.url },
    });
    // A second push goes through ls-remote, fetch and a forced push with lease, all authenticated.
    await repo.write('src/app.js', 'export const add = (a, b) => b + a;\n');
    const second = await pushChanges({
      git,
      baseSha: repo.base,
      branch: 'redgreen/fix/main-0123456',
      prefix: 'redgreen/',
      files: ['src/app.js'],
      message: 'Fix add() again',
      author: { name: 'redgreen[bot]', email: 'bot@example.com' },
      trailer: 'run-2',
      auth: { token, serverUrl: server.url },
    });

    expect(first.updated).toBe(false);
    expect(second.updated).toBe(true);
    expect(repo.sh(['rev-parse', 'refs/heads/redgreen/fix/main-0123456'], { cwd: repo.bare }).trim()).toBe(second.sha);
    expect(server.seen.length).toBeGreaterThanOrEqual(4);
    expect(server.seen.some((r) => r.url.includes('git-receive-pack'))).toBe(true);
    for (const request of server.seen) expect(request.authorizations).toEqual([`basic ${forms[1]}`]);

    const argv = await readFile(argvLog, 'utf8');
    const traced = await readFile(trace, 'utf8');
    expect(argv).toContain('push');
    expect(traced).toMatch(/remote-http/);
    for (const form of forms) {
      expect(argv).not.toContain(form);
      expect(traced).not.toContain(form);
    }
    expect(await readFile(path.join(repo.work, '.git', 'config'), 'utf8')).toBe(configBefore);
  });

  it('fails at once without prompting when no token is given', async () => {
    const repo = await makeRepo();
    server = await startGitHttpServer(repo.root, token);
    repo.sh(['remote', 'set-url', 'origin', `${server.url}/origin.git`]);
    // An askpass program would answer for the terminal; none may run.
    const marker = path.join(repo.root, 'askpass-ran');
    const askpass = path.join(repo.root, 'askpass.sh');
    await writeFile(askpass, `#!/bin/sh\ntouch "${marker}"\necho ${token}\n`, { mode: 0o755 });
    repo.sh(['config', '--local', 'core.askPass', askpass]);
    await repo.write('src/app.js', 'export const add = (a, b) => a + b;\n');
    const attempt = pushChanges({
      git: repo.git,
      baseSha: repo.base,
      branch: 'redgreen/fix/main-0123456',
      prefix: 'redgreen/',
      files: ['src/app.js'],
      message: 'Fix',
      author: { name: 'redgreen[bot]', email: 'bot@example.com' },
      trailer: 'run-1',
    });
    await expect(attempt).rejects.toBeInstanceOf(GitError);
    await expect(attempt).rejects.toThrow(/terminal prompts disabled|Authentication failed|401/);
    await expect(access(marker)).rejects.toThrow();
    // Under plain git the same config does run it, so the check above means something.
    // (async: the server answering lives in this same process)
    await promisify(execFile)('git', ['ls-remote', 'origin'], { cwd: repo.work, env: { ...isolatedEnv, GIT_TERMINAL_PROMPT: '0' } }).catch(
      () => undefined,
    );
    await expect(access(marker)).resolves.toBeUndefined();
  });
});
