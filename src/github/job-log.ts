// Cuts a GitHub job log down to the failed step's section, without timestamps or colours, keeping its end within a bound.
import { plainText } from '../testing/ansi.js';
import { templateMatcher } from './expressions.js';

export const maxStepLogChars = 64 * 1024;

const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;
const stepHeader = '##[group]Run ';

/** Log lines without the BOM, ANSI colours, carriage returns and the runner's timestamp prefix. */
export function logLines(log: string): string[] {
  return plainText(log.replace(/^\uFEFF/, ''))
    .split('\n')
    .map((line) => line.replace(/\r$/, '').replace(timestamp, ''));
}

export interface StepSection {
  text: string;
  /** False when the step's header was not found and the end of the whole log was kept instead. */
  found: boolean;
}

/**
 * The section of `log` that belongs to the step whose header is `##[group]Run <header>`: from that line up to the header
 * of one of the steps that come after it (`laterHeaders`) or the post-job cleanup. When several sections share the header
 * (the same command twice), the one holding an `##[error]` is taken.
 */
export function stepSection(log: string, header: string, laterHeaders: string[], bound = maxStepLogChars): StepSection {
  const lines = logLines(log);
  const isHeader = headerTest(header);
  const laterTests = laterHeaders.filter((h) => h !== header).map(headerTest);
  const isEnd = (line: string) =>
    line === 'Post job cleanup.' ||
    line.startsWith('Cleaning up orphan processes') ||
    (line.startsWith(stepHeader) && laterTests.some((test) => test(line)));

  const sections: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!isHeader(lines[i] ?? '')) continue;
    let end = i + 1;
    while (end < lines.length && !isEnd(lines[end] ?? '') && !isHeader(lines[end] ?? '')) end++;
    sections.push(lines.slice(i, end));
    i = end - 1;
  }
  if (sections.length === 0) return { text: keepEnd(lines.join('\n').trimEnd(), bound), found: false };
  const chosen = sections.find((s) => s.some((line) => line.startsWith('##[error]'))) ?? sections[sections.length - 1] ?? [];
  return { text: keepEnd(chosen.join('\n').trimEnd(), bound), found: true };
}

function headerTest(header: string): (line: string) => boolean {
  const expected = stepHeader + header;
  const matcher = header.includes('${{') ? templateMatcher(expected) : undefined;
  return (line) => line === expected || (matcher !== undefined && matcher(line));
}

/** The last `bound` characters, cut at a line start, with a marker saying how much went before. */
export function keepEnd(text: string, bound = maxStepLogChars): string {
  if (text.length <= bound) return text;
  let start = text.length - bound;
  const newline = text.indexOf('\n', start);
  if (newline >= 0 && newline < text.length - 1) start = newline + 1;
  return `[… ${start} characters of earlier output elided …]\n${text.slice(start)}`;
}
