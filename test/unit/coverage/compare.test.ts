// compareCoverage: totals over the project's own source, and rows for changed and ranked files.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCoverage, sourcePercent } from '../../../src/coverage/compare.js';
import { readCoverage } from '../../../src/coverage/read.js';
import { file, report } from './report-fakes.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures');

describe('compareCoverage', () => {
  it('compares the real reports from before and after the cart tests', async () => {
    const root = path.join(fixtures, 'projects/coverage-node');
    const before = await readCoverage(path.join(fixtures, 'coverage/node-before.lcov.info'), root);
    const after = await readCoverage(path.join(fixtures, 'coverage/node-after.lcov.info'), root);
    expect(compareCoverage(before, after)).toEqual({
      before: 30.23,
      after: 83.72,
      files: [
        { path: 'src/cart.js', before: 0, after: 100 },
        // Unchanged, but ranked: the table shows the tests did not reach it.
        { path: 'src/inventory.js', before: 48.15, after: 48.15 },
      ],
    });
  });

  it('counts only source in the totals, so a new test file measured by the tool raises nothing', () => {
    const before = report([file('shop/cart.py', 10, 5), file('tests/test_a.py', 10, 10)]);
    const after = report([file('shop/cart.py', 10, 5), file('tests/test_a.py', 10, 10), file('tests/test_b.py', 40, 40)]);
    expect(after.percent).toBeGreaterThan(before.percent);
    expect(compareCoverage(before, after)).toEqual({
      before: 50,
      after: 50,
      files: [{ path: 'shop/cart.py', before: 50, after: 50 }],
    });
  });

  it('lists changed files by largest gain, a file missing on one side as 0%, and the ranked files given', () => {
    const before = report([file('src/a.js', 10, 5), file('src/b.js', 10, 9), file('src/gone.js', 4, 2), file('src/same.js', 10, 1)]);
    const after = report([file('src/a.js', 10, 10), file('src/b.js', 10, 10), file('src/new.js', 10, 3), file('src/same.js', 10, 1)]);
    expect(compareCoverage(before, after, { ranked: ['src/same.js'] }).files).toEqual([
      { path: 'src/a.js', before: 50, after: 100 },
      { path: 'src/new.js', before: 0, after: 30 },
      { path: 'src/b.js', before: 90, after: 100 },
      { path: 'src/same.js', before: 10, after: 10 },
      { path: 'src/gone.js', before: 50, after: 0 },
    ]);
  });

  it('sourcePercent of a report with no source lines is 100, as coverage.py reports an empty module', () => {
    expect(sourcePercent(report([file('tests/test_a.py', 3, 3)]))).toBe(100);
  });
});
