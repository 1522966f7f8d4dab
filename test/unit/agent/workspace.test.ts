import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
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
