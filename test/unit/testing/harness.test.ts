// The harness end to end on the real fixture projects: reproduce, rerun only the failing test, fix, verify.
import { access, chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestHarness } from '../../../src/testing/harness.js';
import type { HarnessOptions, TestCase } from '../../../src/testing/types.js';
import { applyFix, copyFixture, fixtureEnv, removeTempDirs, tempDir, type RunnerFixture } from './fixtures.js';

afterAll(removeTempDirs);

const redact = (text: string): string => text;

async function setup(name: RunnerFixture | 'none', command: string, more: Partial<HarnessOptions> = {}) {
  const dir = name === 'none' ? await tempDir('harness') : await copyFixture(name);
  const logDir = `${dir}-logs`;
  const harness = createTestHarness({ command, cwd: dir, env: fixtureEnv(), timeoutSec: 120, logDir, redact, ...more });
  return { dir, logDir, harness };
}

const expected: Record<RunnerFixture, { command: string; failing: TestCase; tests: number; report: boolean }> = {
  'node-test': { command: 'npm test', failing: { file: 'test/range.test.js', name: 'range > includes both ends' }, tests: 3, report: true },
  vitest: { command: 'npm test', failing: { file: 'test/math.test.js', name: 'math > adds two numbers' }, tests: 3, report: true },
  jest: { command: 'npm test', failing: { file: 'test/text.test.js', name: 'text > capitalize upper-cases the first letter' }, tests: 3, report: true },
  mocha: { command: 'npm test', failing: { file: 'test/stats.test.js', name: 'stats > average of several values' }, tests: 3, report: true },
  pytest: { command: 'pytest', failing: { file: 'tests/test_pricing.py', name: 'TestDiscount::test_takes_percent_off' }, tests: 3, report: true },
  unittest: {
    command: 'python3 -m unittest discover -s tests',
    failing: { file: 'tests/test_stock.py', name: 'test_stock.RemainingTest.test_never_below_zero' },
    tests: 3,
    report: false,
  },
  cargo: { command: 'cargo test', failing: { file: 'src/lib.rs', name: 'tests::centuries' }, tests: 3, report: false },
};

describe.each(Object.keys(expected) as RunnerFixture[])('harness on the %s fixture', (name) => {
  const { command, failing, tests, report } = expected[name];

  it('reproduces the failure, reruns only the failing test, and verifies the fix', async () => {
    const { dir, logDir, harness } = await setup(name, command);
    expect(harness.runner).toBe(name);

    const first = await harness.run({ phase: 'reproduce' });
    expect(first).toMatchObject({ index: 1, phase: 'reproduce', command, targeted: false, ok: false, timedOut: false });
    expect(first.exitCode).not.toBe(0);
    expect(first.parsed.source).toBe(report ? 'report' : 'output');
    expect(first.parsed.failures.map(({ file, name: n }) => ({ file, name: n }))).toEqual([failing]);
    expect(first.parsed.failures[0]!.message).not.toBe('');
    expect(first.logFile).toBe(join(logDir, '01-reproduce.log'));
    expect(first.logBytes).toBe((await readFile(first.logFile)).length);

    const targeted = await harness.run({ phase: 'edit-check', targets: [failing] });
    expect(targeted.targeted).toBe(true);
    expect(targeted.command).not.toBe(command);
    expect(targeted.parsed.source).toBe(report ? 'report' : 'output');
    expect(targeted.ok).toBe(false);
    expect(targeted.parsed.failures.map((f) => f.name)).toEqual([failing.name]);
    // Only the failing test ran: the others were filtered out, not run and passed.
    expect(targeted.parsed.passedCases.filter((c) => c.name !== failing.name)).toEqual([]);

    await applyFix(dir, name);
    const fixedTarget = await harness.run({ phase: 'edit-check', targets: [failing] });
    expect(fixedTarget).toMatchObject({ targeted: true, ok: true });

    const verify = await harness.run({ phase: 'verify' });
    expect(verify).toMatchObject({ index: 4, targeted: false, ok: true, exitCode: 0 });
    expect(verify.parsed.failures).toEqual([]);
    expect(verify.parsed.passed).toBe(tests);
    expect(verify.parsed.passedCases).toContainEqual(failing);

    expect(harness.runs.map((r) => r.index)).toEqual([1, 2, 3, 4]);
    expect((await readdir(logDir)).sort()).toEqual(['01-reproduce.log', '02-edit-check.log', '03-edit-check.log', '04-verify.log']);
    // The reports went to a temporary folder outside the project.
    await expect(access(join(dir, 'vitest-junit.xml'))).rejects.toThrow();
  });
});

describe('harness fallbacks', () => {
  it('runs everything when a rerun filter matches no test, and keeps doing so', async () => {
    const { harness } = await setup('node-test', 'npm test');
    const run = await harness.run({ phase: 'edit-check', targets: [{ file: 'test/range.test.js', name: 'no such test' }] });
    expect(run).toMatchObject({ index: 1, targeted: false, ok: false });
    expect(run.parsed.failures.map((f) => f.name)).toEqual(['range > includes both ends']);
    const next = await harness.run({ phase: 'edit-check', targets: [{ file: 'test/range.test.js', name: 'range > includes both ends' }] });
    expect(next.targeted).toBe(false);
  });

  it('drops report flags a runner refuses, and reads its output instead', async () => {
    const bin = await tempDir('old-jest');
    await writeFile(
      join(bin, 'jest'),
      [
        '#!/usr/bin/env bash',
        'for a in "$@"; do [ "$a" = --json ] && { echo "Unknown option: --json"; exit 1; }; done',
        'echo "FAIL test/a.test.js"',
        'echo "  ● adds"',
        'echo',
        'echo "    expected 3, got -1"',
        'echo',
        'echo "Test Suites: 1 failed, 1 total"',
        'echo "Tests:       1 failed, 1 total"',
        'exit 1',
      ].join('\n'),
    );
    await chmod(join(bin, 'jest'), 0o755);
    const { harness, logDir } = await setup('none', 'jest', { env: fixtureEnv({ PATH: `${bin}:${process.env.PATH}` }) });
    const run = await harness.run({ phase: 'reproduce' });
    expect(run.parsed).toMatchObject({ runner: 'jest', source: 'output', failures: [{ file: 'test/a.test.js', name: 'adds', message: 'expected 3, got -1' }] });
    expect(await readFile(join(logDir, '01-reproduce.log'), 'utf8')).not.toContain('Unknown option');
    expect(harness.runs).toHaveLength(1);
  });

  it('recognises the runner from the output when the command does not tell', async () => {
    const { dir, harness } = await setup('pytest', 'make check');
    await writeFile(join(dir, 'Makefile'), 'check:\n\tpytest\n');
    expect(harness.runner).toBe('unknown');
    const run = await harness.run({ phase: 'reproduce' });
    expect(harness.runner).toBe('pytest');
    expect(run.parsed).toMatchObject({ runner: 'pytest', source: 'output', failed: 1 });
    expect(run.parsed.failures[0]!.name).toBe('TestDiscount::test_takes_percent_off');
    // Without a place for arguments there is no targeted rerun.
    const again = await harness.run({ phase: 'edit-check', targets: run.parsed.failures });
    expect(again.targeted).toBe(false);
  });

  it('lets a test file that failed to load be seen passing once it loads', async () => {
    const { dir, harness } = await setup('node-test', 'npm test');
    await writeFile(
      join(dir, 'test', 'helper.test.js'),
      "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { double } from '../src/helper.js';\n\ntest('double', () => assert.equal(double(2), 4));\n",
    );
    const broken = { file: 'test/helper.test.js', name: 'test/helper.test.js' };
    const first = await harness.run({ phase: 'reproduce' });
    expect(first.parsed.failures.map(({ file, name: n }) => ({ file, name: n }))).toContainEqual(broken);
    expect(first.parsed.passedCases).not.toContainEqual(broken);

    await writeFile(join(dir, 'src', 'helper.js'), 'export const double = (n) => n * 2;\n');
    await applyFix(dir, 'node-test');
    const verify = await harness.run({ phase: 'verify' });
    expect(verify.ok).toBe(true);
    expect(verify.parsed.passedCases).toContainEqual(broken);
    expect(verify.parsed.passedCases).toContainEqual({ file: 'test/helper.test.js', name: 'double' });
  });

  it('runs another command (coverage) untargeted, parsed by its own runner', async () => {
    const { harness } = await setup('node-test', 'npm test');
    const run = await harness.run({ phase: 'coverage', command: 'node --test', targets: [{ name: 'x' }] });
    expect(run).toMatchObject({ phase: 'coverage', command: 'node --test', targeted: false });
    expect(run.parsed).toMatchObject({ runner: 'node-test', source: 'report', failed: 1, passed: 2 });
  });

  it('bounds a run by its timeout', async () => {
    const { harness } = await setup('none', 'echo starting; sleep 60', { timeoutSec: 0.5 });
    const run = await harness.run({ phase: 'reproduce' });
    expect(run).toMatchObject({ timedOut: true, ok: false, exitCode: null });
    expect(run.parsed.source).toBe('none');
  });

  it('redacts what it returns as well as the log', async () => {
    const dir = await tempDir('redact');
    await mkdir(join(dir, 'tests'));
    await writeFile(join(dir, 'tests', 'test_secret.py'), 'def test_token():\n    assert "tok-1234-secret" == "x"\n');
    const harness = createTestHarness({
      command: 'pytest -p no:cacheprovider',
      cwd: dir,
      env: fixtureEnv({ PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1' }),
      timeoutSec: 60,
      logDir: `${dir}-logs`,
      redact: (text) => text.split('tok-1234-secret').join('***'),
    });
    const run = await harness.run({ phase: 'reproduce' });
    expect(run.parsed.failures[0]!.message).toContain('***');
    expect(JSON.stringify(run.parsed)).not.toContain('tok-1234-secret');
    expect(await readFile(run.logFile, 'utf8')).not.toContain('tok-1234-secret');
  });
});
