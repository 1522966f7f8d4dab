// Telling a real failure from a flaky one, with a scripted harness and with real flaky and steady tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFlaky, sameCase } from '../../../src/testing/flaky.js';
import { createTestHarness } from '../../../src/testing/harness.js';
import type { ParsedResult, RunOptions, TestCase, TestHarness, TestRun } from '../../../src/testing/types.js';
import { copyFixture, fixtureEnv, removeTempDirs, tempDir } from './fixtures.js';

afterAll(removeTempDirs);

/** A harness that answers each run with the next scripted result, and remembers what it was asked. */
class ScriptedHarness implements TestHarness {
  readonly runner = 'vitest' as const;
  readonly runs: TestRun[] = [];
  readonly asked: RunOptions[] = [];

  constructor(private readonly script: { ok: boolean; targeted: boolean; parsed: Partial<ParsedResult> }[]) {}

  async run(opts: RunOptions): Promise<TestRun> {
    this.asked.push(opts);
    const next = this.script[this.runs.length];
    if (!next) throw new Error('no more scripted runs');
    const run = runOf(this.runs.length + 1, next.ok, next.parsed, { phase: opts.phase, targeted: next.targeted });
    this.runs.push(run);
    return run;
  }
}

function runOf(index: number, ok: boolean, parsed: Partial<ParsedResult>, over: Partial<TestRun> = {}): TestRun {
  return {
    index,
    phase: 'reproduce',
    command: 'npm test',
    targeted: false,
    exitCode: ok ? 0 : 1,
    timedOut: false,
    durationMs: 10,
    logFile: '/dev/null',
    logBytes: 0,
    parsed: { runner: 'vitest', failures: [], passedCases: [], source: 'report', ...parsed },
    ok,
    ...over,
  };
}

const a: TestCase = { file: 'test/a.test.js', name: 'a > fails' };
const b: TestCase = { file: 'test/b.test.js', name: 'b > passes' };
const failure = (tc: TestCase) => ({ ...tc, message: 'boom', frames: [] });
const first = runOf(1, false, { failures: [failure(a)], passedCases: [b] });

describe('checkFlaky', () => {
  it('reruns only the failing tests, twice, and finds a steady failure', async () => {
    const harness = new ScriptedHarness([
      { ok: false, targeted: true, parsed: { failures: [failure(a)] } },
      { ok: false, targeted: true, parsed: { failures: [failure(a)] } },
    ]);
    const result = await checkFlaky(harness, first);
    expect(result).toMatchObject({ flaky: false, flipping: [] });
    expect(result.runs).toHaveLength(2);
    expect(harness.asked).toEqual([
      { phase: 'flaky-check', targets: [a] },
      { phase: 'flaky-check', targets: [a] },
    ]);
  });

  it('calls a failure flaky when a rerun of it passes', async () => {
    const harness = new ScriptedHarness([
      { ok: false, targeted: true, parsed: { failures: [failure(a)] } },
      { ok: true, targeted: true, parsed: { passedCases: [a] } },
    ]);
    expect(await checkFlaky(harness, first)).toMatchObject({ flaky: true, flipping: [a] });
  });

  it('names the tests that flip both ways in full reruns', async () => {
    const harness = new ScriptedHarness([
      { ok: false, targeted: false, parsed: { failures: [failure(b)], passedCases: [a] } },
      { ok: false, targeted: false, parsed: { failures: [failure(a)], passedCases: [b] } },
    ]);
    expect(await checkFlaky(harness, first)).toMatchObject({ flaky: true, flipping: [a, b] });
  });

  it('reruns at least twice and everything when no failing test was named', async () => {
    const harness = new ScriptedHarness([
      { ok: false, targeted: false, parsed: {} },
      { ok: false, targeted: false, parsed: {} },
    ]);
    const unnamed = runOf(1, false, {});
    expect(await checkFlaky(harness, unnamed, 1)).toMatchObject({ flaky: false });
    expect(harness.asked).toEqual([{ phase: 'flaky-check', targets: undefined }, { phase: 'flaky-check', targets: undefined }]);
  });

  it('matches cases by name, and by file where both sides know it', () => {
    expect(sameCase({ name: 'x' }, { file: 'f', name: 'x' })).toBe(true);
    expect(sameCase({ file: 'g', name: 'x' }, { file: 'f', name: 'x' })).toBe(false);
  });
});

describe('checkFlaky on real runs', () => {
  it('finds a test that fails once and then passes', async () => {
    const dir = await tempDir('flaky');
    await mkdir(join(dir, 'tests'));
    await writeFile(
      join(dir, 'tests', 'test_flaky.py'),
      [
        '# Fails on its first run only: a counter file remembers the runs.',
        'import pathlib',
        '',
        'COUNTER = pathlib.Path(__file__).parent / "runs.txt"',
        '',
        'def test_steady():',
        '    assert True',
        '',
        'def test_flips():',
        '    runs = int(COUNTER.read_text()) if COUNTER.exists() else 0',
        '    COUNTER.write_text(str(runs + 1))',
        '    assert runs > 0, "first run fails"',
        '',
      ].join('\n'),
    );
    const harness = createTestHarness({ command: 'pytest -p no:cacheprovider', cwd: dir, env: fixtureEnv({ PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1' }), timeoutSec: 60, logDir: `${dir}-logs`, redact: (t) => t });
    const reproduce = await harness.run({ phase: 'reproduce' });
    expect(reproduce.parsed.failures.map((f) => f.name)).toEqual(['test_flips']);
    const result = await checkFlaky(harness, reproduce);
    expect(result.flaky).toBe(true);
    expect(result.flipping).toEqual([{ file: 'tests/test_flaky.py', name: 'test_flips' }]);
    // One passing rerun settles it: no second rerun is paid for.
    expect(result.runs.map((r) => [r.phase, r.targeted, r.ok])).toEqual([['flaky-check', true, true]]);
  });

  it('keeps a real failure as it is', async () => {
    const dir = await copyFixture('node-test');
    const harness = createTestHarness({ command: 'npm test', cwd: dir, env: fixtureEnv(), timeoutSec: 60, logDir: `${dir}-logs`, redact: (t) => t });
    const reproduce = await harness.run({ phase: 'reproduce' });
    const result = await checkFlaky(harness, reproduce);
    expect(result).toMatchObject({ flaky: false, flipping: [] });
    expect(result.runs.every((r) => r.targeted && !r.ok)).toBe(true);
    expect(harness.runs.map((r) => r.phase)).toEqual(['reproduce', 'flaky-check', 'flaky-check']);
  });
});
