// The model's file tools against a tree that test code changes underneath: hard links and folder/symlink swaps reach nothing outside.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, cp, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedFiles } from '../support/git.js';
import { toolResults, type RecordedRequest } from '../support/openai-requests.js';
import { keepTempDirsOnFailure, makeTempDir } from '../support/tmp.js';
import { closedAfterEach, fixtures, readFix, type World } from './world.js';

keepTempDirsOnFailure();
const worlds = closedAfterEach();
const inputs = { 'test-command': 'npm test' };

/** The node-test fixture plus one hostile test file and a folder `sub/`; returned relative to the fixtures folder. */
async function project(extraTest?: string): Promise<string> {
  const dir = await makeTempDir('hostile-ws');
  await cp(path.join(fixtures, 'node-test'), dir, { recursive: true });
  if (extraTest) await cp(path.join(fixtures, '..', 'hostile', extraTest), path.join(dir, 'test', extraTest));
  await mkdir(path.join(dir, 'sub'));
  await writeFile(path.join(dir, 'sub', 'keep.txt'), 'kept\n');
  return path.relative(fixtures, dir);
}

/** A folder outside the workspace holding one file, and what it holds, to compare after the run. */
async function outsideFolder(): Promise<{ dir: string; file: string; snapshot(): Promise<string[]> }> {
  const dir = await makeTempDir('outside');
  const file = path.join(dir, 'secret.txt');
  await writeFile(file, 'outside the workspace\n');
  // Open to every user, so a test running as the second user can still link it in: the file tools must refuse it.
  await chmod(dir, 0o755);
  await chmod(file, 0o666);
  const snapshot = async () =>
    Promise.all((await readdir(dir)).sort().map(async (name) => `${name}: ${await readFile(path.join(dir, name), 'utf8')}`));
  return { dir, file, snapshot };
}

function lastResults(req: RecordedRequest, n: number): string[] {
  return toolResults(req)
    .slice(-n)
    .map((r) => r.content);
}

describe('hostile workspace', () => {
  it('refuses a file a test hardlinked in from outside, for reading and for writing', async () => {
    const fix = await readFix('node-test');
    const outside = await outsideFolder();
    const before = await outside.snapshot();
    const world = await worlds.make({
      project: await project('hardlink.test.js'),
      script: [
        {
          tools: [
            { name: 'read_file', args: { path: 'linked.txt' } },
            { name: 'write_file', args: { path: 'linked.txt', content: 'written by the model\n' } },
            { name: 'edit_file', args: { path: 'linked.txt', old_string: 'outside', new_string: 'inside' } },
            { name: 'read_file', args: { path: fix.path } },
          ],
        },
        { tools: [{ name: 'edit_file', args: { ...fix } }] },
        { content: 'Fixed.' },
      ],
    });
    const result = await world.run({ inputs, env: { HOSTILE_OUTSIDE_FILE: outside.file } });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    // The link is there (the suite made it), and every tool refused it.
    expect((await lstat(path.join(world.workspace, 'linked.txt'))).nlink).toBe(2);
    const [read, write, edit, readFix_] = lastResults(world.model.completions[1]!, 4);
    expect(read).toMatch(/^Error: .*hard link/);
    expect(write).toMatch(/^Error: .*hard link/);
    expect(edit).toMatch(/^Error: .*hard link/);
    expect(readFix_).toContain('i < end;');
    for (const req of world.model.requests) expect(req.bodyText).not.toContain('outside the workspace');
    expect(await outside.snapshot()).toEqual(before);
    expect(await changedFiles(world.remote, world.sha, result.outputs.branch!)).toEqual([fix.path]);
  });

  it('lands no write outside while a process keeps swapping a folder for a symlink to outside', async () => {
    const fix = await readFix('node-test');
    const outside = await outsideFolder();
    await writeFile(path.join(outside.dir, 'target.txt'), 'untouched\n');
    const before = await outside.snapshot();
    let swapper: ChildProcess | undefined;
    let world: World;
    const writes = Array.from({ length: 80 }, (_, i) => ({
      name: 'write_file',
      args: { path: `sub/${i % 2 ? 'target.txt' : `new-${i}.txt`}`, content: `written ${i}\n` },
    }));
    world = await worlds.make({
      project: await project(),
      script: [
        async () => {
          // From the model's first turn on, sub/ is swapped with a symlink to outside as fast as bash can.
          swapper = spawn(
            'bash',
            ['-c', 'cd "$1"; while :; do mv sub sub.real 2>/dev/null; ln -sfn "$2" sub; rm -f sub; mv sub.real sub 2>/dev/null; done', 'swap', world.workspace, outside.dir],
            { stdio: 'ignore' },
          );
          return { tools: [{ name: 'read_file', args: { path: fix.path } }, ...writes] };
        },
        async () => {
          swapper!.kill('SIGKILL');
          await new Promise((resolve) => swapper!.once('exit', resolve));
          // Put sub/ back as a folder, wherever the swap was cut off (a write may have made a fresh sub/ meanwhile).
          const sub = path.join(world.workspace, 'sub');
          if (await lstat(`${sub}.real`).catch(() => undefined)) {
            const now = await lstat(sub).catch(() => undefined);
            // A symlink is unlinked, never followed; a folder made inside the workspace goes whole.
            if (now) await rm(sub, { recursive: !now.isSymbolicLink(), force: true });
            await rename(`${sub}.real`, sub);
          }
          return { tools: [{ name: 'edit_file', args: { ...fix } }] };
        },
        { content: 'Fixed.' },
      ],
    });
    const result = await world.run({ inputs });

    expect(world.model.errors).toEqual([]);
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status, result.summary).toBe('fixed');
    const results = lastResults(world.model.completions[1]!, writes.length);
    const refused = results.filter((r) => r.startsWith('Error: '));
    // The race was really run: some writes met the symlink and were refused, some landed inside.
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(writes.length);
    // A write that met the folder mid-swap (gone, or a link) is refused; none lands elsewhere.
    for (const r of refused) expect(r).toMatch(/outside the project|symbolic link|does not exist|not a folder|ENOENT/);
    expect(await outside.snapshot()).toEqual(before);
    const pushed = await changedFiles(world.remote, world.sha, result.outputs.branch!);
    expect(pushed).toContain(fix.path);
    for (const file of pushed) expect(file === fix.path || file.startsWith('sub/')).toBe(true);
  });

  it('prints no workflow command the action did not mean, whatever newlines the model puts in a tool name or a file name', async () => {
    const fix = await readFix('node-test');
    const forgedName = 'notes\n::error title=forged::forged by the model\n::stop-commands::tok42\n.txt';
    const world = await worlds.make({
      project: await project(),
      script: [
        {
          tools: [
            { name: 'read_file\n::error::forged by the model in a tool name', args: { path: fix.path } },
            { name: 'write_file', args: { path: forgedName, content: 'x\n' } },
            { name: 'read_file', args: { path: fix.path } },
          ],
        },
        { tools: [{ name: 'edit_file', args: { ...fix } }] },
        { content: 'Fixed.\n::error::forged by the model in its last words' },
      ],
    });
    const result = await world.run({ inputs });

    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs.status).toBe('fixed');
    // The text was printed (the file was even committed), but only as plain text.
    expect(result.stdout).toContain('forged by the model');
    expect(await changedFiles(world.remote, world.sha, result.outputs.branch!)).toContain(fix.path);
    const commandLines = result.stdout.split(/\r\n|\r|\n/).filter((line) => /^\s*(::|##\[)/.test(line));
    const own = /^::(add-mask|group|endgroup|debug|warning|notice)::/;
    expect(commandLines.filter((line) => !own.test(line) || line.includes('forged'))).toEqual([]);
  });
});
