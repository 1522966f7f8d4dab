// When a run counts as green: the full command exits 0 and, in fix mode, the tests that failed at the start are seen passing.
import type { Git } from '../delivery/git.js';
import { commandFiles, testRemovals } from '../testing/removal.js';
import type { ParsedResult, TestCase, TestRun } from '../testing/types.js';

/** How green was decided: the same tests seen passing by name, the runner's counts, or only the exit code. */
export type GreenBy = 'test names' | 'counts' | 'exit code';

export interface Verification {
  ok: boolean;
  /** Why not, in sentences the model and the summary can use. */
  problems: string[];
  /** The first failures that are not seen passing. */
  stillFailing: TestCase[];
  decidedBy: GreenBy;
}

type Initial = Pick<ParsedResult, 'failures' | 'passed' | 'failed'>;

/**
 * The same test: the same name, in the same file when the runner named files both times. A test of the same
 * name in another file (a decoy) is not the test that failed.
 */
const same = (first: TestCase, now: TestCase): boolean =>
  first.name === now.name && (first.file === undefined || now.file === undefined || first.file === now.file);

/** How this run can be compared with the first red one. */
export function greenBasis(initial: Initial, run: TestRun): GreenBy {
  if (initial.failures.length > 0 && run.parsed.passedCases.length > 0) return 'test names';
  if (initial.passed !== undefined && initial.failed !== undefined && run.parsed.passed !== undefined) return 'counts';
  return 'exit code';
}

/**
 * Judges a full run against the first red one. `removals` are the ways the change removes or disables tests
 * (see testRemovals); they count only when the run names no tests, since named tests prove themselves.
 */
export function verifyFix(initial: Initial, run: TestRun, removals: readonly string[] = []): Verification {
  const problems: string[] = [];
  if (run.timedOut) problems.push('The full test command timed out.');
  else if (run.exitCode !== 0) problems.push(`The full test command exited with code ${run.exitCode}.`);
  const p = run.parsed;
  const stillFailing: TestCase[] = [];
  const decidedBy = greenBasis(initial, run);
  if (decidedBy === 'test names') {
    for (const f of initial.failures) {
      if (!p.passedCases.some((c) => same(f, c))) stillFailing.push({ file: f.file, name: f.name });
    }
    if (stillFailing.length) {
      const names = stillFailing.map((t) => (t.file ? `${t.name} (${t.file})` : t.name)).join('; ');
      problems.push(`These tests failed at the start and are not seen passing now, in the same file under the same name (deleted, renamed, skipped or moved?): ${names}.`);
    }
  } else if (decidedBy === 'counts') {
    // The runner does not name passing tests: at least as many must pass as ran at the start.
    const expected = initial.passed! + initial.failed!;
    if (p.passed! < expected) {
      problems.push(`Only ${p.passed} tests passed; ${expected} ran at the start. Tests must not be deleted or skipped.`);
      stillFailing.push(...initial.failures.map(({ file, name }) => ({ file, name })));
    }
  }
  if (decidedBy !== 'test names' && removals.length > 0) {
    problems.push(
      `The test output does not name the tests, so a change that removes or disables tests cannot count as a fix: ${removals.join('; ')}. Restore the tests and fix the code they test.`,
    );
    if (stillFailing.length === 0) stillFailing.push(...initial.failures.map(({ file, name }) => ({ file, name })));
  }
  return { ok: problems.length === 0, problems, stillFailing, decidedBy };
}

/** What the working tree changed since `base` that removes or disables tests (run only when names cannot decide). */
export async function removalsSince(git: Git, base: string, command: string, workDir: string): Promise<string[]> {
  const diff = await git.exec(['diff', '--no-ext-diff', '--no-color', '--no-renames', '--src-prefix=a/', '--dst-prefix=b/', '--relative', '-U0', base, '--', '.'], { allowFailure: true });
  if (diff.exitCode !== 0) return [];
  return testRemovals(diff.stdout, commandFiles(command, workDir));
}
