// One end-to-end scenario's world: a project pushed to a local bare remote, the runner's checkout of it,
// a local GitHub and a scripted model, and the bundled action run against them.
import { readFile } from 'node:fs/promises';
import { afterEach } from 'vitest';
import path from 'node:path';
import { runAction, TestSecrets, type ActionResult, type RunActionOptions } from '../support/action.js';
import { cloneWorkspace, createRemote, type CloneWorkspaceOptions, type CreateRemoteOptions } from '../support/git.js';
import { startGitHubServer, type GitHubServer, type GitHubStateInit } from '../support/github-server.js';
import { startOpenAIServer, type ModelStep } from '../support/openai-server.js';
import { repoRoot } from '../support/tmp.js';

export const fixtures = path.join(repoRoot, 'test', 'fixtures', 'projects');

/** Toolchains the runner's environment must still find with a fresh HOME. */
export const toolchainEnv: Record<string, string> = Object.fromEntries(
  ['PYENV_ROOT', 'CARGO_HOME', 'RUSTUP_HOME'].flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])),
);
if (!toolchainEnv.CARGO_HOME && process.env.HOME) toolchainEnv.CARGO_HOME = path.join(process.env.HOME, '.cargo');
if (!toolchainEnv.RUSTUP_HOME && process.env.HOME) toolchainEnv.RUSTUP_HOME = path.join(process.env.HOME, '.rustup');

export interface Fix {
  path: string;
  old_string: string;
  new_string: string;
}

export async function readFix(project: string): Promise<Fix> {
  return JSON.parse(await readFile(path.join(fixtures, project, 'FIX.json'), 'utf8')) as Fix;
}

/** What a capable model does with a planted bug: read the file, make the one edit, check, hand over. */
export function fixingScript(fix: Fix): ModelStep[] {
  return [
    { tools: [{ name: 'read_file', args: { path: fix.path } }] },
    { tools: [{ name: 'edit_file', args: { ...fix } }] },
    { tools: [{ name: 'run_tests', args: {} }] },
    { content: `Fixed the bug in ${fix.path}.` },
  ];
}

export interface WorldOptions {
  project: string;
  remote?: CreateRemoteOptions;
  checkout?: CloneWorkspaceOptions & { ref?: string };
  github?: GitHubStateInit;
  script: ModelStep[];
}

export interface World {
  remote: string;
  sha: string;
  workspace: string;
  gh: GitHubServer;
  model: Awaited<ReturnType<typeof startOpenAIServer>>;
  run(opts?: Partial<RunActionOptions>): Promise<ActionResult>;
  close(): Promise<void>;
}

export async function makeWorld(o: WorldOptions): Promise<World> {
  const { remote, sha } = await createRemote(path.join(fixtures, o.project), o.remote);
  const workspace = await cloneWorkspace(remote, o.checkout?.ref ?? 'main', o.checkout);
  const gh = await startGitHubServer({ defaultPermission: 'write', token: TestSecrets.githubToken, ...o.github, remote });
  const model = await startOpenAIServer(o.script);
  return {
    remote,
    sha,
    workspace,
    gh,
    model,
    run: (opts = {}) =>
      runAction({
        workspace,
        eventName: 'push',
        openai: { url: model.url },
        github: { url: gh.url },
        timeoutMs: 240_000,
        // REDGREEN_ENTRY runs a private bundle (node scripts/build.js .tmp/dist-x) instead of dist/.
        ...(process.env.REDGREEN_ENTRY ? { entry: process.env.REDGREEN_ENTRY } : {}),
        ...opts,
        env: { ...toolchainEnv, ...opts.env },
      }),
    close: async () => {
      await Promise.all([gh.close(), model.close()]);
    },
  };
}

/** Every secret the harness hands out, in the forms they take on the way out. */
export function secretForms(): string[] {
  const forms = new Set<string>();
  for (const s of Object.values(TestSecrets)) {
    forms.add(s);
    forms.add(Buffer.from(`x-access-token:${s}`).toString('base64'));
  }
  return [...forms];
}

/** Worlds made (or tracked) in a test are closed after it, so a failing test never leaves servers running. */
export function closedAfterEach(): { make(o: WorldOptions): Promise<World>; track(w: World): World } {
  const open: World[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((w) => w.close()));
  });
  const track = (w: World): World => {
    open.push(w);
    return w;
  };
  return { make: async (o) => track(await makeWorld(o)), track };
}
