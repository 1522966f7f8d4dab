// The apply_patch tool: V4A operations applied through the confined workspace, all checked before any file is written.
import { rm } from 'node:fs/promises';
import { applyUpdate, createdContent, parsePatch, PatchError, type PatchOperation } from './patch.js';
import { ToolError, type Workspace } from './workspace.js';

/** The built-in tool's operation, as the Responses API sends it in an apply_patch_call. */
export function nativeOperation(args: Record<string, unknown>): PatchOperation {
  const { type, path, diff } = args;
  if (typeof path !== 'string' || path === '') throw new ToolError('the operation has no path.');
  if (type === 'delete_file') return { type, path };
  if (typeof diff !== 'string') throw new ToolError(`the ${String(type)} operation on ${path} has no diff.`);
  if (type === 'create_file' || type === 'update_file') return { type, path, diff };
  throw new ToolError(`unknown operation '${String(type)}'; use create_file, update_file or delete_file.`);
}

/** The function tool's argument: one V4A patch text, which may hold several files. */
export function patchOperations(input: unknown): PatchOperation[] {
  if (typeof input !== 'string' || input.trim() === '') throw new ToolError("input must be a V4A patch: '*** Begin Patch' … '*** End Patch'.");
  try {
    return parsePatch(input);
  } catch (e) {
    if (e instanceof PatchError) throw new ToolError(e.message);
    throw e;
  }
}

type Planned = { kind: 'write'; path: string; content: string; verb: string } | { kind: 'delete'; path: string };

async function plan(ws: Workspace, op: PatchOperation): Promise<Planned[]> {
  // Every path is checked for writing first: a refused path (a workflow, outside the project) writes nothing.
  await ws.resolve(op.path, true);
  if (op.type === 'delete_file') {
    await ws.text(op.path);
    return [{ kind: 'delete', path: op.path }];
  }
  if (op.type === 'create_file') return [{ kind: 'write', path: op.path, content: createdContent(op.diff), verb: 'created' }];
  let text: string;
  try {
    [text] = await ws.text(op.path);
  } catch (e) {
    throw new ToolError(`cannot update ${op.path}: ${(e as Error).message} Use '*** Add File:' to create a file.`);
  }
  const content = applyUpdate(text, op.diff, op.path);
  if (!op.moveTo) return [{ kind: 'write', path: op.path, content, verb: 'updated' }];
  await ws.resolve(op.moveTo, true);
  return [
    { kind: 'write', path: op.moveTo, content, verb: `moved from ${op.path} and updated` },
    { kind: 'delete', path: op.path },
  ];
}

/** Applies every operation or none; the result names each file, with any syntax error an edit brought in. */
export async function applyOperations(ws: Workspace, ops: PatchOperation[]): Promise<string> {
  const planned: Planned[] = [];
  try {
    for (const op of ops) planned.push(...(await plan(ws, op)));
  } catch (e) {
    if (e instanceof PatchError) throw new ToolError(`${e.message}\nNo file was changed.`);
    if (e instanceof ToolError) throw new ToolError(`${e.message}\nNo file was changed.`);
    throw e;
  }
  const done: string[] = [];
  for (const p of planned) {
    if (p.kind === 'delete') {
      const [abs, rel] = await ws.resolve(p.path, true);
      await rm(abs, { force: true });
      ws.touched.add(rel);
      done.push(`deleted ${rel}`);
    } else {
      const said = await ws.write(p.path, p.content);
      // The workspace says "wrote X (N lines)"; keep what it adds (a syntax error), under the patch's own verb.
      done.push(said.replace(/^wrote /, `${p.verb} `));
    }
  }
  return done.join('\n');
}
