// The JUnit report, written to disk and parsed back: suites per verifying run, cases and failures as they happened.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildJUnit, writeJUnit } from '../../../src/report/junit.js';
import { tempDir } from '../delivery/tmp.js';
import { failure, fixedReport, run } from './sample.js';

const Failure = z.object({ '@_message': z.string().optional(), '#text': z.string().optional() }).or(z.string());
const Case = z.object({
  '@_name': z.string(),
  '@_classname': z.string().optional(),
  failure: Failure.optional(),
  error: z.object({ '@_message': z.string().optional() }).optional(),
});
const Suite = z.object({
  '@_name': z.string(),
  '@_tests': z.coerce.number(),
  '@_failures': z.coerce.number(),
  '@_errors': z.coerce.number(),
  properties: z.object({ property: z.array(z.object({ '@_name': z.string(), '@_value': z.string() })) }).optional(),
  testcase: z.array(Case).default([]),
});
const Doc = z.object({ testsuites: z.object({ testsuite: z.array(Suite).default([]) }) });

function parse(xml: string) {
  const parser = new XMLParser({
    ignoreAttributes: false,
    cdataPropName: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  return Doc.parse(parser.parse(xml)).testsuites.testsuite;
}

describe('writeJUnit', () => {
  it('writes one suite per verify run with the first failures now passing', async () => {
    const dir = await tempDir('junit');
    const file = path.join(dir, 'nested', 'junit.xml');
    await writeJUnit(fixedReport(), file);
    const suites = parse(await readFile(file, 'utf8'));

    expect(suites).toHaveLength(1);
    const suite = suites[0]!;
    expect(suite['@_name']).toBe('#3 verify: npm test');
    expect(suite['@_failures']).toBe(0);
    expect(suite.testcase.map((c) => [c['@_classname'], c['@_name'], c.failure === undefined])).toEqual([
      ['test/math.test.js', 'math > adds', true],
      ['test/math.test.js', 'math > subtracts', true],
      ['tests', 'math > multiplies', true],
    ]);
    expect(suite.properties?.property).toContainEqual({ '@_name': 'exitCode', '@_value': '0' });
  });

  it('records failures with their message, cleaned of ANSI colours and characters XML cannot hold', () => {
    const stubborn = failure('math > adds', '\u001b[31mexpected 3\u001b[39m, got -1\u0000\u0007 ]]> and ]]> again');
    const fresh = failure('math > divides', 'division by zero');
    const report = fixedReport({
      status: 'gave-up',
      failingAfter: [stubborn],
      runs: [
        run(1, { parsed: { runner: 'vitest', failures: [stubborn], passedCases: [], source: 'report' } }),
        run(2, { phase: 'verify', parsed: { runner: 'vitest', failures: [stubborn, fresh], passedCases: [{ name: 'math > subtracts' }], source: 'report' } }),
        run(3, { phase: 'verify', timedOut: true, exitCode: null, durationMs: 60_000, parsed: { runner: 'vitest', failures: [], passedCases: [], source: 'none' } }),
      ],
    });
    const xml = buildJUnit(report);
    expect(xml).not.toMatch(/\u001b|\u0000|\u0007/);
    const [second, third] = parse(xml);

    expect(second?.['@_failures']).toBe(2);
    const byName = new Map(second?.testcase.map((c) => [c['@_name'], c]));
    const adds = byName.get('math > adds')?.failure;
    expect(typeof adds === 'object' ? adds['@_message'] : adds).toBe('expected 3, got -1 ]]> and ]]> again');
    expect(typeof adds === 'object' ? adds['#text'] : '').toContain('at test/math.test.js:3:10');
    expect(byName.get('math > subtracts')?.failure).toBeUndefined();
    expect(byName.get('math > divides')?.failure).toBeDefined();

    // The timed-out run names no test: the report still fails, with an error that says why.
    expect(third?.['@_errors']).toBe(1);
    expect(third?.testcase.find((c) => c.error)?.error?.['@_message']).toBe('The test command timed out after 60 s');
    expect(third?.testcase.filter((c) => c.failure).map((c) => c['@_name'])).toEqual(['math > adds', 'math > subtracts']);
  });

  it('falls back to the last run when nothing was verified, and builds a fresh report each time', () => {
    const report = fixedReport({ status: 'gave-up', runs: [run(1), run(2, { phase: 'edit-check' })] });
    const once = parse(buildJUnit(report));
    const twice = parse(buildJUnit(report));
    expect(once.map((s) => s['@_name'])).toEqual(['#2 edit-check: npm test']);
    expect(twice).toHaveLength(1);
    expect(parse(buildJUnit(fixedReport({ runs: [] })))).toEqual([]);
  });

  it('shows the lines that report failures when the output names no test', () => {
    const lines = ['checking slugify keeps digits... FAIL: got "top-tips"', '1 check(s) failed'];
    const verify = run(2, { phase: 'verify', command: 'node check.js', parsed: { runner: 'unknown', failures: [], passedCases: [], source: 'none', failureLines: lines } });
    const xml = buildJUnit(fixedReport({ status: 'gave-up', failingBefore: [], runs: [run(1), verify] }));
    expect(xml).toContain('<error message="The test command exited with code 1" type="RunFailed">');
    expect(xml).toContain(`<![CDATA[${lines.join('\n')}]]></error>`);
  });
});
