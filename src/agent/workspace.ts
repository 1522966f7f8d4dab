// The model's file tools, confined to the working directory: every path is checked before any byte is read or written.
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ConfinementError, openConfined, overwrite, type Opened, type OpenMode } from '../safety/confined-file.js';
import { findNearest, replaceOnce } from './edit.js';
import { syntaxError } from './lint.js';

/** A refused or failed tool call; its message goes back to the model as the tool result. */
export class ToolError extends Error {
  override name = 'ToolError';
}

export interface WorkspacePolicy {
  allowWorkflowEdits: boolean;
  /** Returns a reason to refuse a write, or undefined (coverage mode allows test files only). */
  refuseWrite?: (relPath: string) => string | undefined;
}

const MAX_READ_LINES = 200;
const WHOLE_FILE_LINES = 400;
const MAX_LINE_CHARS = 2000;

export class Workspace {
  /** Paths (relative, posix) the model wrote, in the order first written. */
  readonly touched = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly policy: WorkspacePolicy,
  ) {}

  static async open(dir: string, policy: WorkspacePolicy): Promise<Workspace> {
    return new Workspace(await realpath(dir), policy);
  }

  /** Checks a model-given path and returns [absolute path, normalised relative path]. */
  async resolve(given: unknown, forWrite: boolean): Promise<[string, string]> {
    if (typeof given !== 'string' || given.trim() === '') throw new ToolError('path must be a non-empty string.');
    const p = given.trim().replace(/\\/g, '/');
    if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('~')) {
      throw new ToolError(`'${p}' is an absolute path; give a path relative to the project root.`);
    }
    const parts = p.split('/').filter((s) => s !== '' && s !== '.');
    if (parts.includes('..')) throw new ToolError(`'${p}' leaves the project through '..'; paths must stay inside the project.`);
    if (parts.length === 0) throw new ToolError(`'${p}' names the project root, not a file.`);
    if (parts.some((s) => s.toLowerCase() === '.git')) throw new ToolError(`'${p}' is inside .git/, which the tools do not touch.`);
    const rel = parts.join('/');
    if (forWrite) {
      const reason = this.refusedWrite(rel);
      if (reason) throw new ToolError(reason);
    }
    const abs = path.join(this.root, rel);
    await this.checkRealPath(abs, rel, forWrite);
    return [abs, rel];
  }

  /** Why a write to `rel` is refused by the run's policy (workflows, coverage's test files only), or undefined. */
  private refusedWrite(rel: string): string | undefined {
    if (!this.policy.allowWorkflowEdits && /^\.github\/workflows(\/|$)/i.test(rel)) {
      return `'${rel}' is a workflow file; writing workflows is not allowed in this run.`;
    }
    return this.policy.refuseWrite?.(rel);
  }

  /**
   * Opens a checked path and checks the descriptor again (see openConfined): the path checks above give the
   * model clear reasons, this one is what holds when the tree changes underneath. Writes are judged by the
   * policy at the file's real place too, so a folder symlinked to .github/workflows is no way around it.
   */
  private async openFile(abs: string, rel: string, mode: OpenMode): Promise<Opened> {
    const forWrite = mode !== 'read';
    try {
      // A read may go through a symlink that stays inside; a write never replaces one.
      const target = forWrite ? abs : await realpath(abs);
      return await openConfined(this.root, target, rel, mode, (real) => (forWrite ? this.refusedWrite(real) : undefined));
    } catch (e) {
      if (e instanceof ConfinementError) throw new ToolError(e.message);
      throw new ToolError(`cannot ${forWrite ? 'write' : 'read'} '${rel}': ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
    }
  }

  /** Follows symlinks on the way: the real location must still be inside the root. */
  private async checkRealPath(abs: string, rel: string, forWrite: boolean): Promise<void> {
    let probe = abs;
    // Find the deepest part that exists; a write may create what is below it.
    for (;;) {
      try {
        const st = await lstat(probe);
        if (forWrite && probe === abs && st.isSymbolicLink()) {
          throw new ToolError(`'${rel}' is a symbolic link; write to the file it points to instead.`);
        }
        break;
      } catch (e) {
        if (e instanceof ToolError) throw e;
        const parent = path.dirname(probe);
        if (parent === probe) break;
        probe = parent;
      }
    }
    let real: string;
    try {
      real = await realpath(probe);
    } catch {
      throw new ToolError(`'${rel}' cannot be resolved (a broken symbolic link?).`);
    }
    if (real !== this.root && !real.startsWith(this.root + path.sep)) {
      throw new ToolError(`'${rel}' leads outside the project (through a symbolic link); paths must stay inside the project.`);
    }
    if (real.split(path.sep).includes('.git')) throw new ToolError(`'${rel}' leads into .git/, which the tools do not touch.`);
  }

  /** The whole text of a file the model may read. */
  async text(given: unknown): Promise<[string, string]> {
    const [abs, rel] = await this.resolve(given, false);
    const { fh } = await this.openFile(abs, rel, 'read');
    let text: string;
    try {
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
    if (text.includes('\u0000')) throw new ToolError(`'${rel}' is a binary file.`);
    return [text, rel];
  }

  async read(given: unknown, startLine?: unknown, endLine?: unknown): Promise<string> {
    const [text, rel] = await this.text(given);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const total = lines.length;
    const start = clampLine(startLine, 1, total);
    const whole = startLine === undefined && endLine === undefined && total <= WHOLE_FILE_LINES;
    const end = whole
      ? total
      : Math.min(clampLine(endLine, start + MAX_READ_LINES - 1, total), start + WHOLE_FILE_LINES - 1, total);
    const width = String(end).length;
    const body = lines
      .slice(start - 1, end)
      .map((l, i) => `${String(start + i).padStart(width)}| ${l.length > MAX_LINE_CHARS ? l.slice(0, MAX_LINE_CHARS) + ' [line cut]' : l}`)
      .join('\n');
    const more = end < total ? `\n[lines ${start}-${end} of ${total}; read on with start_line=${end + 1}]` : '';
    return `${rel} (${total} lines)\n${body}${more}`;
  }

  async write(given: unknown, content: unknown): Promise<string> {
    if (typeof content !== 'string') throw new ToolError('content must be a string.');
    const [abs, rel] = await this.resolve(given, true);
    const { fh, realRel } = await this.openFile(abs, rel, 'write');
    let before: string | undefined;
    try {
      const size = (await fh.stat()).size;
      before = size > 0 ? await fh.readFile('utf8') : undefined;
      await overwrite(fh, content);
    } finally {
      await fh.close();
    }
    // The file's real place is what changed (and what is committed), even when written through an inside symlink.
    this.touched.add(realRel);
    return withSyntaxCheck(path.join(this.root, realRel), rel, before, `wrote ${rel} (${content.split('\n').length} lines)`);
  }

  async edit(given: unknown, oldString: unknown, newString: unknown): Promise<string> {
    if (typeof oldString !== 'string' || oldString === '') throw new ToolError('old_string must be a non-empty string.');
    if (typeof newString !== 'string') throw new ToolError('new_string must be a string.');
    const [abs, rel] = await this.resolve(given, true);
    if (!(await lstat(abs).then(() => true, () => false))) throw new ToolError(`'${rel}' does not exist; use write_file to create it.`);
    const { fh, realRel } = await this.openFile(abs, rel, 'update');
    try {
      return await this.editOpen(fh, rel, realRel, oldString, newString);
    } finally {
      await fh.close();
    }
  }

  private async editOpen(fh: Opened['fh'], rel: string, realRel: string, oldString: string, newString: string): Promise<string> {
    const text = await fh.readFile('utf8');
    const result = replaceOnce(text, oldString, newString);
    if (result.kind === 'none') {
      throw new ToolError(`old_string was not found in ${rel}. The nearest lines are:\n${findNearest(text, oldString)}`);
    }
    if (result.kind === 'many') {
      throw new ToolError(
        `old_string occurs ${result.lines.length} times in ${rel} (lines ${result.lines.join(', ')}); include more surrounding lines so it is unique.`,
      );
    }
    await overwrite(fh, result.text);
    this.touched.add(realRel);
    return withSyntaxCheck(path.join(this.root, realRel), rel, text, `edited ${rel} at line ${result.line}${result.fuzzy ? ' (matched ignoring whitespace)' : ''}`);
  }
}

/** The change stays written; a syntax error is reported with it so the next step can mend it. */
async function withSyntaxCheck(abs: string, rel: string, before: string | undefined, done: string): Promise<string> {
  const error = await syntaxError(abs, rel, before);
  return error ? `${done}, but ${rel} no longer parses:\n${error}` : done;
}

function clampLine(value: unknown, fallback: number, total: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  const v = Number.isFinite(n) ? Math.trunc(n) : fallback;
  return Math.max(1, Math.min(v, Math.max(total, 1)));
}
