// Delivery against a hostile test suite and model: a rewritten .git has no say in what is pushed, and no secret in any disguise leaves.
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TestSecrets } from '../support/action.js';
import { changedFiles, git, readFileAt, remoteBranches } from '../support/git.js';
import { keepTempDirsOnFailure, makeTempDir } from '../support/tmp.js';
import { closedAfterEach, fixingScript, fixtures, readFix, type World } from './world.js';

keepTempDirsOnFailure();
const worlds = closedAfterEach();
const inputs = { 'test-command': 'npm test' };

/** The node-test fixture plus one hostile test file; returned relative to the fixtures folder. */
/** Where the hostile suite leaves what it saw: it runs as the run's second user, so the folder must be open to it. */
async function dumpDir(name: string): Promise<string> {
  const dir = await makeTempDir(name);
  await chmod(dir, 0o777);
  return dir;
}

async function project(hostile: string): Promise<string> {
  const dir = await makeTempDir('hostile-delivery');
  await cp(path.join(fixtures, 'node-test'), dir, { recursive: true });
  await cp(path.join(fixtures, '..', 'hostile', hostile), path.join(dir, 'test', hostile));
  return path.relative(fixtures, dir);
}

const reverse = (s: string) => [...s].reverse().join('');

/**
 * What a test that got hold of a secret prints to smuggle it out, each reduced to a middle part that does not
 * depend on what stands around it (base64 edges change with the bytes before them). Split forms are checked on
 * text with its line breaks (real or JSON-escaped) taken out.
 */
function disguises(secret: string): string[] {
  const middle = (s: string) => s.slice(4, -4);
  const b64 = (prefix: string, s: string) => Buffer.from(prefix + s).toString('base64');
  return [
    secret,
    reverse(secret),
    Buffer.from(secret).toString('hex'),
    Buffer.from(reverse(secret)).toString('hex').toUpperCase(),
    middle(b64('', reverse(secret))),
    middle(b64('x', reverse(secret))),
    middle(b64('xy', secret)),
  ];
}

/** Where any disguise of any secret turns up in `text`, shortened so a failure does not print it whole. */
function leaks(where: string, text: string, secrets: string[]): string[] {
  const joined = text.replace(/\\n|\r|\n/g, '');
  return secrets.flatMap((s) => disguises(s).filter((d) => joined.includes(d)).map((d) => `${where} holds ${d.slice(0, 6)}…`));
}

function artifactTexts(w: World): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(w.gh.artifactFiles(w.gh.state.artifacts[0]!.name))) {
    out[name] = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  }
  return out;
}

/** Every place a run's text leaves by: model requests, PR, summary, artifact, the log (masks aside). */
function exits(w: World, result: { summary: string; stdout: string }): Record<string, string> {
  const out: Record<string, string> = { summary: result.summary };
  w.model.requests.forEach((r, i) => (out[`model request ${i}`] = r.bodyText));
  for (const p of w.gh.state.pulls) out[`PR #${p.number}`] = `${p.title}\n${p.body ?? ''}`;
  for (const [name, text] of Object.entries(artifactTexts(w))) out[`artifact ${name}`] = text;
  out.stdout = result.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  return out;
}

describe('hostile delivery', () => {
  it('commits the bytes on disk: a clean filter the suite put in .git/config and .git/info/attributes never runs with a secret', async () => {
    const fix = await readFix('node-test');
    const dumps = await dumpDir('filter-dumps');
    const world = await worlds.make({ project: await project('gitdir.test.js'), script: fixingScript(fix) });
    const result = await world.run({ inputs, env: { HOSTILE_GIT: 'filter', HOSTILE_DUMP_DIR: dumps } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    // The filter was armed in the checkout...
    expect(await readFile(path.join(world.workspace, '.git', 'info', 'attributes'), 'utf8')).toContain('filter=evil');
    // ...and the pushed file is exactly what the model left on disk.
    const pushed = await readFileAt(world.remote, result.outputs.branch!, fix.path);
    expect(pushed).toBe(await readFile(path.join(world.workspace, fix.path), 'utf8'));
    expect(await changedFiles(world.remote, world.sha, result.outputs.branch!)).toEqual([fix.path]);
    // Whatever ran the filter (if anything did) had no credential in its environment.
    const ran = (await readdir(dumps)).filter((f) => f.startsWith('filter-env-'));
    for (const file of ran) {
      const env = await readFile(path.join(dumps, file), 'utf8');
      expect(env).not.toMatch(/^(INPUT_|ACTIONS_)/m);
      expect(leaks(file, env, Object.values(TestSecrets))).toEqual([]);
    }
  });

  it('pushes nothing but the model\'s file when the suite replaced the base commit with one that adds a workflow', async () => {
    const fix = await readFix('node-test');
    const dumps = await dumpDir('replace-dumps');
    const world = await worlds.make({ project: await project('gitdir.test.js'), script: fixingScript(fix) });
    const result = await world.run({ inputs, env: { HOSTILE_GIT: 'replace', HOSTILE_DUMP_DIR: dumps } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    expect(await git(world.workspace, ['replace', '-l'])).toMatch(/^[0-9a-f]{40}$/m);
    const branch = result.outputs.branch!;
    expect(await changedFiles(world.remote, world.sha, branch)).toEqual([fix.path]);
    expect(await readFileAt(world.remote, branch, '.github/workflows/release.yml')).toBeUndefined();
    expect(await git(world.remote, ['rev-parse', `${branch}^`])).toBe(`${world.sha}\n`);
  });

  it('lets no disguise of a secret a test printed reach the model, the PR, the summary, the artifact or the log', async () => {
    const fix = await readFix('node-test');
    const dumps = await dumpDir('leak-dumps');
    const secretsFile = path.join(dumps, 'secrets.txt');
    await writeFile(secretsFile, `${TestSecrets.githubToken}\n${TestSecrets.openaiKey}\n`);
    const world = await worlds.make({ project: await project('leak.test.js'), script: fixingScript(fix) });
    const result = await world.run({ inputs, env: { HOSTILE_SECRETS_FILE: secretsFile, HOSTILE_DUMP_DIR: dumps } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    const secrets = Object.values(TestSecrets);
    // The suite really printed every disguise (its raw copy, outside every redaction, says so)...
    const printed = (await readdir(dumps)).filter((f) => f.startsWith('leak-'));
    expect(printed.length).toBeGreaterThanOrEqual(2);
    const raw = await readFile(path.join(dumps, printed[0]!), 'utf8');
    expect(leaks('raw', raw, secrets)).toHaveLength(secrets.length * disguises(secrets[0]!).length);
    // ...and the failure that quoted them reached the model, masked.
    expect(world.model.completions[0]!.bodyText).toContain('range is off');
    const found = Object.entries(exits(world, result)).flatMap(([where, text]) => leaks(where, text, secrets));
    expect(found).toEqual([]);
  });

  it('stops delivery when a file the model commits holds a secret: error, nothing pushed, no PR', async () => {
    const fix = await readFix('node-test');
    const hidden = Buffer.from(`:${reverse(TestSecrets.githubToken)}`).toString('base64');
    const world = await worlds.make({
      project: 'node-test',
      script: [
        { tools: [{ name: 'edit_file', args: { ...fix } }] },
        { tools: [{ name: 'write_file', args: { path: 'src/config.js', content: `export const key = '${hidden}';\n` } }] },
        { tools: [{ name: 'run_tests', args: {} }] },
        { content: 'Fixed, and kept a key for later.' },
      ],
    });
    const result = await world.run({ inputs });

    expect(result.outputs.status).toBe('error');
    expect(result.exitCode).not.toBe(0);
    expect(result.summary).toMatch(/src\/config\.js holds a secret \(reversed base64\)/);
    expect(await remoteBranches(world.remote)).toEqual(['main']);
    expect(world.gh.state.pulls).toHaveLength(0);
    const outside = exits(world, result);
    // The model wrote the value itself, so its own later requests carry it back; nothing else does.
    const found = Object.entries(outside)
      .filter(([where]) => !where.startsWith('model request'))
      .flatMap(([where, text]) => leaks(where, text, [TestSecrets.githubToken]));
    expect(found).toEqual([]);
  });

  it('takes the credentials a checkout left in submodule and worktree configs out while tests run, and puts them back', async () => {
    const fix = await readFix('node-test');
    const dumps = await dumpDir('modules-dumps');
    const world = await worlds.make({ project: await project('gitdir.test.js'), script: fixingScript(fix) });
    // What actions/checkout (v4/v5, submodules: recursive) leaves in each submodule: the same header as the superproject.
    const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TestSecrets.githubToken}`).toString('base64')}`;
    const configs: Record<string, string> = {
      'modules/vendor/lib/config': `[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = ${header}\n`,
      'modules/vendor/lib/modules/deep/config': `[http "https://github.com/"]\n\textraheader = ${header}\n`,
      'worktrees/side/config.worktree': `[http]\n\textraheader = ${header}\n`,
    };
    for (const [rel, text] of Object.entries(configs)) {
      const file = path.join(world.workspace, '.git', rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    }
    const result = await world.run({ inputs, env: { HOSTILE_GIT: 'modules', HOSTILE_DUMP_DIR: dumps } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    const seen = (await readdir(dumps)).filter((f) => f.startsWith('modules-'));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const file of seen) {
      const text = await readFile(path.join(dumps, file), 'utf8');
      // The suite read every one of those configs, and none held a credential while it ran.
      for (const rel of Object.keys(configs)) expect(text).toContain(`=== ${rel}`);
      expect(text).not.toMatch(/extraheader/i);
      expect(leaks(file, text, [TestSecrets.githubToken])).toEqual([]);
    }
    for (const [rel, text] of Object.entries(configs)) expect(await readFile(path.join(world.workspace, '.git', rel), 'utf8')).toBe(text);
  });
});
