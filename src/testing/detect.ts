// Finds which test runner a command ends up running, following package.json scripts, and where arguments can go.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { parseCommand, quoteArg, type Segment, type Word } from './shell.js';
import type { Focus, Invocation } from './runners/types.js';

const PackageJson = z.object({ scripts: z.record(z.string(), z.string()).optional() });
const MAX_DEPTH = 4;

interface Found {
  inv: Omit<Invocation, 'anchor' | 'dir' | 'focus' | 'reportAnchor'>;
  /** The runner's words on this command line (for direct invocations). */
  words: Word[];
  /** Arguments reach the runner through a package manager script: appended after this separator. */
  script?: { sep: string; safe: boolean; focus?: Focus; pkgDir: string; body: string };
  dir: string;
}

/** Commands that only set up the shell's state for the commands after them. */
const SETUP = new Set(['cd', 'pushd', 'popd', 'source', '.', 'export', 'set', 'unset', 'umask', 'ulimit', 'shopt']);

function isSetup(segment: Segment): boolean {
  const first = segment.words[0]?.value;
  return first === undefined ? segment.assignments.length > 0 : SETUP.has(first);
}

function segmentStart(segment: Segment): number {
  return (segment.assignments[0] ?? segment.words[0])!.start;
}

/** The runner segment's own command, and where arguments go in it; undefined when it cannot stand alone. */
function ownCommand(command: string, segment: Segment, found: Found, cwd: string): Focus | undefined {
  const start = segmentStart(segment);
  const text = command.slice(start, segment.end);
  if (!found.script) {
    const words = found.words.map((w) => ({ ...w, start: w.start - start, end: w.end - start }));
    return { command: text, anchor: { at: text.length, sep: '', direct: true, words } };
  }
  const inner = found.script.focus;
  // Through the package manager, unless the script runs more than its runner (`tsc && jest`).
  if (found.script.safe && (!inner || inner.command === found.script.body)) {
    return { command: text, anchor: { at: text.length, sep: found.script.sep, direct: false, words: [] } };
  }
  if (!inner) return undefined;
  // The script's runner part, run the way the package manager would: in its folder, its binaries first.
  const rel = relative(cwd, found.script.pkgDir);
  const prefix = `${rel ? `cd ${quoteArg(rel)} && ` : ''}export PATH="$PWD/node_modules/.bin:$PATH" && `;
  const shift = (w: Word): Word => ({ ...w, start: w.start + prefix.length, end: w.end + prefix.length });
  return { command: prefix + inner.command, anchor: { ...inner.anchor, at: inner.anchor.at + prefix.length, words: inner.anchor.words.map(shift) } };
}

/** The setup parts before segment i, then its own command: what a targeted check runs. */
function focusOf(command: string, segments: Segment[], i: number, own: Focus | undefined): Focus | undefined {
  const segment = segments[i]!;
  if (!own || segment.complex || segment.after === '|') return undefined;
  const setup = segments.slice(0, i).filter((s) => isSetup(s) && s.op !== '|' && s.after !== '|');
  const prefix = setup.map((s) => `${command.slice(segmentStart(s), s.end)} && `).join('');
  const shift = (w: Word): Word => ({ ...w, start: w.start + prefix.length, end: w.end + prefix.length });
  return { command: prefix + own.command, anchor: { ...own.anchor, at: own.anchor.at + prefix.length, words: own.anchor.words.map(shift) } };
}

function unknown(dir: string, via: string[]): Found {
  return { inv: { kind: 'unknown', args: [], via }, words: [], dir };
}

function readScripts(dir: string): Record<string, string> | undefined {
  try {
    // package.json is small; a sync read keeps detection usable from a constructor.
    const parsed = PackageJson.safeParse(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
    return parsed.success ? (parsed.data.scripts ?? {}) : undefined;
  } catch {
    return undefined;
  }
}

/** Detects the runner of a test command run with `bash -c` in cwd. Never throws; 'unknown' when unsure. */
export function detectInvocation(command: string, cwd: string): Invocation {
  return detectIn(command, resolve(cwd), 0, []).inv;
}

function detectIn(command: string, cwd: string, depth: number, via: string[]): { inv: Invocation; scriptSafe: boolean } {
  const segments = parseCommand(command);
  const dirs: string[] = [];
  let dir = cwd;
  for (const segment of segments) {
    dirs.push(dir);
    dir = afterCd(segment, dir);
  }
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    const found = recognize(segment, dirs[i]!, depth, via);
    if (found.inv.kind === 'unknown') continue;
    const last = i === segments.length - 1 && !segment.complex && segment.after !== '|';
    const safe = last && (found.script ? found.script.safe : true);
    const anchor = safe
      ? { at: segment.end, sep: found.script?.sep ?? '', direct: !found.script, words: found.words }
      : undefined;
    // Report flags can reach a runner on the command line wherever it stands (`jest && tsc`).
    const reportAnchor = !anchor && !found.script && !segment.complex ? { at: segment.end, sep: '', direct: true, words: found.words } : undefined;
    const focus = focusOf(command, segments, i, ownCommand(command, segment, found, dirs[i]!));
    return { inv: { ...found.inv, dir: found.dir, anchor, reportAnchor, focus }, scriptSafe: safe };
  }
  return { inv: { kind: 'unknown', args: [], via, dir: cwd }, scriptSafe: false };
}

function afterCd(segment: Segment, dir: string): string {
  const [cmd, target] = segment.words.map((w) => w.value);
  if ((cmd !== 'cd' && cmd !== 'pushd') || segment.words.length !== 2 || !target) return dir;
  if (target.includes('$')) return dir;
  if (target === '~' || target.startsWith('~/')) return join(homedir(), target.slice(1));
  return resolve(dir, target);
}

const WRAPPERS = new Set(['time', 'exec', 'command', 'nice', 'nohup', 'stdbuf', 'xvfb-run', 'cross-env', 'dotenv', 'env']);
const COVERAGE_WRAPPERS = new Set(['c8', 'nyc']);
const RUN_WRAPPERS = new Set(['poetry', 'uv', 'pipenv', 'pdm', 'rye', 'hatch']);

function recognize(segment: Segment, dir: string, depth: number, via: string[]): Found {
  const words = segment.words;
  let i = 0;
  // Step over wrappers that run the rest of the line as a command.
  for (;;) {
    const word = words[i];
    if (!word) return unknown(dir, via);
    const name = basename(word.value);
    if (WRAPPERS.has(name) || name === 'timeout') {
      i++;
      if (name === 'timeout') {
        while (words[i]?.value.startsWith('-')) i++;
        i++; // the duration
      }
      while (words[i] && (words[i]!.value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.value))) i++;
      continue;
    }
    if (name === 'npx' || name === 'pnpx' || name === 'bunx') {
      i++;
      while (words[i]?.value.startsWith('-')) {
        i += words[i]!.value === '-p' || words[i]!.value === '--package' ? 2 : 1;
      }
      continue;
    }
    if (COVERAGE_WRAPPERS.has(name) || (name === 'coverage' && words[i + 1]?.value === 'run')) {
      // Their options may take values; find the first word that starts a known runner.
      const next = words.findIndex((w, j) => j > i && runnerWord(w.value, words.slice(j + 1)) !== undefined);
      if (next === -1) return unknown(dir, via);
      i = next;
      continue;
    }
    if (RUN_WRAPPERS.has(name) && words[i + 1]?.value === 'run') {
      i += 2;
      while (words[i]?.value.startsWith('-')) i++;
      continue;
    }
    break;
  }

  const name = basename(words[i]!.value);
  const rest = words.slice(i + 1);
  if (name === 'npm' || name === 'yarn' || name === 'pnpm' || name === 'bun') {
    return viaPackageManager(name, rest, dir, depth, via);
  }
  const runner = runnerWord(words[i]!.value, rest);
  if (!runner) return unknown(dir, via);
  const text = words.slice(i).map((w) => w.value).join(' ');
  return {
    inv: { kind: runner.kind, tool: runner.tool, args: rest.slice(runner.skip).map((w) => w.value), via: [...via, text] },
    words: words.slice(i),
    dir,
  };
}

interface RunnerWord {
  kind: Invocation['kind'];
  tool?: Invocation['tool'];
  /** Words after the runner's name that belong to its name (`run` of `cargo test`, `-m pytest`). */
  skip: number;
}

/** Whether a word (with the words after it) starts a runner this module knows. */
export function runnerWord(word: string, rest: Word[]): RunnerWord | undefined {
  const name = basename(word);
  const next = rest[0]?.value;
  switch (name) {
    case 'vitest':
      return { kind: 'vitest', skip: 0 };
    case 'jest':
      return { kind: 'jest', skip: 0 };
    case 'react-scripts':
      return next === 'test' ? { kind: 'jest', skip: 1 } : undefined;
    case 'mocha':
    case '_mocha':
      return { kind: 'mocha', skip: 0 };
    case 'node':
    case 'nodejs': {
      // `node --test` runs node:test; options after a script name belong to the script.
      for (const w of rest) {
        if (w.value === '--test') return { kind: 'node-test', skip: 0 };
        if (!w.value.startsWith('-')) return undefined;
      }
      return undefined;
    }
    case 'pytest':
    case 'py.test':
      return { kind: 'pytest', skip: 0 };
    case 'cargo': {
      const at = rest.findIndex((w) => !w.value.startsWith('+') && !w.value.startsWith('-'));
      return at !== -1 && rest[at]!.value === 'test' ? { kind: 'cargo', skip: at + 1 } : undefined;
    }
    case 'go':
      return next === 'test' ? { kind: 'go', skip: 1 } : undefined;
    case 'mvn':
    case 'mvnw':
      return { kind: 'junit', tool: 'maven', skip: 0 };
    case 'gradle':
    case 'gradlew':
      return { kind: 'junit', tool: 'gradle', skip: 0 };
    default:
      if (/^python(?:\d+(?:\.\d+)?)?$/.test(name)) {
        const m = rest.findIndex((w) => w.value === '-m');
        if (m !== -1 && (rest[m + 1]?.value === 'pytest' || rest[m + 1]?.value === 'py.test')) {
          return { kind: 'pytest', skip: m + 2 };
        }
        if (m !== -1 && rest[m + 1]?.value === 'unittest') return { kind: 'unittest', skip: m + 2 };
      }
      return undefined;
  }
}

/** `npm test`, `npm run x`, `yarn x`, `pnpm x`: the script's runner, reached by appending arguments. */
function viaPackageManager(pm: string, rest: Word[], dir: string, depth: number, via: string[]): Found {
  let at = 0;
  let pkgDir = dir;
  while (rest[at]?.value.startsWith('-')) {
    const flag = rest[at]!.value;
    const eq = flag.indexOf('=');
    const key = eq === -1 ? flag : flag.slice(0, eq);
    if (['--prefix', '-C', '--cwd', '--dir'].includes(key)) {
      const value = eq === -1 ? rest[at + 1]?.value : flag.slice(eq + 1);
      if (!value) return unknown(dir, via);
      pkgDir = resolve(dir, value);
      at += eq === -1 ? 2 : 1;
      continue;
    }
    // Workspaces and filters pick packages this reader does not resolve.
    if (['-w', '--workspace', '--workspaces', '--filter', '-F', '-r', '--recursive'].includes(key)) return unknown(dir, via);
    at++;
  }
  const sub = rest[at]?.value;
  if (!sub) return unknown(dir, via);
  const scripts = readScripts(pkgDir);
  let script: string | undefined;
  let argsFrom: number;
  if (sub === 'test' || sub === 't' || sub === 'tst') {
    if (pm === 'bun') return unknown(dir, via); // bun's own runner
    script = 'test';
    argsFrom = at + 1;
  } else if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn') {
    script = rest[at + 1]?.value;
    argsFrom = at + 2;
  } else if ((sub === 'exec' || sub === 'x' || sub === 'dlx') && pm !== 'bun') {
    const inner = rest.slice(at + 1);
    const runner = inner[0] ? runnerWord(inner[0].value, inner.slice(1)) : undefined;
    if (!runner) return unknown(dir, via);
    return {
      inv: { kind: runner.kind, tool: runner.tool, args: inner.slice(1 + runner.skip).map((w) => w.value), via: [...via, inner.map((w) => w.value).join(' ')] },
      words: inner,
      dir,
    };
  } else if (pm !== 'npm' && scripts?.[sub] === undefined) {
    // `yarn jest`, `pnpm vitest`: a binary of the project, run directly.
    const inner = rest.slice(at);
    const runner = runnerWord(sub, inner.slice(1));
    if (!runner) return unknown(dir, via);
    return {
      inv: { kind: runner.kind, tool: runner.tool, args: inner.slice(1 + runner.skip).map((w) => w.value), via: [...via, inner.map((w) => w.value).join(' ')] },
      words: inner,
      dir,
    };
  } else {
    script = sub;
    argsFrom = at + 1;
  }
  const body = script ? scripts?.[script] : undefined;
  if (!script || body === undefined || depth >= MAX_DEPTH) return unknown(dir, via);
  // npm keeps options before `--` for itself; yarn and pnpm pass everything after the script name on.
  const after = rest.slice(argsFrom).map((w) => w.value);
  const extra = pm === 'npm' ? (after.includes('--') ? after.slice(after.indexOf('--')) : []) : after;
  const label = [pm, ...rest.slice(0, argsFrom).map((w) => w.value)].join(' ');
  const inner = detectIn(body, pkgDir, depth + 1, [...via, label]);
  if (inner.inv.kind === 'unknown') return unknown(dir, inner.inv.via);
  // npm needs `--` before arguments meant for the script (once); yarn and pnpm pass them as they are.
  const sep = pm === 'npm' && !extra.includes('--') ? '-- ' : '';
  // Arguments appended to a script reach its last command only if that command is the runner itself.
  const safe = inner.scriptSafe && inner.inv.anchor?.direct === true;
  const { kind, tool, args, via: innerVia } = inner.inv;
  return {
    inv: { kind, tool, args: [...args, ...extra.filter((a) => a !== '--')], via: innerVia },
    words: [],
    // Arguments the user gave the script go with its runner part too.
    script: { sep, safe, pkgDir, body, focus: extra.length ? undefined : inner.inv.focus },
    dir: inner.inv.dir,
  };
}
