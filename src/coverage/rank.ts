// Picks the source files worth writing tests for: most uncovered lines first, never tests, generated or vendored code.
import { isTestPath } from './test-paths.js';
import type { CoverageReport, FileCoverage } from './types.js';

export interface RankedFile extends FileCoverage {
  uncoveredLines: number;
}

/** Folders of build output and reports; tests for what is in them would test a copy. */
const OUTPUT_DIRS = new Set(['dist', 'build', 'coverage', 'out', '.next', '.nuxt', 'target']);
/** Folders of code written by generators, wherever they sit. */
const GENERATED_DIRS = new Set(['__generated__', 'generated']);
const GENERATED_NAMES: readonly RegExp[] = [
  /\.min\.[cm]?js$/,
  /\.generated\./,
  /\.d\.[cm]?ts$/,
  /_pb2(_grpc)?\.pyi?$/,
  /\.pb(\.gw)?\.go$/,
  /_generated\.go$/,
];
const VENDORED_DIRS = new Set(['node_modules', 'vendor', 'third_party', 'bower_components', 'site-packages', '.venv', 'venv']);

/** Folders under which a folder named like build output is source after all (`src/build/`, `src/coverage/`). */
const SOURCE_ROOTS = new Set(['src', 'lib']);

export function isGeneratedPath(file: string): boolean {
  const segments = file.split('/');
  const name = segments.pop() ?? '';
  if (GENERATED_NAMES.some((re) => re.test(name)) || segments.some((s) => GENERATED_DIRS.has(s))) return true;
  for (const segment of segments) {
    if (SOURCE_ROOTS.has(segment)) return false;
    if (OUTPUT_DIRS.has(segment)) return true;
  }
  return false;
}

export function isVendoredPath(file: string): boolean {
  return file.split('/').slice(0, -1).some((s) => VENDORED_DIRS.has(s));
}

/** Source code of the project itself: what coverage mode writes tests for and what its totals are about. */
export function isOwnSource(file: string): boolean {
  return !isTestPath(file) && !isGeneratedPath(file) && !isVendoredPath(file);
}

/**
 * The project's own source files that have uncovered lines, the most uncovered lines first (then the lowest percent,
 * then by path, so the order is stable). `limit` keeps the first n; by default all are returned.
 */
export function rankFiles(report: CoverageReport, opts: { limit?: number } = {}): RankedFile[] {
  const ranked = report.files
    .filter((f) => isOwnSource(f.path) && f.linesHit < f.linesFound)
    .map((f) => ({ ...f, uncoveredLines: f.linesFound - f.linesHit }))
    .sort((a, b) => b.uncoveredLines - a.uncoveredLines || a.percent - b.percent || (a.path < b.path ? -1 : 1));
  return opts.limit === undefined ? ranked : ranked.slice(0, Math.max(0, opts.limit));
}

/** The ranked files as lines for the model: "src/cart.js: 46 of 46 lines uncovered (0%): lines 1-46". */
export function formatRanked(files: readonly RankedFile[], maxRanges = 8): string {
  return files
    .map((f) => {
      const shown = f.uncovered.slice(0, maxRanges).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
      if (f.uncovered.length > maxRanges) shown.push(`and ${f.uncovered.length - maxRanges} more`);
      const where = shown.length > 0 ? `: lines ${shown.join(', ')}` : '';
      return `${f.path}: ${f.uncoveredLines} of ${f.linesFound} lines uncovered (${f.percent}% covered)${where}`;
    })
    .join('\n');
}
