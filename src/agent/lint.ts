// A syntax check after every write, so a broken edit is reported at once instead of by the next test run.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCheck } from '../testing/process.js';

const TIMEOUT_MS = 10_000;
const MAX_MESSAGE = 1500;

/**
 * Parsers only, run as the untrusted side from outside the workspace: Python isolated (`-I`: no script folder,
 * no user site, no PYTHON* variables), so a file the model wrote (an `ast.py`) is never imported.
 */
function checker(file: string): ((abs: string) => Promise<string | undefined>) | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    return async (abs) => {
      try {
        JSON.parse(await readFile(abs, 'utf8'));
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };
  }
  if (['.js', '.mjs', '.cjs'].includes(ext)) return (abs) => run(process.execPath, ['--check', abs]);
  if (ext === '.py') return (abs) => run('python3', ['-I', '-c', 'import ast,sys; ast.parse(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1])', abs]);
  return undefined;
}

/** Checks the old text in a sibling file, so the same package settings (module type) apply. */
async function parsedBefore(abs: string, before: string, check: (abs: string) => Promise<string | undefined>): Promise<boolean> {
  const probe = path.join(path.dirname(abs), `.redgreen-syntax-${process.pid}-${Date.now()}${path.extname(abs)}`);
  try {
    await writeFile(probe, before);
    return (await check(probe)) === undefined;
  } finally {
    await rm(probe, { force: true });
  }
}

async function run(command: string, args: string[]): Promise<string | undefined> {
  const r = await runCheck([command, ...args], TIMEOUT_MS);
  // A checker that is missing or timed out says nothing about the file.
  if (r.exitCode === 0 || r.missing || r.timedOut) return undefined;
  return r.output || `${command} exited with ${r.exitCode ?? 'a signal'}`;
}

/** JSX and similar dialects that a plain parser rejects: a new file of that kind is not checked. */
const DIALECT = /<\/?[A-Za-z][\w.]*[\s>/]/;

/**
 * The syntax error the change brought into a file, or undefined when it parses, no checker knows its language,
 * or the file did not parse before either (`before`: its old text; undefined for a new file).
 */
export async function syntaxError(abs: string, rel: string, before?: string): Promise<string | undefined> {
  const check = checker(rel);
  const message = check ? await check(abs) : undefined;
  if (!message) return undefined;
  if (before === undefined ? DIALECT.test(await readFile(abs, 'utf8')) : !(await parsedBefore(abs, before, check!))) return undefined;
  const text = message.split(abs).join(rel);
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}
