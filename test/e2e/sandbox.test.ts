// The second user end to end: hostile tests and a hostile model reach nothing of the action's, leave nothing running, and have no say in its outcome.
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseOutputFile, type ActionResult } from '../support/action.js';
import { toolResults } from '../support/openai-requests.js';
import { findByCmdline } from '../support/processes.js';
import { keepTempDirsOnFailure, makeTempDir, repoRoot } from '../support/tmp.js';
import { closedAfterEach, fixingScript, fixtures, readFix, type World } from './world.js';

keepTempDirsOnFailure();
const exec = promisify(execFile);
const worlds = closedAfterEach();
const hostile = path.join(repoRoot, 'test', 'fixtures', 'hostile');

interface Escape {
  uid: number;
  home: string;
  runnerTemp: string;
  readableEnvirons: number;
  withSecrets: number[];
  appends: Record<string, string>;
  actionTemp: string;
}

/** The node-test fixture plus the escaping test file. */
async function escapingProject(): Promise<string> {
  const dir = await makeTempDir('escaping');
  await cp(path.join(fixtures, 'node-test'), dir, { recursive: true });
  await cp(path.join(hostile, 'escape.test.js'), path.join(dir, 'test', 'escape.test.js'));
  return path.relative(fixtures, dir);
}

/**
 * The runner's own places laid out as on a GitHub-hosted runner (folders any user may list, files any user may
 * read), so only the sandbox keeps the tests out: the file commands and RUNNER_TEMP.
 */
async function runnerPlaces(): Promise<{ env: Record<string, string>; runnerTemp: string; dumps: string; marker: string }> {
  const root = await makeTempDir('runner');
  await chmod(root, 0o755);
  const files = path.join(root, '_runner_file_commands');
  const runnerTemp = path.join(root, '_temp');
  const dumps = path.join(root, 'dumps');
  await Promise.all([mkdir(files, { mode: 0o755 }), mkdir(runnerTemp, { mode: 0o755 }), mkdir(dumps)]);
  // The tests' raw reports go where any user may write.
  await chmod(dumps, 0o777);
  const env: Record<string, string> = {};
  for (const name of ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE']) {
    env[name] = path.join(files, name.toLowerCase());
    await writeFile(env[name]!, '', { mode: 0o644 });
  }
  const marker = `hostile-daemon-${path.basename(root)}`;
  const targets = { ...env, RUNNER_TEMP: runnerTemp, daemon: path.join(hostile, 'daemon.js'), marker };
  return { env: { ...env, HOSTILE_TARGETS: JSON.stringify(targets), HOSTILE_DUMP_DIR: dumps }, runnerTemp, dumps, marker };
}

async function escapes(dumps: string): Promise<Escape[]> {
  const names = (await readdir(dumps)).filter((n) => n.startsWith('escape-'));
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(dumps, n), 'utf8')) as Escape));
}

/** A model that writes an `ast.py` (which would report its environment if ever imported), breaks a Python file, then fixes the bug. */
async function shadowingScript(dumps: string): Promise<{ script: Parameters<typeof worlds.make>[0]['script']; fixPath: string }> {
  const fix = await readFix('node-test');
  const shadow = `import os\nopen(${JSON.stringify(path.join(dumps, 'ast-ran.txt'))}, 'w').write(repr(os.getuid()) + repr(sorted(os.environ)))\n`;
  return {
    fixPath: fix.path,
    script: [
      {
        tools: [
          { name: 'write_file', args: { path: 'ast.py', content: shadow } },
          { name: 'write_file', args: { path: 'tools/check.py', content: 'def broken(:\n    pass\n' } },
        ],
      },
      ...fixingScript(fix),
    ],
  };
}

/** What the action wrote, read from the runner's files after it exited. */
async function finalFiles(env: Record<string, string>): Promise<{ outputs: Record<string, string>; raw: string; summary: string; githubEnv: string; githubPath: string }> {
  const raw = await readFile(env.GITHUB_OUTPUT!, 'utf8');
  return {
    outputs: parseOutputFile(raw),
    raw,
    summary: await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8'),
    githubEnv: await readFile(env.GITHUB_ENV!, 'utf8'),
    githubPath: await readFile(env.GITHUB_PATH!, 'utf8'),
  };
}

/** Every file under `dir` (symbolic links not followed) owned by someone other than `uid`. */
async function ownedByOthers(dir: string, uid: number): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const st = await stat(file).catch(() => undefined);
    if (st && !entry.isSymbolicLink() && st.uid !== uid) out.push(file);
  }
  return out;
}

async function run(world: World, places: Awaited<ReturnType<typeof runnerPlaces>>, inputs: Record<string, string>): Promise<ActionResult> {
  return world.run({ inputs: { 'test-command': 'npm test', ...inputs }, env: places.env, runnerTemp: places.runnerTemp });
}

describe.runIf(process.getuid?.() === 0)('a second user for the untrusted side (run as root, as the sandbox needs)', () => {
  it('keeps hostile tests and a hostile model out of the action: no environment, no file commands, no daemon, no say in the outcome', async () => {
    const places = await runnerPlaces();
    const { script, fixPath } = await shadowingScript(places.dumps);
    const world = await worlds.make({ project: await escapingProject(), script });
    const result = await run(world, places, {});

    expect(result.exitCode, result.stdout).toBe(0);
    const files = await finalFiles(places.env);
    expect(files.outputs.status).toBe('fixed');
    expect(files.outputs['pr-url']).toMatch(/^http:\/\/github\.localhost:\d+\/owner\/repo\/pull\/1$/);
    expect(files.summary).toContain('redgreen: fixed');
    expect(files.summary).not.toContain('Warning: no second user');

    // The tests ran as another user, with a HOME and a RUNNER_TEMP of their own.
    const seen = await escapes(places.dumps);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const e of seen) {
      expect(e.uid).not.toBe(0);
      expect(e.home).not.toBe(result.env.HOME);
      expect(e.runnerTemp).not.toBe(places.runnerTemp);
      // No process holding the action's inputs or runtime token was readable, the action's own included.
      expect(e.withSecrets).toEqual([]);
      // The real file commands and the action's temp folder were closed to them.
      expect(e.appends).toEqual({ GITHUB_ENV: 'EACCES', GITHUB_PATH: 'EACCES', GITHUB_OUTPUT: 'EACCES', GITHUB_STEP_SUMMARY: 'EACCES' });
      expect(e.actionTemp).toBe('EACCES');
    }

    // The daemon that dropped its environment and left its session is gone, and it forged nothing.
    expect(await findByCmdline(places.marker)).toEqual([]);
    expect(files.raw).not.toContain('forged');
    expect(files.summary).not.toMatch(/FORGED/);
    expect(files.githubEnv).toBe('');
    expect(files.githubPath).toBe('');

    // The model's ast.py never ran: the syntax check is isolated, yet it did check (the broken file was reported).
    await expect(readFile(path.join(places.dumps, 'ast-ran.txt'))).rejects.toThrow(/ENOENT/);
    const [, broken] = toolResults(world.model.completions[1]!).map((r) => r.content);
    expect(broken).toMatch(/tools\/check\.py no longer parses:[\s\S]*(SyntaxError|invalid syntax)/);
    expect(fixPath).toBeTruthy();

    // The workspace is the runner's again, with no grant left, and the user is gone.
    const uid = seen[0]!.uid;
    expect(await ownedByOthers(world.workspace, 0)).toEqual([]);
    const { stdout: acl } = await exec('getfacl', ['-p', world.workspace]);
    expect(acl).not.toMatch(/^user:\d+:/m);
    expect((await readFile('/etc/passwd', 'utf8')).split('\n').filter((l) => l.split(':')[2] === String(uid))).toEqual([]);
  });
});

describe('without a second user (sandbox: off)', () => {
  it('warns in the summary, and still has the last word on outputs, summary and the environment of later steps', async () => {
    const places = await runnerPlaces();
    const { script } = await shadowingScript(places.dumps);
    const world = await worlds.make({ project: await escapingProject(), script });
    const result = await run(world, places, { sandbox: 'off' });

    expect(result.exitCode, result.stdout).toBe(0);
    const files = await finalFiles(places.env);
    expect(files.outputs.status).toBe('fixed');
    expect(files.summary).toContain('Warning: no second user. The test code and the model\'s commands ran as the action\'s own user');
    expect(files.summary).toContain("could read the action's environment");
    expect(files.summary).toContain("write the runner's own files");

    // The tests really could write the file commands (that is what the warning says) ...
    const seen = await escapes(places.dumps);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.map((e) => e.appends.GITHUB_OUTPUT)).toContain('ok');
    // ... and none of it stayed: the daemon is gone, and the action's last word replaced what they wrote.
    expect(await findByCmdline(places.marker)).toEqual([]);
    expect(files.raw).not.toContain('forged');
    expect(files.summary).not.toMatch(/FORGED/);
    expect(files.githubEnv).toBe('');
    expect(files.githubPath).toBe('');
    // The isolated syntax check holds without a second user too.
    await expect(readFile(path.join(places.dumps, 'ast-ran.txt'))).rejects.toThrow(/ENOENT/);
  });
});
