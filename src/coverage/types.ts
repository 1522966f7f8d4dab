// What a coverage report is once read, whatever tool wrote it: line counts per project file and the lines left uncovered.

export type CoverageFormat = 'lcov' | 'cobertura' | 'coveragepy-json';

export interface FileCoverage {
  /** Relative to the project root, with forward slashes. */
  path: string;
  linesFound: number;
  linesHit: number;
  /** 0..100, two decimals; a file with no measurable lines counts as fully covered, as coverage.py reports it. */
  percent: number;
  /** Inclusive [first, last] runs of uncovered lines; lines the tool did not measure (blanks, comments) do not break a run. */
  uncovered: [number, number][];
}

export interface CoverageReport {
  format: CoverageFormat;
  linesFound: number;
  linesHit: number;
  percent: number;
  /** Sorted by path. Files outside the project root are left out. */
  files: FileCoverage[];
}

/** The coverage file is missing, unreadable or in a format we do not read; the message says what to change. */
export class CoverageError extends Error {
  override readonly name = 'CoverageError';
}
