// The harness that runs an action like the runner does, proven on a stand-in action that uses the real artifact client and openai SDK.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAction, TestSecrets, type RunActionOptions } from '../../support/action.js';
import { parseOutputFile, parseWorkflowCommands } from '../../support/action-env.js';
import { cloneWorkspace, createRemote } from '../../support/git.js';
import { pullRequestEvent, scheduleEvent, workflowDispatchEvent, workflowRunEvent } from '../../support/events.js';
import { startGitHubServer, type GitHubServer } from '../../support/github-server.js';
import { startOpenAIServer, type OpenAIServer } from '../../support/openai-server.js';
import { keepTempDirsOnFailure, makeTempDir } from '../../support/tmp.js';

keepTempDirsOnFailure();

const standIn = fileURLToPath(new URL('./stand-in/', import.meta.url));
const entry = path.join(standIn, 'index.mjs');
const actionYml = path.join(standIn, 'action.yml');

let workspace = '';
let sha = '';
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  const seed = await makeTempDir('seed');
  await writeFile(path.join(seed, 'README.md'), '# project\n');
  await mkdir(path.join(seed, 'logs'));
  await writeFile(path.join(seed, 'logs', '01-reproduce.log'), 'FAIL a.test.ts > adds\n'.repeat(50));
  const remote = await createRemote(seed);
  sha = remote.sha;
  workspace = await cloneWorkspace(remote.remote, 'main');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function github(): Promise<GitHubServer> {
  const gh = await startGitHubServer();
  servers.push(gh);
  return gh;
}

async function model(): Promise<OpenAIServer> {
  const ai = await startOpenAIServer([{ content: 'hello from the model' }]);
  servers.push(ai);
  return ai;
}

const run = (opts: Partial<RunActionOptions>) => runAction({ workspace, entry, actionYml, timeoutMs: 60_000, ...opts });

describe('runAction', () => {
  it('runs the action with inputs, defaults and runner variables, and reads back outputs and summary', async () => {
    const [gh, ai] = [await github(), await model()];
    process.env['OPENAI_API_KEY'] = 'sk-from-the-parent-process';
    const result = await run({
      github: gh,
      openai: ai,
      inputs: { mode: 'fix', files: 'README.md\nlogs/01-reproduce.log' },
      env: { EXPECTED_TOKEN: TestSecrets.githubToken },
    }).finally(() => delete process.env['OPENAI_API_KEY']);

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({
      status: 'completed',
      mode: 'fix',
      'max-iterations': '8',
      'token-is-default': 'true',
      'openai-key-in-env': 'false',
      'model-said': 'hello from the model',
      notes: 'line one\nline two',
    });
    expect(result.summary).toContain('<h1>Stand-in</h1>');
    expect(result.env['GITHUB_SHA']).toBe(sha);
    expect(result.env['GITHUB_REF']).toBe('refs/heads/main');
    expect(result.env['GITHUB_SERVER_URL']).toBe(gh.serverUrl);
    expect(result.env['INPUT_GITHUB-TOKEN']).toBe(TestSecrets.githubToken);
    expect(result.masks).toContain(TestSecrets.githubToken);
    expect(result.commands.find((c) => c.command === 'warning')).toEqual({
      command: 'warning',
      properties: { file: 'src/a.ts', line: '3' },
      message: 'look: here, please',
    });
    expect(result.leftovers).toEqual([]);

    // The key went to the model server only.
    expect(ai.completions[0]?.headers['authorization']).toBe(`Bearer ${TestSecrets.openaiKey}`);
    expect(JSON.stringify(gh.requests)).not.toContain(TestSecrets.openaiKey);
  });

  it('uploads a real artifact through the fake service, byte for byte', async () => {
    const gh = await github();
    const result = await run({ github: { url: gh.url }, inputs: { files: 'README.md\nlogs/01-reproduce.log' } });

    expect(result.exitCode).toBe(0);
    const artifact = gh.artifact('evidence');
    expect(result.outputs['artifact-id']).toBe(String(artifact.id));
    expect(Number(result.outputs['artifact-size'])).toBe(artifact.zip.length);
    expect(artifact.size).toBe(artifact.zip.length);
    expect(artifact.runBackendId).toBe(result.backendIds.run);
    expect(artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const files = gh.artifactFiles('evidence');
    expect(Object.keys(files).sort()).toEqual(['README.md', 'logs/01-reproduce.log']);
    expect(files['README.md']?.toString()).toBe('# project\n');
    expect(files['logs/01-reproduce.log']?.toString()).toBe('FAIL a.test.ts > adds\n'.repeat(50));
    const routes = gh.requests.map((r) => r.route);
    expect(routes).toEqual(expect.arrayContaining(['artifact.CreateArtifact', 'blob.put', 'artifact.FinalizeArtifact']));
    expect(gh.unhandled).toEqual([]);
  });

  it('serves a multi-block upload that the client lists, finds, downloads and deletes', async () => {
    const gh = await github();
    const result = await run({ github: gh, inputs: { behaviour: 'roundtrip' } });

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const puts = gh.requests.filter((r) => r.route === 'blob.put').map((r) => r.query['comp']);
    expect(puts).toEqual(['block', 'block', 'blocklist']);
    expect(result.outputs).toMatchObject({ 'downloaded-same': 'true', 'after-delete': '0' });
    expect(result.outputs['listed']).toMatch(/^big:\d+$/);
    expect(Number(result.outputs['found-size'])).toBeGreaterThan(9 * 1024 * 1024);
    expect(gh.state.artifacts).toEqual([]);
  });

  it('refuses a second artifact with the same name in a run, as GitHub does', async () => {
    const gh = await github();
    const result = await run({ github: gh, inputs: { behaviour: 'upload-twice' } });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('an artifact with this name already exists on the workflow run');
    expect(gh.state.artifacts.filter((a) => a.name === 'evidence')).toHaveLength(1);
  });

  it('reports a failing action, a hung one (killed at the timeout) and processes left behind', async () => {
    const failed = await run({ inputs: { behaviour: 'fail' } });
    expect(failed.exitCode).toBe(1);
    expect(failed.outputs['status']).toBe('error');
    expect(failed.commands.find((c) => c.command === 'error')?.message).toBe('stand-in failed on purpose');

    const hung = await run({ inputs: { behaviour: 'hang' }, timeoutMs: 1_000 });
    expect(hung.timedOut).toBe(true);
    expect(hung.signal).toBe('SIGKILL');

    const orphaned = await run({ inputs: { behaviour: 'orphan' } });
    expect(orphaned.exitCode).toBe(0);
    expect(orphaned.leftovers.map((p) => p.cmdline)).toEqual(['sleep 300']);
  });

  it('hands the event to the action as @actions/github reads it', async () => {
    const gh = await startGitHubServer({ runs: [{ id: 99, headSha: 'b'.repeat(40), conclusion: 'failure' }], pulls: [{ head: 'feature' }] });
    servers.push(gh);
    const result = await run({ github: gh, eventName: 'workflow_run', event: workflowRunEvent(gh, 99), runId: 1234 });
    expect(result.outputs['event']).toBe(`workflow_run ${'b'.repeat(40)} 1234`);

    expect(workflowDispatchEvent(gh, { prompt: 'add tests' })).toMatchObject({ inputs: { prompt: 'add tests' }, ref: 'refs/heads/main' });
    expect(pullRequestEvent(gh, 1)).toMatchObject({ number: 1, pull_request: { head: { ref: 'feature' } } });
    expect(scheduleEvent()).toEqual({ schedule: '0 3 * * *' });
    expect(() => workflowRunEvent(gh, 1)).toThrow(/no run 1/);
  });

  it('refuses inputs that action.yml does not declare', async () => {
    await expect(run({ inputs: { 'no-such-input': 'x' } })).rejects.toThrow(/not declared/);
  });
});

describe('reading what the action wrote', () => {
  it('reads both output forms, later lines winning', () => {
    const text = 'a=1\nnotes<<ghadelimiter_x\nline one\n\nline three\nghadelimiter_x\na=2\nempty=\n';
    expect(parseOutputFile(text)).toEqual({ a: '2', notes: 'line one\n\nline three', empty: '' });
  });

  it('decodes workflow command escapes', () => {
    expect(parseWorkflowCommands('::error file=a%2Cb.ts,line=2::50%25 done%0Anext\n::add-mask::s3cr%3At\nplain')).toEqual([
      { command: 'error', properties: { file: 'a,b.ts', line: '2' }, message: '50% done\nnext' },
      { command: 'add-mask', properties: {}, message: 's3cr%3At' },
    ]);
  });
});
