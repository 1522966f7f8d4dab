// The other runners' parsers on real output and reports: pytest, cargo, Maven and Gradle; go on documented samples.
import { copyFile, mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findReportFiles, junit } from '../../../src/testing/runners/junit.js';
import { captured, captureRoot, parseCaptured, readCapturedReport } from './captured.js';
import { CAPTURED_OUTPUT } from './fixtures.js';

describe('pytest', () => {
  const failing = {
    file: 'tests/test_pricing.py',
    name: 'TestDiscount::test_takes_percent_off',
    message: 'assert 198.0 == 180\n+  where 198.0 = apply_discount(200, 10)',
    frames: ['tests/test_pricing.py:11'],
  };

  it('reads the failing output from the short summary and the failure section', () => {
    expect(parseCaptured('pytest', 'pytest', 'fail.out')).toMatchObject({ source: 'output', passed: 2, failed: 1, failures: [failing] });
  });

  it('names the passing tests in verbose output', () => {
    expect(parseCaptured('pytest', 'pytest', 'fail.verbose.out')!.passedCases).toEqual([
      { file: 'tests/test_pricing.py', name: 'test_with_tax' },
      { file: 'tests/test_pricing.py', name: 'TestDiscount::test_zero_percent_keeps_price' },
    ]);
  });

  it('reads the passing output', () => {
    expect(parseCaptured('pytest', 'pytest', 'pass.out')).toMatchObject({ passed: 3, failed: 0, failures: [] });
  });

  it('reads the JUnit report with file names, failing and passing', async () => {
    const fail = await readCapturedReport('pytest', 'pytest', 'fail.junit.xml', 'pytest-junit.xml');
    expect(fail).toMatchObject({ source: 'report', passed: 2, failed: 1, failures: [failing] });
    expect(fail!.passedCases).toContainEqual({ file: 'tests/test_pricing.py', name: 'TestDiscount::test_zero_percent_keeps_price' });
    const pass = await readCapturedReport('pytest', 'pytest', 'pass.junit.xml', 'pytest-junit.xml');
    expect(pass!.passedCases).toContainEqual({ file: 'tests/test_pricing.py', name: 'TestDiscount::test_takes_percent_off' });
  });

  it('reads a collection error as a failure of the module', async () => {
    const expected = { file: 'tests/test_broken.py', name: 'tests/test_broken.py', message: "ModuleNotFoundError: No module named 'missing_module'" };
    expect(parseCaptured('pytest', 'pytest', 'broken.out')!.failures).toEqual([{ ...expected, frames: ['tests/test_broken.py:1'] }]);
    const report = await readCapturedReport('pytest', 'pytest', 'broken.junit.xml', 'pytest-junit.xml');
    expect(report!.failures).toEqual([{ ...expected, frames: ['tests/test_broken.py:1'] }]);
  });

  it('takes report paths from the rootdir pytest names, not where it ran', async () => {
    const report = await readCapturedReport(
      'pytest',
      'pytest',
      'fail.junit.xml',
      'pytest-junit.xml',
      `rootdir: ${captureRoot('pytest')}/sub\nconfigfile: pytest.ini`,
    );
    expect(report!.failures[0]!.file).toBe('sub/tests/test_pricing.py');
  });
});

describe('cargo', () => {
  it('reads the failing output: panic message, frames, file of the test binary', () => {
    const r = parseCaptured('cargo', 'cargo', 'fail.out')!;
    expect(r).toMatchObject({ source: 'output', passed: 1, failed: 1, skipped: 0 });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ file: 'src/lib.rs', name: 'tests::centuries' });
    expect(r.failures[0]!.message).toMatch(/panicked at src\/lib\.rs:25:9:\nassertion `left == right` failed\n {2}left: 365\n right: 366$/);
    expect(r.failures[0]!.frames[0]).toBe('src/lib.rs:25:9');
    expect(r.passedCases).toEqual([{ file: 'src/lib.rs', name: 'tests::ordinary_years' }]);
  });

  it('reads the passing output across test binaries', () => {
    const r = parseCaptured('cargo', 'cargo', 'pass.out')!;
    expect(r).toMatchObject({ passed: 3, failed: 0, failures: [] });
    expect(r.passedCases).toContainEqual({ file: 'tests/calendar.rs', name: 'days_in_common_year' });
  });
});

describe('go', () => {
  it('reads -v output: leaf failures with their log, passes, skips', () => {
    const r = parseCaptured('go', 'go', 'fail.out')!;
    expect(r).toMatchObject({ source: 'output', failed: 2, skipped: 1 });
    expect(r.failures.map((f) => [f.name, f.message])).toEqual([
      ['TestAdd', 'calc_test.go:9: Add(1, 2) = -1; want 3'],
      ['TestTable/negative', 'calc_test.go:27: Add(-1, -1) = 0; want -2'],
    ]);
    expect(r.passedCases.map((c) => c.name)).toEqual(['TestMultiply', 'TestTable/zero', 'TestFormat']);
  });

  it('reads output without -v, where the log follows the FAIL line', () => {
    const r = parseCaptured('go', 'go', 'fail.quiet.out')!;
    expect(r.failures).toEqual([{ name: 'TestAdd', message: 'calc_test.go:9: Add(1, 2) = -1; want 3', frames: [] }]);
  });

  it('reports a package that did not build', () => {
    const r = parseCaptured('go', 'go', 'build-fail.out')!;
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]!.name).toBe('example.com/calc');
    expect(r.failures[0]!.message).toContain('./calc.go:4:9: undefined: y');
  });

  it('reads the -json event stream, build failures included', () => {
    const r = parseCaptured('go', 'go', 'fail.json')!;
    expect(r.failures.map((f) => f.name)).toEqual(['TestAdd', 'TestTable/negative', 'example.com/broken']);
    expect(r.failures[1]!.message).toBe('calc_test.go:27: Add(-1, -1) = 0; want -2');
    expect(r.failures[2]!.message).toContain('./broken.go:4:9: undefined: y');
    expect(r.passedCases.map((c) => c.name)).toEqual(['TestMultiply', 'TestTable/zero']);
    expect(r.skipped).toBe(1);
  });

  it('reads the passing output', () => {
    expect(parseCaptured('go', 'go', 'pass.out')).toMatchObject({ passed: 2, failed: 0, failures: [] });
  });
});

describe('Maven and Gradle (JUnit XML)', () => {
  it('reads Surefire console output', () => {
    const r = parseCaptured('junit', 'junit', 'maven-fail.out')!;
    expect(r).toMatchObject({ runner: 'junit', passed: 1, failed: 1, skipped: 0 });
    expect(r.failures[0]).toMatchObject({
      name: 'com.example.shop.CartTest#totalAddsEveryPrice',
      message: 'org.opentest4j.AssertionFailedError: expected: <6> but was: <5>',
    });
    expect(r.failures[0]!.frames[0]).toMatch(/^CartTest\.java:\d+ \(com\.example\.shop\.CartTest\.totalAddsEveryPrice\)$/);
    expect(parseCaptured('junit', 'junit', 'maven-pass.out')).toMatchObject({ passed: 2, failed: 0, failures: [] });
  });

  it('reads Gradle console output', () => {
    const r = parseCaptured('junit', 'junit', 'gradle-fail.out')!;
    expect(r).toMatchObject({ passed: 1, failed: 1 });
    expect(r.failures[0]!.name).toBe('CartTest#totalAddsEveryPrice');
  });

  const made: string[] = [];
  afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function moduleWithReports(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'redgreen-junit-'));
    made.push(dir);
    for (const [to, from] of Object.entries(files)) {
      await mkdir(join(dir, to, '..'), { recursive: true });
      await copyFile(join(CAPTURED_OUTPUT, 'junit', from), join(dir, to));
    }
    return dir;
  }

  it('finds Surefire and Gradle reports in a module tree, and reads only fresh ones', async () => {
    const dir = await moduleWithReports({
      'target/surefire-reports/TEST-com.example.shop.CartTest.xml': 'maven-fail.TEST-com.example.shop.CartTest.xml',
      'app/build/test-results/test/TEST-com.example.shop.CartTest.xml': 'gradle-fail.TEST-com.example.shop.CartTest.xml',
      'node_modules/x/target/surefire-reports/TEST-ignored.xml': 'maven-pass.TEST-com.example.shop.CartTest.xml',
    });
    expect((await findReportFiles(dir)).map((f) => f.slice(dir.length + 1))).toEqual([
      'app/build/test-results/test/TEST-com.example.shop.CartTest.xml',
      'target/surefire-reports/TEST-com.example.shop.CartTest.xml',
    ]);
    const r = (await junit.readReport!({ root: dir, dir, reportDir: dir, startedAt: 0, output: '' }))!;
    expect(r).toMatchObject({ source: 'report', passed: 2, failed: 2, skipped: 1 });
    expect(r.failures.map((f) => f.name)).toEqual(['com.example.shop.CartTest#totalAddsEveryPrice', 'com.example.shop.CartTest#totalAddsEveryPrice']);
    // Gradle's frames carry module prefixes (app//, java.base@17/), Surefire's do not: both come out the same.
    for (const f of r.failures) expect(f.frames).toEqual(['CartTest.java:15 (com.example.shop.CartTest.totalAddsEveryPrice)']);
    expect(r.passedCases).toContainEqual({ name: 'com.example.shop.CartTest#totalOfNothingIsZero' });

    // A report left from an earlier run is not this run's result.
    const old = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, 'app/build/test-results/test/TEST-com.example.shop.CartTest.xml'), old, old);
    const fresh = await junit.readReport!({ root: dir, dir, reportDir: dir, startedAt: Date.now() - 60_000, output: '' });
    expect(fresh!.failures).toHaveLength(1);
  });

  it('reads the real Surefire report of the passing run', async () => {
    const dir = await moduleWithReports({ 'target/surefire-reports/TEST-x.xml': 'maven-pass.TEST-com.example.shop.CartTest.xml' });
    const r = await junit.readReport!({ root: dir, dir, reportDir: dir, startedAt: 0, output: '' });
    expect(r).toMatchObject({ passed: 2, failed: 0, failures: [] });
    expect(captured('junit', 'maven-pass.out')).toContain('BUILD SUCCESS');
  });
});
