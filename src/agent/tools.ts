// The tools offered to the model: their JSON schemas, and one dispatcher that turns every call, even one that breaks, into a result.
import { ToolNames } from '../constants.js';
import { errorMessage } from '../util/errors.js';
import type { ShellCommandResult, ToolCall, ToolDef } from './conversation.js';
import { applyOperations, nativeOperation, patchOperations } from './patch-tool.js';
import type { Shell } from './shell.js';
import { ToolError, type Workspace } from './workspace.js';

export interface ToolHost {
  workspace: Workspace;
  /** The shell tool; absent where the model may not run commands. */
  shell?: Shell;
  /** The only tools offered, by name (ask mode: nothing that writes); every tool when left out. */
  only?: readonly string[];
  /** Tracked and untracked, not ignored, files of the project (relative paths). */
  listFiles(): Promise<string[]>;
  /** Runs the tests ('failing': the tests that failed, targeted where possible; 'all': the full command); returns a digest. */
  runTests(scope: 'failing' | 'all'): Promise<string>;
}

export interface ToolOutcome {
  /** The text the model receives. */
  result: string;
  /** The call was refused or broken (unknown tool, bad JSON, bad arguments, refused path). */
  failed: boolean;
  /** The call changed a file. */
  edited: boolean;
  /** The shell tool's per-command results, for the built-in tool's structured output. */
  shell?: ShellCommandResult[];
}

const str = (description: string) => ({ type: 'string', description });
const int = (description: string) => ({ type: 'integer', description });

function tool(name: string, description: string, properties: Record<string, object>, required: string[], builtin?: ToolDef['builtin']): ToolDef {
  return { name, description, parameters: { type: 'object', properties, required, additionalProperties: false }, ...(builtin ? { builtin } : {}) };
}

const fileTools: ToolDef[] = [
  tool(
    ToolNames.ReadFile,
    'Read a text file of the project, with numbered lines. Long files come in windows of 200 lines: pass start_line/end_line for more.',
    { path: str('Path relative to the project root.'), start_line: int('First line (1-based).'), end_line: int('Last line.') },
    ['path'],
  ),
  tool(
    ToolNames.WriteFile,
    'Create a file or replace its whole content.',
    { path: str('Path relative to the project root.'), content: str('The complete new content.') },
    ['path', 'content'],
  ),
  tool(
    ToolNames.EditFile,
    'Replace one exact occurrence of old_string with new_string. old_string must match the file exactly once: include enough surrounding lines to make it unique.',
    { path: str('Path relative to the project root.'), old_string: str('The exact text to replace.'), new_string: str('The replacement.') },
    ['path', 'old_string', 'new_string'],
  ),
  tool(
    ToolNames.RunTests,
    "Run the tests and get a digest of the result. scope 'failing' (default) reruns only the tests that were failing, where the runner allows; 'all' runs the full test command.",
    { scope: { type: 'string', enum: ['failing', 'all'], description: 'Which tests to run.' } },
    [],
  ),
  tool(
    ToolNames.ListFiles,
    'List the files of the project (not ignored ones), optionally under a folder.',
    { path: str('A folder relative to the project root; empty for all.') },
    [],
  ),
  tool(
    ToolNames.Search,
    'Search the files of the project for a regular expression (JavaScript syntax). Returns matching lines as path:line: text.',
    { pattern: str('Regular expression.'), path: str('Limit to files under this folder or this file.') },
    ['pattern'],
  ),
  tool(
    ToolNames.ApplyPatch,
    "Apply a patch in the V4A format to one or more files. input starts with '*** Begin Patch' and ends with '*** End Patch'; between them, '*** Add File: <path>' (every line starting with '+'), '*** Delete File: <path>', or '*** Update File: <path>' followed by hunks: a line '@@' (optionally with a line of the code above the change), then lines starting with ' ' (context, about 3 lines around each change), '-' (removed) or '+' (added). Every hunk must match the file, or nothing is changed.",
    { input: str('The whole patch text.') },
    ['input'],
    'apply_patch',
  ),
];

const shellTool = tool(
  ToolNames.Shell,
  'Run a bash command line in the project folder (explore with ls, cat, grep, git diff; run scripts). Files it changes count as your edits; changes to workflows, or where this run may not write, are undone. It runs without the run\'s secrets and is killed at its timeout.',
  { command: str('The bash command line.'), timeout_ms: int('Most milliseconds it may run (capped by the test timeout).') },
  ['command'],
  'shell',
);

/** The tools for a run: the shell only where the host offers one, and only those the host names when it names some. */
export function toolsFor(host: Pick<ToolHost, 'shell' | 'only'>): ToolDef[] {
  const all = host.shell ? [...fileTools, shellTool] : fileTools;
  return host.only ? all.filter((t) => host.only!.includes(t.name)) : all;
}

const MAX_LIST = 500;
const MAX_HITS = 100;

export async function callTool(host: ToolHost, call: ToolCall): Promise<ToolOutcome> {
  const tools = toolsFor(host);
  const name = call.name;
  if (!tools.some((t) => t.name === name)) {
    return fail(`Unknown tool '${name}'. The tools are: ${tools.map((t) => t.name).join(', ')}.`);
  }
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(call.arguments || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('arguments must be a JSON object');
    args = parsed as Record<string, unknown>;
  } catch (e) {
    return fail(`The arguments of ${name} are not valid JSON (${(e as Error).message}). Send a JSON object.`);
  }
  try {
    return await dispatch(host, name, args, call.native === true);
  } catch (e) {
    // Whatever breaks inside a tool (a folder given as a file, a full disk) is the model's to read, not the run's end.
    if (e instanceof ToolError) return fail(e.message);
    return fail(`${name} failed: ${errorMessage(e)}`);
  }
}

async function dispatch(host: ToolHost, name: string, args: Record<string, unknown>, native: boolean): Promise<ToolOutcome> {
  const ws = host.workspace;
  switch (name) {
    case ToolNames.ReadFile:
      return ok(await ws.read(args.path, args.start_line, args.end_line));
    case ToolNames.WriteFile:
      return { ...ok(await ws.write(args.path, args.content)), edited: true };
    case ToolNames.EditFile:
      return { ...ok(await ws.edit(args.path, args.old_string, args.new_string)), edited: true };
    case ToolNames.RunTests:
      return ok(await host.runTests(args.scope === 'all' ? 'all' : 'failing'));
    case ToolNames.ListFiles:
      return ok(await listFiles(host, args.path));
    case ToolNames.ApplyPatch:
      return { ...ok(await applyOperations(ws, native ? [nativeOperation(args)] : patchOperations(args.input))), edited: true };
    case ToolNames.Shell: {
      const commands = native ? args.commands : [args.command];
      if (!Array.isArray(commands) || commands.some((c) => typeof c !== 'string')) throw new ToolError('command must be a string.');
      const timeout = args.timeout_ms;
      const max = args.max_output_length;
      const r = await host.shell!.run(commands as string[], {
        timeoutMs: typeof timeout === 'number' && timeout > 0 ? timeout : undefined,
        maxOutputChars: typeof max === 'number' && max > 0 ? max : undefined,
      });
      return { result: r.text, failed: false, edited: r.edited.length > 0, shell: r.results };
    }
    default:
      return ok(await search(host, args.pattern, args.path));
  }
}

function ok(result: string): ToolOutcome {
  return { result, failed: false, edited: false };
}
function fail(result: string): ToolOutcome {
  return { result: `Error: ${result}`, failed: true, edited: false };
}

async function filesUnder(host: ToolHost, dir: unknown): Promise<string[]> {
  const all = await host.listFiles();
  if (dir === undefined || dir === '' || dir === '.') return all;
  const [, rel] = await host.workspace.resolve(dir, false);
  return all.filter((f) => f === rel || f.startsWith(rel + '/'));
}

async function listFiles(host: ToolHost, dir: unknown): Promise<string> {
  const files = await filesUnder(host, dir);
  if (files.length === 0) return 'No files there.';
  const shown = files.slice(0, MAX_LIST).join('\n');
  return files.length > MAX_LIST ? `${shown}\n[${files.length - MAX_LIST} more files; list a folder]` : shown;
}

async function search(host: ToolHost, pattern: unknown, dir: unknown): Promise<string> {
  if (typeof pattern !== 'string' || pattern === '') throw new ToolError('pattern must be a non-empty string.');
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    throw new ToolError(`pattern is not a valid regular expression: ${(e as Error).message}`);
  }
  const hits: string[] = [];
  let more = 0;
  for (const file of await filesUnder(host, dir)) {
    let text: string;
    try {
      [text] = await host.workspace.text(file);
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!re.test(lines[i]!)) continue;
      if (hits.length < MAX_HITS) hits.push(`${file}:${i + 1}: ${lines[i]!.slice(0, 300)}`);
      else more++;
    }
  }
  if (hits.length === 0) return `No match for /${pattern}/.`;
  return more ? `${hits.join('\n')}\n[${more} more matches; narrow the search]` : hits.join('\n');
}
