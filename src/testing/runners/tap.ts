// Reads TAP as node:test writes it (the default reporter of Node 20 when stdout is not a terminal).
import { boundText, dedent, projectFrames } from '../frames.js';
import type { TestCase, TestFailure } from '../types.js';
import { fileFromRunner, TITLE_SEP } from './common.js';
import type { ParseContext } from './types.js';

const RESULT = /^(\s*)(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b.*)?$/;

/** The YAML diagnostics block after a result: plain keys and `|-` block scalars, enough for node's. */
function readYaml(lines: string[], from: number): { fields: Map<string, string>; next: number } {
  const fields = new Map<string, string>();
  if (!/^\s*---\s*$/.test(lines[from] ?? '')) return { fields, next: from };
  const indent = /^\s*/.exec(lines[from]!)![0].length;
  let i = from + 1;
  while (i < lines.length && !/^\s*\.\.\.\s*$/.test(lines[i]!)) {
    const m = /^(\s*)([\w-]+):\s?(.*)$/.exec(lines[i]!);
    if (!m || m[1]!.length !== indent) {
      i++;
      continue;
    }
    const key = m[2]!;
    let value = m[3]!;
    i++;
    if (value === '|-' || value === '|' || value === '>-' || value === '') {
      const block: string[] = [];
      while (i < lines.length && (lines[i]!.trim() === '' || /^\s*/.exec(lines[i]!)![0].length > indent)) {
        if (/^\s*\.\.\.\s*$/.test(lines[i]!)) break;
        block.push(lines[i]!);
        i++;
      }
      value = dedent(block.join('\n')).trimEnd();
    } else {
      value = value.replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    }
    fields.set(key, value);
  }
  return { fields, next: i + 1 };
}

export function parseTap(output: string, ctx: ParseContext): { failures: TestFailure[]; passed: TestCase[] } {
  const lines = output.split('\n');
  const failures: TestFailure[] = [];
  const passed: TestCase[] = [];
  const subtests: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = Math.floor(subtest[1]!.length / 4);
      subtests.length = depth;
      subtests[depth] = subtest[2]!;
      continue;
    }
    const m = RESULT.exec(line);
    if (!m) continue;
    const depth = Math.floor(m[1]!.length / 4);
    const { fields, next } = readYaml(lines, i + 1);
    i = next - 1;
    if (fields.get('type') === 'suite' || m[4]) continue;
    const name = [...subtests.slice(0, depth), m[3]!].join(TITLE_SEP);
    const location = fields.get('location');
    const file = location ? fileFromRunner(location.replace(/:\d+:\d+$/, ''), ctx) : undefined;
    if (m[2] === 'ok') {
      passed.push({ file, name });
      continue;
    }
    const stack = (fields.get('stack') ?? '')
      .split('\n')
      .map((frame) => `    at ${frame.trim()}`)
      .join('\n');
    const extra = ['expected', 'actual']
      .filter((key) => fields.has(key) && !/\n/.test(fields.get(key)!))
      .map((key) => `${key}: ${fields.get(key)}`);
    failures.push({
      file,
      name,
      message: boundText([fields.get('error') ?? '', ...extra].join('\n').trim(), 40, 4000),
      frames: projectFrames(stack, ctx.root, ctx.dir),
    });
  }
  return { failures, passed };
}
