// Reads a diff for changes that remove or disable tests: what keeps a run green by counts or exit code from counting as a fix.
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { parseCommand } from './shell.js';

/** Paths that hold tests by the conventions of the common runners. */
const TEST_PATH = /(?:^|\/)(?:tests?|__tests__|spec|specs)\/|(?:^|\/)test_[^/]*\.py$|_test\.(?:py|go|rs)$|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)[^/]*Tests?\.(?:java|kt|cs)$/i;

/** Lines that define a test or a group of tests, in the languages redgreen's runners run. */
const TEST_DEFINITION = [
  /^\s*(?:async\s+)?def\s+test\w*\s*\(/, // pytest, unittest
  /^\s*class\s+Test\w*|^\s*class\s+\w+\((?:[\w.]*\.)?TestCase\)/, // unittest, pytest classes
  /^\s*(?:it|test|describe|suite|specify|context)(?:\.\w+)*\s*\(/, // jest, vitest, mocha, node:test
  /^\s*#\[(?:\w+::)*test\b/, // cargo, tokio
  /^\s*func\s+(?:Test|Benchmark|Example|Fuzz)\w*\s*\(/, // go
  /^\s*@(?:Test|ParameterizedTest)\b/, // JUnit
];

/** Markers that switch a test off (skip, todo, ignore, an expected failure). */
const SKIP_MARKER = [
  /@(?:unittest\.)?(?:skip|skipIf|skipUnless|expectedFailure)\b/,
  /\bpytest\.(?:mark\.(?:skip|skipif|xfail)|skip|xfail)\b/,
  /\bself\.skipTest\s*\(|\braise\s+(?:unittest\.)?SkipTest\b/,
  /\b(?:it|test|describe|suite|specify|context)\.(?:skip|todo|failing)\b|\bx(?:it|describe|test|specify|context)\s*\(/,
  /\{[^}]*\b(?:skip|todo)\s*:\s*(?:true|['"`])/, // node:test options
  /\bt\.(?:skip|todo)\s*\(|\btest\.(?:skip|todo)\s*\(/,
  /^\s*#\[ignore\b/,
  /\bt\.Skip(?:Now|f)?\s*\(/,
  /@(?:Disabled|Ignore)\b/,
];

const count = (lines: string[], patterns: RegExp[]): number => lines.filter((l) => patterns.some((re) => re.test(l))).length;

interface FileDiff {
  path: string;
  deleted: boolean;
  removed: string[];
  added: string[];
}

/** Splits `git diff -U0` output into files with their removed and added lines. */
export function parseDiff(diff: string): FileDiff[] {
  const files: FileDiff[] = [];
  let current: FileDiff | undefined;
  for (const line of diff.split('\n')) {
    const head = /^diff --git a\/(.+?) b\/(.+)$/.exec(line);
    if (head) {
      current = { path: head[1]!, deleted: false, removed: [], added: [] };
      files.push(current);
      continue;
    }
    if (!current) continue;
    if (/^deleted file mode/.test(line)) current.deleted = true;
    else if (line.startsWith('--- ') || line.startsWith('+++ ')) continue;
    else if (line.startsWith('-')) current.removed.push(line.slice(1));
    else if (line.startsWith('+')) current.added.push(line.slice(1));
  }
  return files;
}

/**
 * Sentences naming each way the diff removes or disables tests: a deleted test file, fewer test definitions
 * in a test file, more skip markers, or any line removed from a file the test command itself names.
 */
export function testRemovals(diff: string, named: CommandFiles): string[] {
  const found: string[] = [];
  const files = new Set(named.files);
  for (const f of parseDiff(diff)) {
    if (/(?:^|\/)package\.json$/.test(f.path)) {
      // The scripts the test command runs are part of the test.
      const changed = named.scripts.filter((s) => f.removed.some((line) => line.includes(`"${s}"`)));
      if (changed.length) found.push(`the script(s) ${changed.map((s) => `"${s}"`).join(', ')} that the test command runs were changed in ${f.path}`);
      continue;
    }
    const isNamed = files.has(f.path) || (f.deleted && named.candidates.includes(f.path));
    const isTest = isNamed || TEST_PATH.test(f.path);
    if (!isTest) continue;
    if (f.deleted) {
      found.push(`the test file ${f.path} was deleted`);
      continue;
    }
    if (isNamed && f.removed.length > 0) {
      found.push(`${f.removed.length} line(s) were removed from ${f.path}, which the test command runs`);
      continue;
    }
    const definitions = count(f.removed, TEST_DEFINITION) - count(f.added, TEST_DEFINITION);
    if (definitions > 0) found.push(`${definitions} test definition(s) were removed from ${f.path}`);
    const skips = count(f.added, SKIP_MARKER) - count(f.removed, SKIP_MARKER);
    if (skips > 0) found.push(`${skips} skip marker(s) were added to ${f.path}`);
  }
  return found;
}

const PackageJson = z.object({ scripts: z.record(z.string(), z.string()).optional() });
const MAX_DEPTH = 3;

export interface CommandFiles {
  /** Project files the command names that exist now, relative to root with `/` separators. */
  files: string[];
  /** Every path-like word, existing or not (a deleted script is still named). */
  candidates: string[];
  /** The package.json scripts it runs. */
  scripts: string[];
}

/**
 * The project files a test command names (`node check.js`, `./check.sh`, `python tests/run.py`), following
 * npm, yarn and pnpm scripts. Folders are left out.
 */
export function commandFiles(command: string, root: string, cwd = root, depth = 0, into?: CommandFiles): CommandFiles {
  const out = into ?? { files: [], candidates: [], scripts: [] };
  let dir = resolve(cwd);
  for (const segment of parseCommand(command)) {
    const words = segment.words.map((w) => w.value);
    if ((words[0] === 'cd' || words[0] === 'pushd') && words.length === 2 && !words[1]!.includes('$')) {
      dir = resolve(dir, words[1]!);
      continue;
    }
    const pm = ['npm', 'yarn', 'pnpm'].includes(words[0] ?? '');
    if (pm && depth < MAX_DEPTH) {
      const positional = words.slice(1).filter((w) => !w.startsWith('-'));
      const name = positional[0] === 'run' || positional[0] === 'run-script' ? positional[1] : positional[0] === 't' ? 'test' : positional[0];
      const body = name ? scriptOf(dir, name) : undefined;
      if (name && !out.scripts.includes(name)) out.scripts.push(name);
      if (body) commandFiles(body, root, dir, depth + 1, out);
      continue;
    }
    for (const word of words) {
      if (word.startsWith('-') || word.includes('$')) continue;
      const abs = resolve(dir, word);
      const rel = relative(root, abs).split(sep).join('/');
      if (!rel || rel.startsWith('..') || /(?:^|\/)node_modules\//.test(rel)) continue;
      if (!out.candidates.includes(rel)) out.candidates.push(rel);
      if (isFile(abs) && !out.files.includes(rel)) out.files.push(rel);
    }
  }
  return out;
}

function scriptOf(dir: string, name: string): string | undefined {
  try {
    const parsed = PackageJson.safeParse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
    return parsed.success ? parsed.data.scripts?.[name] : undefined;
  } catch {
    return undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
