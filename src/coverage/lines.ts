// Turns per-line hit counts, as every format gives them, into the counts, percents and uncovered runs of a report.
import type { CoverageFormat, CoverageReport, FileCoverage } from './types.js';

/** One file as a format parser read it, before its path is tied to the project. */
export interface RawFile {
  /** The path exactly as the tool wrote it. */
  path: string;
  /** Line number (1-based) → hit count, for the lines the tool measured. */
  lines: Map<number, number>;
  /** LCOV's LF/LH; only used when a record carries no DA lines to count. */
  summary?: { found: number; hit: number };
}

export function percentOf(hit: number, found: number): number {
  if (found <= 0) return 100;
  return Math.round((hit / found) * 10_000) / 100;
}

/** Adds a hit count to a line, so that records of the same file from several runs add up. */
export function addHits(lines: Map<number, number>, line: number, hits: number): void {
  if (!Number.isInteger(line) || line < 1 || !Number.isFinite(hits)) return;
  lines.set(line, (lines.get(line) ?? 0) + Math.max(0, hits));
}

/** Runs of uncovered lines; a run only ends at a covered line, so blank lines and comments in between do not split it. */
export function uncoveredRanges(lines: ReadonlyMap<number, number>): [number, number][] {
  const ranges: [number, number][] = [];
  let open: [number, number] | undefined;
  for (const line of [...lines.keys()].sort((a, b) => a - b)) {
    if ((lines.get(line) ?? 0) > 0) {
      open = undefined;
    } else if (open) {
      open[1] = line;
    } else {
      open = [line, line];
      ranges.push(open);
    }
  }
  return ranges;
}

/** Merges the records that resolved to the same project path. */
export function mergeFiles(records: readonly { path: string; raw: RawFile }[]): FileCoverage[] {
  const byPath = new Map<string, { lines: Map<number, number>; summary?: { found: number; hit: number } }>();
  for (const { path, raw } of records) {
    const entry = byPath.get(path) ?? { lines: new Map<number, number>() };
    for (const [line, hits] of raw.lines) addHits(entry.lines, line, hits);
    if (raw.summary) {
      // Two summaries of the same file describe the same lines, so the larger counts are the better guess.
      entry.summary = {
        found: Math.max(entry.summary?.found ?? 0, raw.summary.found),
        hit: Math.max(entry.summary?.hit ?? 0, raw.summary.hit),
      };
    }
    byPath.set(path, entry);
  }
  return [...byPath.entries()]
    .map(([path, entry]) => toFileCoverage(path, entry.lines, entry.summary))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function toFileCoverage(
  path: string,
  lines: ReadonlyMap<number, number>,
  summary?: { found: number; hit: number },
): FileCoverage {
  if (lines.size === 0 && summary) {
    const found = Math.max(0, summary.found);
    const hit = Math.min(found, Math.max(0, summary.hit));
    return { path, linesFound: found, linesHit: hit, percent: percentOf(hit, found), uncovered: [] };
  }
  let hit = 0;
  for (const hits of lines.values()) if (hits > 0) hit += 1;
  return { path, linesFound: lines.size, linesHit: hit, percent: percentOf(hit, lines.size), uncovered: uncoveredRanges(lines) };
}

export function buildReport(format: CoverageFormat, files: FileCoverage[]): CoverageReport {
  let linesFound = 0;
  let linesHit = 0;
  for (const file of files) {
    linesFound += file.linesFound;
    linesHit += file.linesHit;
  }
  return { format, linesFound, linesHit, percent: percentOf(linesHit, linesFound), files };
}
