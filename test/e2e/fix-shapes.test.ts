// Fix mode end to end on the shapes of test command real projects have: unittest, a home-made check script,
// a suite that tests its own colour handling, `jest && tsc`, parametrized pytest classes with a path.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedResult } from '../../src/testing/types.js';
import { keepTempDirsOnFailure } from '../support/tmp.js';
import { closedAfterEach, fixingScript, readFix, type World } from './world.js';

keepTempDirsOnFailure();
const worlds = closedAfterEach();

interface RunJson {
  phase: string;
  ok: boolean;
  command: string;
  targeted: boolean;
  parsed: ParsedResult;
}
interface ReportJson {
  status: string;
  greenBy?: string;
  failingBefore: { file?: string; name: string }[];
  runs: RunJson[];
}

async function fix(project: string, command: string): Promise<{ world: World; report: ReportJson; summary: string; junit: string }> {
  const world = await worlds.make({ project, script: fixingScript(await readFix(project)) });
  const result = await world.run({ inputs: { 'test-command': command } });
  expect(result.exitCode, result.stdout).toBe(0);
  expect(result.outputs.status).toBe('fixed');
  expect(world.gh.state.pulls).toHaveLength(1);
  const dir = result.outputs['evidence-dir']!;
  const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8')) as ReportJson;
  const files = world.gh.artifactFiles(world.gh.state.artifacts[0]!.name);
  return { world, report, summary: result.summary, junit: files['junit.xml']!.toString() };
}

const checks = (report: ReportJson) => report.runs.filter((r) => r.phase === 'flaky-check' || r.phase === 'edit-check');

describe('fix mode on more shapes of test command', () => {
  it('python -m unittest: names, counts, targeted reruns by id, the JUnit report', async () => {
    const failing = 'test_stock.RemainingTest.test_never_below_zero';
    const { report, summary, junit } = await fix('unittest', 'python3 -m unittest discover -s tests');
    expect(report.failingBefore).toEqual([expect.objectContaining({ file: 'tests/test_stock.py', name: failing })]);
    expect(report.greenBy).toBe('test names');
    expect(summary).toContain(failing);
    expect(summary).toContain('Green decided by **test names**');
    expect(report.runs[0]!.parsed).toMatchObject({ runner: 'unittest', passed: 2, failed: 1 });
    // Checks rerun the failing test alone.
    expect(checks(report).length).toBeGreaterThan(0);
    for (const run of checks(report)) {
      expect(run).toMatchObject({ targeted: true });
      expect(run.command).toContain(`-k '*${failing}'`);
      expect(run.parsed.passed! + run.parsed.failed!).toBe(1);
    }
    expect(junit).toContain(`name="${failing}"`);
    expect(junit).toContain('name="test_stock.RestockTest.test_delivery_adds_units"');
  });

  it('a home-made check script: green by exit code, the failure lines in the summary and the JUnit report', async () => {
    const { report, summary, junit } = await fix('check-script', 'npm test');
    expect(report.greenBy).toBe('exit code');
    expect(summary).toContain('Green decided by the **exit code** only');
    expect(summary).toContain('### What failed at the start');
    expect(summary).toContain('checking slugify keeps digits... FAIL: got "top-tips", wanted "top-10-tips"');
    expect(summary).not.toContain('checking slugify lowers case');
    expect(report.runs[0]!.parsed.failureLines).toEqual(['checking slugify keeps digits... FAIL: got "top-tips", wanted "top-10-tips"', '1 check(s) failed']);
    // The JUnit report of the verification shows what failed at the start only while it failed: the fix passes.
    expect(junit).toMatch(/<testsuite/);
  });

  it('a suite that tests its own colour handling passes under redgreen as it does in CI', async () => {
    const { report, summary } = await fix('colour', 'npm test');
    // Only the planted bug fails: the colour tests see the environment CI gives them.
    expect(report.failingBefore.map((f) => f.name)).toEqual(['banner shouts the title in red']);
    expect(report.runs.at(-1)!.parsed).toMatchObject({ passed: 4, failed: 0 });
    expect(summary).not.toContain('red paints red');
  });

  it('jest && tsc: the whole command verifies; checks run jest alone, with its report', async () => {
    const { report } = await fix('jest-tsc', 'jest && tsc -p .');
    const full = report.runs.filter((r) => !r.targeted);
    expect(full.map((r) => r.command)).toEqual(full.map(() => 'jest && tsc -p .'));
    // jest's report is read even though tsc comes after it.
    expect(full[0]!.parsed).toMatchObject({ runner: 'jest', source: 'report', failed: 1 });
    expect(checks(report).length).toBeGreaterThan(0);
    for (const run of checks(report)) {
      expect(run.targeted).toBe(true);
      expect(run.command).not.toContain('tsc');
      expect(run.command).toMatch(/^jest .*-t '\^text capitalize upper-cases the first letter\$'$/);
      expect(run.parsed.source).toBe('report');
    }
  });

  it('go test: fixed by name, the failing test rerun alone with -run', async () => {
    const { report } = await fix('go', 'go test ./...');
    expect(report.failingBefore).toEqual([expect.objectContaining({ name: 'TestFahrenheit' })]);
    expect(report.greenBy).toBe('test names');
    expect(checks(report).length).toBeGreaterThan(0);
    for (const run of checks(report)) expect(run.command).toContain('-run');
  });

  it('pytest with parametrized class tests and a path in the command: reruns by node id', async () => {
    const id = 'tests/unit/test_shapes.py::TestRectangle::test_perimeter[2-3-10]';
    const { report, summary } = await fix('pytest-params', 'python3 -m pytest tests/unit -q');
    expect(report.failingBefore).toEqual([expect.objectContaining({ file: 'tests/unit/test_shapes.py', name: 'TestRectangle::test_perimeter[2-3-10]' })]);
    expect(summary).toContain('TestRectangle::test_perimeter[2-3-10]');
    expect(checks(report).length).toBeGreaterThan(0);
    for (const run of checks(report)) {
      expect(run.command).toBe(`python3 -m pytest '${id}' -q`);
      // One test ran: not its sibling parameter, not the other test of the class.
      expect(run.parsed.passed! + run.parsed.failed!).toBe(1);
    }
  });
});
