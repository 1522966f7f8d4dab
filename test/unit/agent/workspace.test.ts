import { spawn } from 'node:child_process';
import { link, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ToolError, Workspace } from '../../../src/agent/workspace.js';

let root: string;
let outside: string;

beforeEach(async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'rg-ws-'));
  root = path.join(base, 'project');
  outside = path.join(base, 'outside');
  await mkdir(path.join(root, 'src'), { recursive: true });
  await mkdir(path.join(root, '.git'), { recursive: true });
  await mkdir(path.join(root, '.github', 'workflows'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'top secret\n');
  await writeFile(path.join(root, '.git', 'config'), '[core]\n');
  await writeFile(path.join(root, 'src', 'a.js'), 'const a = 1;\nconst b = 2;\n');
  await symlink(outside, path.join(root, 'escape'));
  await symlink(path.join(root, 'src', 'a.js'), path.join(root, 'inside-link.js'));
});

const refuse = async (p: Promise<unknown>, pattern: RegExp): Promise<void> => {
  await expect(p).rejects.toBeInstanceOf(ToolError);
  await expect(p).rejects.toThrow(pattern);
};

describe('Workspace confinement', () => {
  it('refuses absolute paths, .. escapes, .git and symlinks that lead outside', async () => {
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    await refuse(ws.read('/etc/passwd'), /absolute path/);
    await refuse(ws.read('../outside/secret.txt'), /\.\./);
    await refuse(ws.read('src/../../outside/secret.txt'), /\.\./);
    await refuse(ws.read('.git/config'), /\.git/);
    await refuse(ws.read('escape/secret.txt'), /outside the project/);
    await refuse(ws.write('escape/new.txt', 'x'), /outside the project/);
    await refuse(ws.write('.github/workflows/ci.yml', 'on: push'), /workflow/);
    await refuse(ws.write('inside-link.js', 'x'), /symbolic link/);
    expect(ws.touched.size).toBe(0);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret\n');
  });

  it('allows workflow edits only when the policy says so, and applies a write filter', async () => {
    const ws = await Workspace.open(root, { allowWorkflowEdits: true, refuseWrite: (p) => (p.startsWith('src/') ? 'tests only' : undefined) });
    await ws.write('.github/workflows/ci.yml', 'on: push\n');
    await refuse(ws.write('src/b.js', 'x'), /tests only/);
    expect([...ws.touched]).toEqual(['.github/workflows/ci.yml']);
  });

  it('reads with numbered lines, follows symlinks inside, and windows long files', async () => {
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    expect(await ws.read('inside-link.js')).toContain('1| const a = 1;');
    await writeFile(path.join(root, 'long.txt'), Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n'));
    const first = await ws.read('long.txt');
    expect(first).toContain('200| line 200');
    expect(first).not.toContain('line 201');
    expect(first).toContain('start_line=201');
    const window = await ws.read('long.txt', 500, 510);
    expect(window).toContain('500| line 500');
    expect(window).toContain('510| line 510');
    expect(window).not.toContain('line 511');
  });

  it('edits one unique occurrence, tolerates indentation, and explains misses', async () => {
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    await ws.edit('src/a.js', 'const b = 2;', 'const b = 3;');
    expect(await readFile(path.join(root, 'src/a.js'), 'utf8')).toBe('const a = 1;\nconst b = 3;\n');
    expect(await ws.edit('src/a.js', '   const a = 1;', 'const a = 10;')).toMatch(/ignoring whitespace/);
    await refuse(ws.edit('src/a.js', 'const c = 4;', 'x'), /not found[\s\S]*1\| const a = 10;/);
    await writeFile(path.join(root, 'src/dup.js'), 'x();\nx();\n');
    await refuse(ws.edit('src/dup.js', 'x();', 'y();'), /2 times.*lines 1, 2/);
    await refuse(ws.edit('src/missing.js', 'a', 'b'), /write_file/);
    expect([...ws.touched]).toEqual(['src/a.js']);
  });

  it('reports a syntax error right after a write or an edit that breaks a file', async () => {
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    expect(await ws.edit('src/a.js', 'const b = 2;', 'const b = ;')).toMatch(/no longer parses:[\s\S]*SyntaxError/);
    expect(await ws.edit('src/a.js', 'const b = ;', 'const b = 2;')).toBe('edited src/a.js at line 2');
    expect(await ws.write('data.json', '{"a": 1,}')).toMatch(/data\.json no longer parses/);
    expect(await ws.write('mod.py', 'def f(:\n  pass\n')).toMatch(/mod\.py no longer parses:[\s\S]*SyntaxError/);
    expect(await ws.write('ok.py', 'def f():\n    return 1\n')).toBe('wrote ok.py (3 lines)');
    expect(await ws.write('notes.txt', 'anything {')).toBe('wrote notes.txt (1 lines)');
    // Only errors the change brought in: a JSX file, or a file that did not parse before, is not blamed on the edit.
    expect(await ws.write('view.js', 'export const v = <div className="x" />;\n')).toBe('wrote view.js (2 lines)');
    expect(await ws.edit('view.js', 'className="x"', 'className="y"')).toBe('edited view.js at line 1');
  });
});

describe('Workspace confinement against a tree that changes underneath', () => {
  it('refuses a hardlinked file for reads and writes, so a link made by a test cannot reach a file outside', async () => {
    await link(path.join(outside, 'secret.txt'), path.join(root, 'src', 'linked.txt'));
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    await refuse(ws.read('src/linked.txt'), /hard link/);
    await refuse(ws.write('src/linked.txt', 'overwritten'), /hard link/);
    await refuse(ws.edit('src/linked.txt', 'top', 'bottom'), /hard link/);
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret\n');
    expect(ws.touched.size).toBe(0);
  });

  it('judges a write by where it really lands: a folder linked to the workflows is still refused', async () => {
    await symlink(path.join(root, '.github', 'workflows'), path.join(root, 'ci'));
    await symlink(path.join(root, '.git'), path.join(root, 'meta'));
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    await refuse(ws.write('ci/evil.yml', 'on: push'), /workflow/);
    await refuse(ws.write('meta/hooks/pre-commit', '#!/bin/sh'), /\.git/);
    expect(await readdir(path.join(root, '.github', 'workflows'))).toEqual([]);
    expect(ws.touched.size).toBe(0);
  });

  it('lands no write outside while another process keeps swapping a folder for a symlink to outside', async () => {
    const ws = await Workspace.open(root, { allowWorkflowEdits: false });
    await mkdir(path.join(root, 'sub'));
    await writeFile(path.join(outside, 'target.txt'), 'untouched\n');
    // Swaps sub/ (a real folder) and a symlink to outside/ as fast as bash can, until killed.
    const swapper = spawn(
      'bash',
      ['-c', 'cd "$1"; while :; do mv sub sub.real 2>/dev/null; ln -sfn "$2" sub; rm -f sub; mv sub.real sub 2>/dev/null; done', 'swap', root, outside],
      { stdio: 'ignore' },
    );
    const results = { wrote: 0, refused: 0 };
    try {
      for (let i = 0; i < 400; i++) {
        const name = i % 2 ? 'target.txt' : `new-${i}.txt`;
        try {
          await ws.write(`sub/${name}`, `written ${i}\n`);
          results.wrote++;
        } catch (e) {
          if (!(e instanceof ToolError)) throw e;
          results.refused++;
        }
      }
    } finally {
      swapper.kill('SIGKILL');
      await new Promise((resolve) => swapper.once('exit', resolve));
    }
    // Some writes met the symlink and were refused, some landed inside; none landed outside.
    expect(results.wrote).toBeGreaterThan(0);
    expect(results.refused).toBeGreaterThan(0);
    expect((await readdir(outside)).sort()).toEqual(['secret.txt', 'target.txt']);
    expect(await readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('untouched\n');
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret\n');
  });
});
