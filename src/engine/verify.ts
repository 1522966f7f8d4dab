// When a run counts as green: the full command exits 0 and, in fix mode, the tests that failed at the start are seen passing.
import type { TestCase, TestFailure, TestRun } from '../testing/types.js';

export interface Verification {
  ok: boolean;
  /** Why not, in sentences the model and the summary can use. */
  problems: string[];
  /** The first failures that are not seen passing. */
  stillFailing: TestCase[];
}

const same = (a: TestCase, b: TestCase): boolean => a.name === b.name && (!a.file || !b.file || a.file === b.file || a.file.endsWith(b.file) || b.file.endsWith(a.file));

export function verifyFix(initial: { failures: TestFailure[]; passed?: number; failed?: number }, run: TestRun): Verification {
  const problems: string[] = [];
  if (run.timedOut) problems.push('The full test command timed out.');
  else if (run.exitCode !== 0) problems.push(`The full test command exited with code ${run.exitCode}.`);
  const p = run.parsed;
  const stillFailing: TestCase[] = [];
  if (p.passedCases.length > 0) {
    for (const f of initial.failures) {
      if (!p.passedCases.some((c) => same(c, f))) stillFailing.push({ file: f.file, name: f.name });
    }
    if (stillFailing.length) {
      problems.push(`These tests failed at the start and are not seen passing now (deleted, renamed or skipped?): ${stillFailing.map((t) => t.name).join('; ')}.`);
    }
  } else if (initial.passed !== undefined && initial.failed !== undefined && p.passed !== undefined) {
    // The runner does not name passing tests: at least as many must pass as ran at the start.
    const expected = initial.passed + initial.failed;
    if (p.passed < expected) {
      problems.push(`Only ${p.passed} tests passed; ${expected} ran at the start. Tests must not be deleted or skipped.`);
      stillFailing.push(...initial.failures.map(({ file, name }) => ({ file, name })));
    }
  }
  return { ok: problems.length === 0, problems, stillFailing };
}
