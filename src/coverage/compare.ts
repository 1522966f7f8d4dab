// Compares coverage before and after the new tests: the totals and the per-file rows of the summary's table.
import type { CoverageFile } from '../report/types.js';
import { percentOf } from './lines.js';
import { isOwnSource, rankFiles } from './rank.js';
import type { CoverageReport } from './types.js';

/** How many of the least-covered files are shown even when the new tests left them unchanged. */
export const DEFAULT_RANKED_ROWS = 5;

export interface CoverageComparison {
  before: number;
  after: number;
  files: CoverageFile[];
}

/**
 * Totals count the project's own source only. Tools such as coverage.py also measure the test files, and a new
 * test file is nearly all covered by itself, so counting tests would let any passing test "raise coverage".
 */
export function sourcePercent(report: CoverageReport): number {
  let found = 0;
  let hit = 0;
  for (const file of report.files) {
    if (!isOwnSource(file.path)) continue;
    found += file.linesFound;
    hit += file.linesHit;
  }
  return percentOf(hit, found);
}

/**
 * Rows for every source file whose percent changed, plus the files that were ranked for tests (by default the
 * `DEFAULT_RANKED_ROWS` least covered before), so the table also shows targets the tests did not reach.
 * A file missing from one side counts as 0% there. Rows go by largest gain first.
 */
export function compareCoverage(
  before: CoverageReport,
  after: CoverageReport,
  opts: { ranked?: readonly string[] } = {},
): CoverageComparison {
  const was = new Map(before.files.map((f) => [f.path, f.percent]));
  const now = new Map(after.files.map((f) => [f.path, f.percent]));
  const ranked = opts.ranked ?? rankFiles(before, { limit: DEFAULT_RANKED_ROWS }).map((f) => f.path);

  const paths = new Set<string>(ranked);
  for (const path of new Set([...was.keys(), ...now.keys()])) {
    if (isOwnSource(path) && was.get(path) !== now.get(path)) paths.add(path);
  }
  const files = [...paths]
    .map((path) => ({ path, before: was.get(path) ?? 0, after: now.get(path) ?? 0 }))
    .sort((a, b) => b.after - b.before - (a.after - a.before) || (a.path < b.path ? -1 : 1));
  return { before: sourcePercent(before), after: sourcePercent(after), files };
}
