// What the model sees of a run: failing tests first, bounded by a byte budget whatever the size of the log.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digest, digestOutput } from '../../../src/testing/digest.js';
import { createTestHarness } from '../../../src/testing/harness.js';
import type { ParsedResult, RunnerKind, TestRun } from '../../../src/testing/types.js';
import { captured, captureRoot, parseCaptured } from './captured.js';
import { CAPTURED_OUTPUT, fixtureEnv } from './fixtures.js';
import { run } from '../report/sample.js';

let dir: string;
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'redgreen-digest-'));
});

const bytes = (text: string): number => Buffer.byteLength(text);

async function runOf(log: string, parsed: ParsedResult, over: Partial<TestRun> = {}): Promise<TestRun> {
  const logFile = join(dir, `${Math.random().toString(36).slice(2)}.log`);
  await writeFile(logFile, log);
  return run(1, { logFile, logBytes: bytes(log), parsed, ...over });
}

describe('digest of real runs', () => {
  it.each([
    ['vitest', 'vitest', 'math > adds two numbers', 'expected -1 to be 3', 'test/math.test.js:7:23'],
    ['jest', 'jest', 'text > capitalize upper-cases the first letter', 'Received: "hello"', 'test/text.test.js:6:33'],
    ['mocha', 'mocha', 'stats > average of several values', '3 !== 4', 'test/stats.test.js:7:12'],
    ['node-test', 'node-test', 'range > includes both ends', 'strictly deep-equal', 'test/range.test.js:8:12'],
    ['pytest', 'pytest', 'TestDiscount::test_takes_percent_off', 'assert 198.0 == 180', 'tests/test_pricing.py:11'],
    ['cargo', 'cargo', 'tests::centuries', 'left: 365', 'src/lib.rs:25:9'],
    ['junit', 'junit', 'com.example.shop.CartTest#totalAddsEveryPrice', 'expected: <6> but was: <5>', 'CartTest.java:15'],
  ])('%s: names the failure, its message and its frame, ANSI-free, paths relative', async (kind, folder, name, message, frame) => {
    const file = folder === 'junit' ? 'maven-fail.out' : 'fail.out';
    const log = captured(folder, file);
    const run = await runOf(log, parseCaptured(kind as RunnerKind, folder, file)!);
    const text = digest(run, { budgetBytes: 6000, projectRoot: captureRoot(folder) });
    expect(bytes(text)).toBeLessThanOrEqual(6000);
    expect(text).toMatch(/^\$ npm test\nexit code 1 · 1 failed, \d+ passed · 1\.2 s/);
    expect(text).toContain(`1) `);
    expect(text).toContain(name);
    expect(text).toContain(message);
    expect(text).toContain(frame);
    expect(text).not.toContain('\x1b[');
    expect(text).not.toContain(`${captureRoot(folder)}/`);
  });

  it('shows the end of the output of a passing run', async () => {
    const log = captured('pytest', 'pass.out');
    const run = await runOf(log, parseCaptured('pytest', 'pytest', 'pass.out')!, { exitCode: 0, ok: true });
    const text = digest(run, { budgetBytes: 2000, projectRoot: captureRoot('pytest') });
    expect(text).toContain('exit code 0 · 0 failed, 3 passed');
    expect(text).toMatch(/3 passed in [\d.]+s =+$/);
  });
});

describe('digest budget', () => {
  it('stays within a small budget with many long failures, and says what it left out', async () => {
    const failures = Array.from({ length: 200 }, (_, i) => ({
      file: `test/t${i}.test.js`,
      name: `suite > case ${i}`,
      message: `Error: case ${i} failed\n${'detail line '.repeat(20)}\n`.repeat(10),
      frames: [`test/t${i}.test.js:${i + 1}:3`],
    }));
    const run = await runOf('x\n'.repeat(10_000), { runner: 'vitest', failed: 200, passed: 0, failures, passedCases: [], source: 'report' });
    for (const budget of [300, 2000, 8000]) {
      const text = digest(run, { budgetBytes: budget, projectRoot: '/p' });
      expect(bytes(text)).toBeLessThanOrEqual(budget);
      if (budget >= 2000) {
        expect(text).toContain('suite > case 0');
        expect(text).toMatch(/\[\d+ more failing tests: test\/t\d+\.test\.js > suite > case \d+/);
      }
    }
  });

  it('says a run timed out', async () => {
    const run = await runOf('waiting...\n', { runner: 'unknown', failures: [], passedCases: [], source: 'none' }, {
      exitCode: null,
      timedOut: true,
      durationMs: 600_400,
    });
    expect(digest(run, { budgetBytes: 1000, projectRoot: '/p' })).toMatch(/^\$ npm test\ntimed out after 600 s/);
  });

  it('digests a 30 MB log within budget, naming the failing test and its assertion', async () => {
    // 30 MB of noise, then a pytest failure: through the real process, log, bounded capture and parser.
    const noise = join(dir, 'noise.py');
    await writeFile(noise, "import sys\nline = 'progress ' + 'x' * 91 + '\\n'\nfor _ in range(300000): sys.stdout.write(line)\n");
    const tail = join(CAPTURED_OUTPUT, 'pytest', 'fail.out');
    const harness = createTestHarness({
      command: `python3 ${noise}; cat ${tail}; exit 1`,
      cwd: dir,
      env: fixtureEnv(),
      timeoutSec: 120,
      logDir: join(dir, 'logs'),
      redact: (t) => t,
    });
    const run = await harness.run({ phase: 'reproduce' });
    expect(run.logBytes).toBeGreaterThan(30_000_000);
    expect(run.parsed.runner).toBe('pytest');
    const text = digest(run, { budgetBytes: 8000, projectRoot: captureRoot('pytest') });
    expect(bytes(text)).toBeLessThanOrEqual(8000);
    expect(text).toContain('TestDiscount::test_takes_percent_off');
    expect(text).toContain('assert 198.0 == 180');
    expect(text).toMatch(/\[\d+ lines elided, and the log's first \d+ bytes\]/);
  });
});

describe('digest of output from an unknown runner', () => {
  it('keeps the error lines, the head and the tail of a huge output', () => {
    const lines = ['build starting'];
    for (let i = 0; i < 300_000; i++) lines.push(i === 150_000 ? 'ERROR: widget.c:12: undefined symbol frob' : `compiling unit ${i}`);
    lines.push('make: *** [all] Error 2');
    const text = digestOutput(lines.join('\n'), 4000);
    expect(bytes(text)).toBeLessThanOrEqual(4000);
    expect(text).toContain('150002: ERROR: widget.c:12: undefined symbol frob');
    expect(text).toContain('Start of the output:\nbuild starting');
    expect(text).toMatch(/\[\d+ lines elided\]/);
    expect(text.endsWith('make: *** [all] Error 2')).toBe(true);
  });

  it('returns a small output whole, ANSI stripped', () => {
    expect(digestOutput('\x1b[31mred\x1b[39m\nplain\n', 1000)).toBe('red\nplain');
  });

  it('is used when a failing run could not be read', async () => {
    const run = await runOf('step 1\nsegmentation fault (core dumped)\n', { runner: 'unknown', failures: [], passedCases: [], source: 'none' }, { exitCode: 139 });
    const text = digest(run, { budgetBytes: 2000, projectRoot: '/p' });
    expect(text).toContain('No failing test could be named');
    expect(text).toContain('segmentation fault');
  });
});
