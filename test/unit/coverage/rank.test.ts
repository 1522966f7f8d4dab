// rankFiles: most uncovered lines first, and never tests, generated or vendored code.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRanked, isGeneratedPath, isOwnSource, isVendoredPath, rankFiles } from '../../../src/coverage/rank.js';
import { readCoverage } from '../../../src/coverage/read.js';
import { file, report } from './report-fakes.js';

describe('rankFiles', () => {
  it('ranks the fixture project: the untested cart, then the half-tested inventory; fully covered files are left out', async () => {
    const fixtures = path.resolve(import.meta.dirname, '../../fixtures');
    const real = await readCoverage(path.join(fixtures, 'coverage/node-before.lcov.info'), path.join(fixtures, 'projects/coverage-node'));
    expect(rankFiles(real).map((f) => [f.path, f.uncoveredLines])).toEqual([
      ['src/cart.js', 46],
      ['src/inventory.js', 14],
    ]);
  });

  it('orders by uncovered lines, then lowest percent, then path; limit keeps the first n', () => {
    const ranked = rankFiles(
      report([file('src/b.ts', 100, 90), file('src/a.ts', 20, 10), file('src/c.ts', 10, 0), file('src/d.ts', 10, 0), file('src/big.ts', 300, 100)]),
    );
    expect(ranked.map((f) => f.path)).toEqual(['src/big.ts', 'src/c.ts', 'src/d.ts', 'src/a.ts', 'src/b.ts']);
    expect(ranked[0]).toMatchObject({ uncoveredLines: 200, percent: 33.33, uncovered: [[101, 300]] });
    expect(rankFiles(report([file('src/b.ts', 100, 80), file('src/c.ts', 10, 0)]), { limit: 1 }).map((f) => f.path)).toEqual(['src/b.ts']);
    expect(rankFiles(report([file('src/b.ts', 100, 90)]), { limit: 0 })).toEqual([]);
  });

  it('leaves out test files, generated code and vendored code, however uncovered', () => {
    const left = [
      'test/cart.test.js',
      'src/cart.spec.ts',
      'tests/test_cart.py',
      'dist/index.js',
      'build/lib/cart.py',
      'coverage/lcov-report/sorter.js',
      'packages/app/dist/bundle.js',
      'public/jquery.min.js',
      'src/api.generated.ts',
      'src/__generated__/schema.ts',
      'src/types.d.ts',
      'proto/cart_pb2.py',
      'node_modules/lodash/lodash.js',
      'vendor/github.com/x/y.go',
      'third_party/zlib/zlib.c',
      '.venv/lib/site-packages/six.py',
    ];
    const kept = ['src/cart.js', 'src/build/plan.ts', 'src/coverage/read.ts', 'lib/dist.js', 'app/models/cart.rb'];
    const ranked = rankFiles(report([...left, ...kept].map((p) => file(p, 50, 0))));
    expect(ranked.map((f) => f.path).sort()).toEqual([...kept].sort());
  });
});

describe('path classes', () => {
  it.each([
    ['dist/index.js', true, false],
    ['src/dist/index.js', false, false],
    ['target/debug/build.rs', true, false],
    ['web/app.min.mjs', true, false],
    ['api/cart.pb.go', true, false],
    ['node_modules/a/index.js', false, true],
    ['src/vendor.js', false, false],
    ['src/vendor/lib.js', false, true],
  ])('%s: generated %s, vendored %s', (p, generated, vendored) => {
    expect(isGeneratedPath(p)).toBe(generated);
    expect(isVendoredPath(p)).toBe(vendored);
    expect(isOwnSource(p)).toBe(!generated && !vendored);
  });
});

describe('formatRanked', () => {
  it('writes one line per file with its uncovered runs, bounded', () => {
    const many = { ...file('src/a.js', 40, 20), uncovered: Array.from({ length: 10 }, (_, i): [number, number] => [i * 4 + 1, i * 4 + 2]) };
    const ranked = rankFiles(report([file('src/cart.js', 46, 0), many, { ...file('src/one.js', 3, 2), uncovered: [[7, 7]] }]));
    expect(formatRanked(ranked, 3)).toBe(
      [
        'src/cart.js: 46 of 46 lines uncovered (0% covered): lines 1-46',
        'src/a.js: 20 of 40 lines uncovered (50% covered): lines 1-2, 5-6, 9-10, and 7 more',
        'src/one.js: 1 of 3 lines uncovered (66.67% covered): lines 7',
      ].join('\n'),
    );
  });
});
