// A real checkout with a local bare remote, isolated from the machine's git config, for the delivery tests.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Git } from '../../../src/delivery/git.js';
import { tempDir } from './tmp.js';

/** No system or user config: the machine's credential helpers and identities must not leak into the tests. */
export const isolatedEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export interface TestRepo {
  root: string;
  /** The bare remote (also usable as a URL). */
  bare: string;
  /** The checkout. */
  work: string;
  /** The first commit, on main. */
  base: string;
  git: Git;
  /** Runs real git in `cwd` (the checkout by default) and returns stdout. */
  sh(args: string[], opts?: { cwd?: string; env?: Record<string, string>; input?: string }): string;
  write(file: string, content: string): Promise<void>;
}

export async function makeRepo(files: Record<string, string> = {}): Promise<TestRepo> {
  const root = await tempDir('delivery');
  const bare = path.join(root, 'origin.git');
  const work = path.join(root, 'work');
  const sh: TestRepo['sh'] = (args, opts = {}) =>
    execFileSync('git', args, {
      cwd: opts.cwd ?? work,
      env: {
        ...isolatedEnv,
        GIT_AUTHOR_NAME: 'Someone',
        GIT_AUTHOR_EMAIL: 'someone@example.com',
        GIT_COMMITTER_NAME: 'Someone',
        GIT_COMMITTER_EMAIL: 'someone@example.com',
        ...opts.env,
      },
      input: opts.input,
      encoding: 'utf8',
    });
  sh(['init', '--quiet', '--bare', '--initial-branch=main', bare], { cwd: root });
  sh(['init', '--quiet', '--initial-branch=main', work], { cwd: root });
  sh(['remote', 'add', 'origin', bare]);
  const write = async (file: string, content: string) => {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  };
  const initial = { 'src/app.js': 'export const add = (a, b) => a - b;\n', 'README.md': '# app\n', ...files };
  for (const [file, content] of Object.entries(initial)) await write(file, content);
  sh(['add', '-A']);
  sh(['commit', '--quiet', '-m', 'initial']);
  sh(['push', '--quiet', 'origin', 'main']);
  const base = sh(['rev-parse', 'HEAD']).trim();
  return { root, bare, work, base, git: new Git(work, { env: isolatedEnv }), sh, write };
}
