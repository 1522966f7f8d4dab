// Builds coverage reports by hand for the ranking and comparison tests.
import { percentOf } from '../../../src/coverage/lines.js';
import type { CoverageReport, FileCoverage } from '../../../src/coverage/types.js';

/** A file with `found` lines of which `hit` are covered; the uncovered ones are the last lines. */
export function file(path: string, found: number, hit: number): FileCoverage {
  return {
    path,
    linesFound: found,
    linesHit: hit,
    percent: percentOf(hit, found),
    uncovered: hit < found ? [[hit + 1, found]] : [],
  };
}

export function report(files: FileCoverage[]): CoverageReport {
  const linesFound = files.reduce((n, f) => n + f.linesFound, 0);
  const linesHit = files.reduce((n, f) => n + f.linesHit, 0);
  return { format: 'lcov', linesFound, linesHit, percent: percentOf(linesHit, linesFound), files };
}
