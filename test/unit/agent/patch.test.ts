// The apply_patch tool: V4A patches through the confined workspace, all or nothing, and failures that say where.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePatch } from '../../../src/agent/patch.js';
import { applyOperations, nativeOperation, patchOperations } from '../../../src/agent/patch-tool.js';
import { ToolError, Workspace } from '../../../src/agent/workspace.js';

let root: string;
let ws: Workspace;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'rg-patch-'));
  await mkdir(path.join(root, 'src'));
  await mkdir(path.join(root, '.github', 'workflows'), { recursive: true });
  await writeFile(path.join(root, 'src', 'range.js'), 'export function range(start, end) {\n  const out = [];\n  for (let i = start; i < end; i++) out.push(i);\n  return out;\n}\n');
  await writeFile(path.join(root, 'src', 'old.js'), 'gone\n');
  ws = await Workspace.open(root, { allowWorkflowEdits: false });
});

const read = (rel: string) => readFile(path.join(root, rel), 'utf8');

describe('apply_patch', () => {
  it('updates, adds and deletes several files from one V4A patch', async () => {
    const patch = [
      '*** Begin Patch',
      '*** Update File: src/range.js',
      '@@ export function range(start, end) {',
      '   const out = [];',
      '-  for (let i = start; i < end; i++) out.push(i);',
      '+  for (let i = start; i <= end; i++) out.push(i);',
      '   return out;',
      '*** Add File: src/new.js',
      '+export const x = 1;',
      '*** Delete File: src/old.js',
      '*** End Patch',
    ].join('\n');
    const said = await applyOperations(ws, patchOperations(patch));
    expect(said).toBe('updated src/range.js (6 lines)\ncreated src/new.js (2 lines)\ndeleted src/old.js');
    expect(await read('src/range.js')).toContain('i <= end');
    expect(await read('src/new.js')).toBe('export const x = 1;\n');
    await expect(read('src/old.js')).rejects.toThrow(/ENOENT/);
    expect([...ws.touched]).toEqual(['src/range.js', 'src/new.js', 'src/old.js']);
  });

  it('applies the built-in tool operation the same way', async () => {
    const op = nativeOperation({ type: 'update_file', path: 'src/range.js', diff: '@@\n-  return out;\n+  return out.slice();\n' });
    await applyOperations(ws, [op]);
    expect(await read('src/range.js')).toContain('return out.slice();');
  });

  it('names the hunk that did not match, shows the nearest lines, and changes no file', async () => {
    const patch = parsePatch(
      [
        '*** Begin Patch',
        '*** Add File: src/first.js',
        '+1',
        '*** Update File: src/range.js',
        '@@',
        '-  const out = [];',
        '+  const out = new Array();',
        '@@',
        '-  for (let j = start; j < end; j++) out.push(j);',
        '+  nope',
        '*** End Patch',
      ].join('\n'),
    );
    const attempt = applyOperations(ws, patch);
    await expect(attempt).rejects.toBeInstanceOf(ToolError);
    await expect(attempt).rejects.toThrow(/hunk 2 of 2 did not match src\/range\.js[\s\S]*3\|   for \(let i = start; i < end; i\+\+\)[\s\S]*No file was changed/);
    await expect(read('src/first.js')).rejects.toThrow(/ENOENT/);
    expect(await read('src/range.js')).toContain('const out = [];');
    expect(ws.touched.size).toBe(0);
  });

  it('refuses workflows and paths outside the project through the workspace rules', async () => {
    await expect(applyOperations(ws, [nativeOperation({ type: 'create_file', path: '.github/workflows/x.yml', diff: '+on: push' })])).rejects.toThrow(/workflow file/);
    await expect(applyOperations(ws, [nativeOperation({ type: 'create_file', path: '../evil.js', diff: '+x' })])).rejects.toThrow(/leaves the project/);
    await expect(applyOperations(ws, [nativeOperation({ type: 'update_file', path: '/etc/hosts', diff: '@@\n+x' })])).rejects.toThrow(/absolute path/);
    expect(ws.touched.size).toBe(0);
  });

  it('says what is wrong with a patch that is not V4A', async () => {
    expect(() => patchOperations('--- a/x\n+++ b/x\n')).toThrow(/must start with '\*\*\* Begin Patch'/);
    expect(() => patchOperations('*** Begin Patch\n*** Update File: a.js\n@@\n-x\n+y\n')).toThrow(/must end with '\*\*\* End Patch'/);
    await expect(applyOperations(ws, patchOperations('*** Begin Patch\n*** Add File: src/b.js\nno plus\n*** End Patch'))).rejects.toThrow(
      /line 1 of a new file must start with '\+'/,
    );
  });
});
