// The JavaScript runners' parsers on their real output and reports: vitest, jest, mocha, node:test.
import { describe, expect, it } from 'vitest';
import { parseCaptured, readCapturedReport } from './captured.js';

describe('vitest', () => {
  const failing = {
    file: 'test/math.test.js',
    name: 'math > adds two numbers',
    frames: ['test/math.test.js:7:23'],
  };

  it('reads the failing output, diff included', () => {
    const r = parseCaptured('vitest', 'vitest', 'fail.out')!;
    expect(r).toMatchObject({ runner: 'vitest', source: 'output', passed: 2, failed: 1, failures: [failing] });
    expect(r.failures[0]!.message).toContain('expected -1 to be 3');
    expect(r.failures[0]!.message).toContain('+ -1');
    expect(r.passedCases).toEqual([
      { file: 'test/math.test.js', name: 'math > multiplies two numbers' },
      { file: 'test/math.test.js', name: 'math > multiplies by zero' },
    ]);
  });

  it('reads the passing output', () => {
    expect(parseCaptured('vitest', 'vitest', 'pass.out')).toMatchObject({ passed: 3, failed: 0, failures: [] });
  });

  it('reads the JUnit report, failing and passing', async () => {
    const fail = (await readCapturedReport('vitest', 'vitest', 'fail.junit.xml', 'vitest-junit.xml'))!;
    expect(fail).toMatchObject({ source: 'report', passed: 2, failed: 1, failures: [failing] });
    expect(fail.failures[0]!.message).toMatch(/^AssertionError: expected -1 to be 3[\s\S]*- 3\n\+ -1$/);
    const pass = (await readCapturedReport('vitest', 'vitest', 'pass.junit.xml', 'vitest-junit.xml'))!;
    expect(pass).toMatchObject({ passed: 3, failed: 0, failures: [] });
    expect(pass.passedCases).toContainEqual({ file: 'test/math.test.js', name: 'math > adds two numbers' });
  });

  it('names a file that failed to load after the file, in the output and in the report', async () => {
    const broken = { file: 'test/broken.test.js', name: 'test/broken.test.js' };
    const out = parseCaptured('vitest', 'vitest', 'broken.out')!;
    expect(out.failures[0]).toMatchObject(broken);
    expect(out.failures[0]!.message).toContain("Cannot find module './missing.js'");
    const report = (await readCapturedReport('vitest', 'vitest', 'broken.junit.xml', 'vitest-junit.xml'))!;
    expect(report.failures.map((f) => f.name)).toEqual(['test/broken.test.js', 'math > adds two numbers']);
    expect(report.failures[0]!.message).toMatch(/^Error: Cannot find module/);
  });
});

describe('jest', () => {
  const failing = {
    file: 'test/text.test.js',
    name: 'text > capitalize upper-cases the first letter',
    frames: ['test/text.test.js:6:33 (Object.toBe)'],
  };

  it('reads the failing output without its code frame', () => {
    const r = parseCaptured('jest', 'jest', 'fail.out')!;
    expect(r).toMatchObject({ source: 'output', passed: 2, failed: 1, failures: [failing] });
    expect(r.failures[0]!.message).toBe('expect(received).toBe(expected) // Object.is equality\n\nExpected: "Hello"\nReceived: "hello"');
    expect(r.passedCases).toContainEqual({ file: 'test/text.test.js', name: 'capitalize keeps an empty string' });
  });

  it('counts each failure once when jest repeats them in its "Summary of all failing tests"', () => {
    const r = parseCaptured('jest', 'jest', 'summary.out')!;
    expect(r.failures.map(({ file, name }) => ({ file, name }))).toEqual([
      { file: 'test/text.test.js', name: 'text > capitalize upper-cases the first letter' },
      { file: 'test/more.test.js', name: 'capitalize a single letter' },
    ]);
    expect(r.failed).toBe(2);
  });

  it('reads the passing output', () => {
    const r = parseCaptured('jest', 'jest', 'pass.out')!;
    expect(r).toMatchObject({ passed: 3, failed: 0, failures: [] });
    expect(r.passedCases).toContainEqual({ file: 'test/text.test.js', name: 'text > capitalize upper-cases the first letter' });
  });

  it('reads the JSON report, failing and passing', async () => {
    const fail = (await readCapturedReport('jest', 'jest', 'fail.json', 'jest.json'))!;
    expect(fail).toMatchObject({ source: 'report', passed: 2, failed: 1, failures: [failing] });
    expect(fail.failures[0]!.message).toContain('Received: "hello"');
    const pass = (await readCapturedReport('jest', 'jest', 'pass.json', 'jest.json'))!;
    expect(pass).toMatchObject({ passed: 3, failed: 0 });
    expect(pass.passedCases).toHaveLength(3);
  });

  it('names a suite that failed to run after its file', async () => {
    const report = (await readCapturedReport('jest', 'jest', 'broken.json', 'jest.json'))!;
    const broken = report.failures.find((f) => f.file === 'test/broken.test.js')!;
    expect(broken.name).toBe('test/broken.test.js');
    expect(broken.message).toContain("Cannot find module './missing'");
    const out = parseCaptured('jest', 'jest', 'broken.out')!;
    expect(out.failures.map((f) => f.name)).toContain('test/broken.test.js');
  });

  it('does not mistake a report of another shape', async () => {
    expect(await readCapturedReport('jest', 'mocha', 'fail.json', 'jest.json')).toBeUndefined();
  });
});

describe('mocha', () => {
  const failing = { file: 'test/stats.test.js', name: 'stats > average of several values', frames: ['test/stats.test.js:7:12'] };

  it('reads the spec output', () => {
    const r = parseCaptured('mocha', 'mocha', 'fail.out')!;
    expect(r).toMatchObject({ source: 'output', passed: 2, failed: 1, failures: [failing] });
    expect(r.failures[0]!.message).toContain('3 !== 4');
    expect(r.passedCases).toEqual([{ name: 'stats > average of nothing is zero' }, { name: 'stats > max picks the largest' }]);
  });

  it('reads the passing spec output', () => {
    expect(parseCaptured('mocha', 'mocha', 'pass.out')).toMatchObject({ passed: 3, failed: 0, failures: [] });
  });

  it('reads a JSON report printed on stdout (versions without the output option)', () => {
    const r = parseCaptured('mocha', 'mocha', 'fail.json')!;
    expect(r).toMatchObject({ source: 'output', passed: 2, failed: 1, failures: [failing] });
  });

  it('reads the JSON report, failing and passing', async () => {
    const fail = (await readCapturedReport('mocha', 'mocha', 'fail.json', 'mocha.json'))!;
    expect(fail).toMatchObject({ source: 'report', passed: 2, failed: 1, failures: [failing] });
    expect(fail.failures[0]!.message).toContain('3 !== 4');
    expect(fail.passedCases).toContainEqual({ file: 'test/stats.test.js', name: 'stats > max picks the largest' });
    const pass = (await readCapturedReport('mocha', 'mocha', 'pass.json', 'mocha.json'))!;
    expect(pass).toMatchObject({ passed: 3, failed: 0, failures: [] });
  });
});

describe('node:test', () => {
  const failing = { file: 'test/range.test.js', name: 'range > includes both ends', frames: ['test/range.test.js:8:12'] };

  it.each(['fail.out', 'fail.tap.out'])('reads the failing %s (spec and TAP)', (file) => {
    const r = parseCaptured('node-test', 'node-test', file)!;
    expect(r).toMatchObject({ source: 'output', passed: 2, failed: 1, skipped: 0, failures: [failing] });
    expect(r.failures[0]!.message).toContain('Expected values to be strictly deep-equal');
    expect(r.failures[0]!.message).toContain('-   4');
    expect(r.passedCases.map((c) => c.name)).toEqual(['range > is empty when start is past end', 'sum adds every value']);
  });

  it.each(['pass.out', 'pass.tap.out'])('reads the passing %s', (file) => {
    const r = parseCaptured('node-test', 'node-test', file)!;
    expect(r).toMatchObject({ passed: 3, failed: 0, failures: [] });
    expect(r.passedCases.map((c) => c.name)).toContain('range > includes both ends');
  });

  it('reads the JUnit report, failing and passing', async () => {
    const fail = (await readCapturedReport('node-test', 'node-test', 'fail.junit.xml', 'node-junit.xml'))!;
    expect(fail).toMatchObject({ source: 'report', passed: 2, failed: 1, failures: [failing] });
    expect(fail.failures[0]!.message).toContain('-   4');
    const pass = (await readCapturedReport('node-test', 'node-test', 'pass.junit.xml', 'node-junit.xml'))!;
    expect(pass.passedCases).toEqual([
      { file: 'test/range.test.js', name: 'range > includes both ends' },
      { file: 'test/range.test.js', name: 'range > is empty when start is past end' },
      { file: 'test/range.test.js', name: 'sum adds every value' },
    ]);
  });

  it('names a test file that failed to load after the file', async () => {
    const out = parseCaptured('node-test', 'node-test', 'broken.out')!;
    expect(out.failures[0]).toMatchObject({ file: 'test/broken.test.js', name: 'test/broken.test.js' });
    const report = (await readCapturedReport('node-test', 'node-test', 'broken.junit.xml', 'node-junit.xml'))!;
    expect(report.failures.map((f) => f.name)).toEqual(['test/broken.test.js', 'range > includes both ends']);
  });
});
