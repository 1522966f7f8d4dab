// The shell tool: the model's commands run through the untrusted-process seam, and what they change in the tree is
// an edit like any other (counted, verified, delivered) unless the model may not write there, which is undone.
import path from 'node:path';
import { runProcess } from '../testing/process.js';
import type { ShellCommandResult } from './conversation.js';
import { GitDirGuard, TreeSnapshots, type TreeChange } from './tree.js';
import { ToolError, type Workspace } from './workspace.js';

export interface ShellOptions {
  workspace: Workspace;
  /** The environment of test commands: no secrets, runner file commands to /dev/null. */
  env: Record<string, string>;
  /** The longest a command may run (test-timeout), in ms. */
  maxTimeoutMs: number;
  logDir: string;
  redact: (text: string) => string;
}

export interface ShellOutcome {
  results: ShellCommandResult[];
  /** The text for a function-tool result: each command, its output and how it ended, then what changed. */
  text: string;
  /** Files the commands changed that count as the model's edits. */
  edited: string[];
}

export interface Shell {
  run(commands: string[], opts?: { timeoutMs?: number; maxOutputChars?: number }): Promise<ShellOutcome>;
}

const MAX_OUTPUT_CHARS = 16 * 1024;

// What a test run may also write and delivery never takes from one: lock files, caches, build output.
const LOCK_FILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb', 'Cargo.lock',
  'poetry.lock', 'Pipfile.lock', 'uv.lock', 'Gemfile.lock', 'composer.lock', 'go.sum',
]);
const OUTPUT_DIRS = new Set([
  'node_modules', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.cache', '.tox', '.venv', 'venv', '.nyc_output',
  'coverage', 'htmlcov', 'dist', 'build', 'out', 'target', '.next', '.nuxt', '.turbo', '.gradle', 'test-results', 'junit-reports',
]);
const OUTPUT_EXT = /\.(pyc|pyo|class|o|obj|tsbuildinfo|log)$/i;
/** Reports and coverage data test runners write next to the project. */
const OUTPUT_FILES = /^(junit|test-results?|report|results)\.xml$|^\.coverage(\..*)?$|^lcov\.info$/i;

/** True for a path a shell command may write without it counting as the model's edit. */
export function keptOut(rel: string): boolean {
  const parts = rel.split('/');
  const name = parts.at(-1)!;
  return LOCK_FILES.has(name) || OUTPUT_FILES.test(name) || parts.slice(0, -1).some((p) => OUTPUT_DIRS.has(p)) || OUTPUT_EXT.test(rel);
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  return `${text.slice(0, half)}\n[${text.length - 2 * half} characters elided]\n${text.slice(-half)}`;
}

export function createShell(o: ShellOptions): Shell {
  let count = 0;
  let trees: Promise<TreeSnapshots> | undefined;
  let guard: Promise<GitDirGuard> | undefined;
  return {
    async run(commands, opts = {}) {
      if (commands.length === 0 || commands.some((c) => typeof c !== 'string' || c.trim() === '')) {
        throw new ToolError('command must be a non-empty bash command line.');
      }
      trees ??= TreeSnapshots.open(o.workspace.root);
      guard ??= GitDirGuard.open(o.workspace.root);
      const [t, g] = await Promise.all([trees, guard]);
      const before = await t.take();
      const gitBefore = await g.take();
      const timeoutMs = Math.max(1000, Math.min(opts.timeoutMs ?? o.maxTimeoutMs, o.maxTimeoutMs));
      const maxChars = Math.min(opts.maxOutputChars ?? MAX_OUTPUT_CHARS, MAX_OUTPUT_CHARS);
      const results: ShellCommandResult[] = [];
      const text: string[] = [];
      for (const command of commands) {
        count++;
        const r = await runProcess({
          command,
          cwd: o.workspace.root,
          env: o.env,
          timeoutMs,
          logFile: path.join(o.logDir, `shell-${String(count).padStart(3, '0')}.log`),
          redact: o.redact,
          maxCaptureBytes: 4 * maxChars,
        });
        const output = cap(r.output, maxChars);
        const outcome: ShellCommandResult['outcome'] = r.timedOut ? { type: 'timeout' } : { type: 'exit', exitCode: r.exitCode ?? 128 };
        results.push({ stdout: output, stderr: '', outcome });
        const end = r.timedOut ? `[timed out after ${Math.round(timeoutMs / 1000)} s; its processes were killed]` : `[exit ${r.exitCode ?? 'by signal ' + String(r.signal)}]`;
        text.push(`$ ${command}\n${output}${output.endsWith('\n') || output === '' ? '' : '\n'}${end}`);
      }
      const notes: string[] = [];
      const gitChanged = await g.restore(gitBefore);
      if (gitChanged.length) notes.push(`Changes inside .git/ were put back: ${gitChanged.join(', ')}. The tools do not change .git/.`);
      const after = await t.take();
      const edited: string[] = [];
      const undone: string[] = [];
      for (const change of before === after ? [] : await t.changes(before, after)) {
        const refusal = await refusalOf(o.workspace, change);
        if (refusal) {
          await t.restore(before, change);
          undone.push(`${change.path} (${refusal})`);
        } else if (!keptOut(change.path)) {
          o.workspace.touched.add(change.path);
          edited.push(`${change.path} (${change.kind})`);
        }
      }
      if (edited.length) notes.push(`Files changed by the command${commands.length > 1 ? 's' : ''}, kept as your edits: ${edited.join(', ')}.`);
      if (undone.length) notes.push(`Undone, because these files may not be written in this run: ${undone.join('; ')}.`);
      if (notes.length) {
        const last = results.at(-1)!;
        last.stderr = notes.join('\n');
        text.push(notes.join('\n'));
      }
      return { results, text: o.redact(text.join('\n\n')), edited };
    },
  };
}

/** The workspace's own rules decide: a path it would refuse to write is a change to undo. */
async function refusalOf(ws: Workspace, change: TreeChange): Promise<string | undefined> {
  try {
    await ws.resolve(change.path, true);
    return undefined;
  } catch (e) {
    if (e instanceof ToolError) return e.message.replace(/\.$/, '');
    throw e;
  }
}
