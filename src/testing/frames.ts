// Splits a failure's text into its message and the few stack frames that point into the project's own files.
import { isAbsolute, relative, resolve, sep } from 'node:path';

const MAX_FRAMES = 5;
const MESSAGE_LINES = 40;
const MESSAGE_CHARS = 4000;

// Stack frames of the languages the runners speak, each yielding the location (group "loc").
const FRAME_PATTERNS: RegExp[] = [
  /^\s*at (?:(?<fn>.+?) \()?(?<loc>(?:file:\/\/)?[^\s()]+?:\d+(?::\d+)?)\)?\s*$/, // V8
  /^\s*❯ (?:(?<fn>\S+) )?(?<loc>[^\s]+?:\d+:\d+)\s*$/, // vitest
  /^\s*File "(?<file>[^"]+)", line (?<line>\d+)(?:, in (?<fn>.+))?$/, // Python traceback
  /^(?<loc>[^\s:]+\.py:\d+):(?: |$)/, // pytest's short location
  /^\s*(?:\d+: .*?)?\bat (?<loc>\.?\/?[^\s:]+\.rs:\d+:\d+)\s*$/, // Rust backtrace
  /panicked at (?<loc>[^\s:]+\.rs:\d+:\d+):?/, // Rust panic
  /^\s+(?<loc>[^\s:]+_test\.go:\d+):/, // go test
  /^\t(?<loc>\/\S+\.go:\d+)(?: \+0x[0-9a-f]+)?$/, // go panic
  /^\s*at (?:[\w.@-]*\/\/?)?(?<fn>[\w$.<>]+)\((?<loc>[\w$]+\.(?:java|kt|scala|groovy):\d+)\)\s*$/, // JVM (Gradle adds module prefixes)
];

const LIBRARY_JVM = /^(?:java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|junit|org\.junit|org\.opentest4j|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.testng|org\.assertj|org\.hamcrest|org\.mockito|org\.spockframework|groovy|org\.codehaus)\./;

export interface Frame {
  /** Path relative to the project root (or a JVM class location such as `CartTest.java:14`), with line. */
  location: string;
  fn?: string;
}

/** Whether a stack line is a frame, project or not; used to find where a message ends. */
export function isFrameLine(line: string): boolean {
  return /^\s+at \S/.test(line) || FRAME_PATTERNS.some((pattern) => pattern.test(line));
}

/**
 * A path as seen from the project root, or undefined when it lies outside it or in dependencies.
 * Relative paths are taken from dir (where the runner ran), which may be below the root.
 */
export function projectPath(path: string, root: string, dir = root): string | undefined {
  let p = path.startsWith('file://') ? decodeURIComponent(path.slice('file://'.length)) : path;
  if (p.startsWith('./')) p = p.slice(2);
  if (/^(?:node:|internal\/|<anonymous>|native|\/rustc\/)/.test(p)) return undefined;
  if (/(?:^|[/\\])(?:node_modules|site-packages|dist-packages|\.cargo[/\\]registry|\.rustup)(?:[/\\]|$)/.test(p)) return undefined;
  const rel = relative(root, isAbsolute(p) ? p : resolve(dir, p));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function parseFrame(line: string, root: string, dir: string): Frame | undefined {
  for (const pattern of FRAME_PATTERNS) {
    const groups = pattern.exec(line)?.groups;
    if (!groups) continue;
    const fn = groups.fn?.trim();
    if (groups.file !== undefined) {
      const path = projectPath(groups.file, root, dir);
      return path ? { location: `${path}:${groups.line}`, fn } : undefined;
    }
    const loc = groups.loc!;
    if (pattern.source.includes('java|kt')) {
      return fn && !LIBRARY_JVM.test(fn) ? { location: loc, fn } : undefined;
    }
    // Split "path:line[:col]" at the line number, keeping Windows drive letters and URLs whole.
    const match = /^(.*?):(\d+(?::\d+)?)$/.exec(loc);
    if (!match) return undefined;
    const path = projectPath(match[1]!, root, dir);
    return path ? { location: `${path}:${match[2]}`, fn } : undefined;
  }
  return undefined;
}

/** The frames of a stack or failure text that lie in the project's own files, deduplicated, at most a few. */
export function projectFrames(text: string, root: string, dir = root, max = MAX_FRAMES): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const frame = parseFrame(line, root, dir);
    if (!frame) continue;
    const shown = frame.fn && !frame.fn.includes('<anonymous>') ? `${frame.location} (${frame.fn})` : frame.location;
    if (!out.some((seen) => seen.startsWith(frame.location))) out.push(shown);
    if (out.length >= max) break;
  }
  return out;
}

/** The message part of a failure text: everything before its first stack frame, bounded. */
export function messageOf(text: string): string {
  const lines = text.split('\n');
  const stop = lines.findIndex((line) => isFrameLine(line));
  const head = (stop === -1 ? lines : lines.slice(0, stop)).join('\n');
  return boundText(dedent(head).trim(), MESSAGE_LINES, MESSAGE_CHARS);
}

/** Removes the indentation common to all non-blank lines. */
export function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((line) => line.trim()).map((line) => /^[ \t]*/.exec(line)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return common ? lines.map((line) => line.slice(common)).join('\n') : text;
}

/** Keeps the first lines of a text within a line and character bound, saying how much was cut. */
export function boundText(text: string, maxLines: number, maxChars: number): string {
  const lines = text.split('\n');
  let out = lines.slice(0, maxLines).join('\n');
  let cut = Math.max(0, lines.length - maxLines);
  if (out.length > maxChars) {
    const kept = out.slice(0, maxChars);
    cut += out.slice(maxChars).split('\n').length - 1;
    out = `${kept}…`;
  }
  return cut > 0 ? `${out}\n[${cut} lines elided]` : out;
}
