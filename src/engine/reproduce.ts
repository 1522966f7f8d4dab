// Reproduction before any model call: set up, run the full command, and tell a real failure from a flaky or absent one.
import { checkFlaky, sameCase } from '../testing/flaky.js';
import type { TestCase, TestHarness, TestRun } from '../testing/types.js';

export type Reproduction =
  | { kind: 'red'; run: TestRun; /** Failures that flipped on rerun: left out of the fix, named in the report. */ flipping: TestCase[] }
  | { kind: 'green'; reason: string }
  | { kind: 'flaky'; flipping: TestCase[]; reason: string }
  | { kind: 'broken'; reason: string };

/** Output that says the environment is not set up (nothing to do with the code under test). */
const ENV_BROKEN = [
  /command not found/i,
  /npm (ERR!|error) missing script/i,
  /Cannot find (module|package) '(?![./])[^']+'/,
  /ERR_MODULE_NOT_FOUND[^\n]*package/i,
  /No module named '?[A-Za-z_]/,
  /could not find `Cargo\.toml`/,
  /No such file or directory.*(package\.json|node_modules)/,
];

function noTestsRan(run: TestRun): boolean {
  const p = run.parsed;
  return (p.passed ?? 0) + (p.failed ?? 0) === 0 && p.failures.length === 0;
}

/** A run that failed before any test ran, for a reason outside the code: a setup problem, not a bug to fix. */
export function environmentProblem(run: TestRun, output: string): string | undefined {
  if (run.ok || !noTestsRan(run)) return undefined;
  if (run.exitCode === 127) return 'the test command was not found (exit code 127)';
  const hit = ENV_BROKEN.map((re) => re.exec(output)).find(Boolean);
  return hit ? `the output says "${hit[0].trim()}"` : undefined;
}

export async function reproduce(
  harness: TestHarness,
  setupCommands: string[],
  readLog: (run: TestRun) => Promise<string>,
  log: (line: string) => void,
  opts: { confirm: boolean } = { confirm: true },
): Promise<Reproduction> {
  for (const command of setupCommands) {
    const setup = await harness.run({ phase: 'setup', command });
    log(`setup: ${command} → ${setup.ok ? 'ok' : `exit ${setup.exitCode ?? 'killed'}`} in ${(setup.durationMs / 1000).toFixed(1)} s`);
    if (!setup.ok) {
      return { kind: 'broken', reason: `The setup command \`${command}\` failed (${setup.timedOut ? 'timed out' : `exit code ${setup.exitCode}`}); see its log.` };
    }
  }
  const first = await harness.run({ phase: 'reproduce' });
  log(`reproduce: ${describe(first)}`);
  // A task only needs to know where the tests stand; a failure to fix must be confirmed and checked for flakiness.
  if (!opts.confirm) return first.ok ? { kind: 'green', reason: 'The test command passes.' } : { kind: 'red', run: first, flipping: [] };
  if (first.ok) {
    const again = await harness.run({ phase: 'recheck' });
    log(`recheck: ${describe(again)}`);
    if (again.ok) return { kind: 'green', reason: 'The test command passed here twice: the failure did not reproduce.' };
    return {
      kind: 'flaky',
      flipping: again.parsed.failures.map(({ file, name }) => ({ file, name })),
      reason: 'The test command passed, then failed when run again: the failure is flaky.',
    };
  }
  const problem = environmentProblem(first, await readLog(first));
  if (problem) {
    return {
      kind: 'broken',
      reason: `The test command failed before any test ran: ${problem}. This looks like a missing setup step (install, build), not a bug to fix: set the setup-command input.`,
    };
  }
  if (first.timedOut && first.parsed.failures.length === 0) {
    return { kind: 'red', run: first, flipping: [] };
  }
  const flaky = await checkFlaky(harness, first);
  if (!flaky.flaky) return { kind: 'red', run: first, flipping: [] };
  const steady = first.parsed.failures.filter((f) => !flaky.flipping.some((t) => sameCase(t, f)));
  const failedEveryTime = flaky.runs.every((r) => !r.ok);
  if (steady.length > 0 && failedEveryTime) {
    // Some tests fail every time and others flip: fix the steady ones, report the flaky ones.
    log(`flaky: ${flaky.flipping.map((t) => t.name).join('; ')}; fixing the ${steady.length} that fail every time`);
    return { kind: 'red', run: { ...first, parsed: { ...first.parsed, failures: steady } }, flipping: flaky.flipping };
  }
  return {
    kind: 'flaky',
    flipping: flaky.flipping,
    reason: `The failing tests passed when run again (${flaky.runs.length} reruns): the failure is flaky.`,
  };
}

export function describe(run: TestRun): string {
  const p = run.parsed;
  const counts = p.passed !== undefined || p.failed !== undefined ? `, ${p.passed ?? 0} passed, ${p.failed ?? 0} failed` : '';
  const result = run.timedOut ? 'timed out' : run.ok ? 'passed' : `failed (exit ${run.exitCode})`;
  return `${result}${counts}${run.targeted ? ' [targeted]' : ''} in ${(run.durationMs / 1000).toFixed(1)} s`;
}
