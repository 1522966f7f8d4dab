// Reads LCOV tracefiles (c8, nyc, jest, vitest, genhtml, cargo-llvm-cov, ...): SF, DA, LF, LH and end_of_record.
import { addHits, type RawFile } from './lines.js';

export function parseLcov(text: string): RawFile[] {
  const files: RawFile[] = [];
  let current: RawFile | undefined;
  let found: number | undefined;
  let hit: number | undefined;

  const finish = (): void => {
    if (!current) return;
    if (found !== undefined) current.summary = { found, hit: hit ?? 0 };
    files.push(current);
    current = undefined;
    found = undefined;
    hit = undefined;
  };

  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === 'end_of_record') {
      finish();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1);
    if (key === 'SF') {
      // A record without end_of_record still counts; a new SF closes it.
      finish();
      current = { path: value, lines: new Map() };
    } else if (!current) {
      continue;
    } else if (key === 'DA') {
      // DA:<line>,<count>[,<checksum>]
      const [lineNo, count] = value.split(',');
      addHits(current.lines, Number(lineNo), Number(count));
    } else if (key === 'LF') {
      found = toCount(value);
    } else if (key === 'LH') {
      hit = toCount(value);
    }
  }
  finish();
  return files;
}

function toCount(value: string): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}
