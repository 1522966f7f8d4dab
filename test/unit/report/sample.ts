// Sample reports for the report tests: a fix that went red → green, built from plain values.
import type { TestFailure, TestRun } from '../../../src/testing/types.js';
import type { Report } from '../../../src/report/types.js';

export function failure(name: string, message = 'expected 3, got -1', file = 'test/math.test.js'): TestFailure {
  return { name, file, message, frames: [`at ${file}:3:10`] };
}

export function run(index: number, over: Partial<TestRun> = {}): TestRun {
  return {
    index,
    phase: 'reproduce',
    command: 'npm test',
    targeted: false,
    exitCode: 1,
    timedOut: false,
    durationMs: 1234,
    logFile: `logs/${String(index).padStart(2, '0')}-run.log`,
    logBytes: 100,
    parsed: { runner: 'vitest', passed: 3, failed: 1, failures: [], passedCases: [], source: 'report' },
    ok: false,
    ...over,
  };
}

/** reproduce (fails) → edit-check targeted (passes) → verify full (passes). */
export function fixedReport(over: Partial<Report> = {}): Report {
  const add = failure('math > adds');
  const sub = failure('math > subtracts', 'expected 1, got 5');
  return {
    mode: 'fix',
    status: 'fixed',
    reason: 'The failing tests pass and the full test command exits 0.',
    commandSource: 'the failed step "Run tests" of workflow ci.yml',
    testCommand: 'npm test',
    failingBefore: [add, sub],
    failingAfter: [],
    flipping: [],
    runs: [
      run(1, { parsed: { runner: 'vitest', passed: 3, failed: 2, failures: [add, sub], passedCases: [{ name: 'math > multiplies' }], source: 'report' } }),
      run(2, {
        phase: 'edit-check',
        targeted: true,
        command: 'npx vitest run test/math.test.js -t "math > adds"',
        exitCode: 0,
        ok: true,
        durationMs: 400,
        parsed: { runner: 'vitest', passed: 2, failed: 0, failures: [], passedCases: [{ name: 'math > adds' }, { name: 'math > subtracts' }], source: 'report' },
      }),
      run(3, {
        phase: 'verify',
        exitCode: 0,
        ok: true,
        durationMs: 2100,
        parsed: {
          runner: 'vitest',
          passed: 5,
          failed: 0,
          failures: [],
          passedCases: [{ name: 'math > adds', file: 'test/math.test.js' }, { name: 'math > subtracts' }, { name: 'math > multiplies' }],
          source: 'report',
        },
      }),
    ],
    changes: [{ path: 'src/math.js', added: 2, removed: 2 }],
    usage: { turns: 4, promptTokens: 12_345, cachedTokens: 10_240, completionTokens: 678, reasoningTokens: 512, costUsd: 0.0421 },
    branch: 'redgreen/fix/main-0123456',
    prUrl: 'https://github.com/octo/app/pull/7',
    artifactUrl: 'https://github.com/octo/app/actions/runs/99/artifacts/5',
    evidenceDir: '/tmp/evidence',
    source: { repo: 'octo/app', sha: '0123456789abcdef', ref: 'main', runUrl: 'https://github.com/octo/app/actions/runs/98' },
    durationMs: 95_000,
    notes: [],
    ...over,
  };
}
