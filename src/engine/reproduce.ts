// Reproduction before any model call: set up, run the full command, and tell a real failure from a flaky or absent one.
import { checkFlaky, sameCase } from '../testing/flaky.js';
import type { TestCase, TestHarness, TestRun } from '../testing/types.js';
import { environmentProblem } from './environment.js';
import { StepFiles } from './step-files.js';

export type Reproduction =
  | { kind: 'red'; run: TestRun; /** Failures that flipped on rerun: left out of the fix, named in the report. */ flipping: TestCase[] }
  | { kind: 'green'; reason: string }
  | { kind: 'flaky'; flipping: TestCase[]; reason: string }
  | { kind: 'broken'; reason: string };

export async function reproduce(
  harness: TestHarness,
  setupCommands: string[],
  readLog: (run: TestRun) => Promise<string>,
  log: (line: string) => void,
  opts: { confirm: boolean; root?: string; setupNames?: string[] } = { confirm: true },
): Promise<Reproduction> {
  const failedSetup = await runSetup(harness, setupCommands, log, opts.setupNames);
  if (failedSetup) return failedSetup;
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
  const problem = await environmentProblem(first, await readLog(first), opts.root ?? '.');
  if (problem) {
    const ran = opts.setupNames?.length ? ` (the setup steps repeated here: ${opts.setupNames.map((n) => `"${n}"`).join(', ')})` : '';
    return {
      kind: 'broken',
      reason:
        `The tests could not run here: ${problem}. This is a missing setup step${ran}, not a bug to fix: ` +
        'add the step that installs or builds it to the setup-command input, or to the redgreen job before the redgreen step.',
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

/**
 * Runs the setup commands in order, each with file-command files of its own: what a step writes to GITHUB_ENV and
 * GITHUB_PATH reaches every later step and the test command, as on the runner, and never the action itself.
 */
async function runSetup(harness: TestHarness, commands: string[], log: (line: string) => void, names?: string[]): Promise<Reproduction | undefined> {
  if (commands.length === 0) return undefined;
  const files = await StepFiles.create();
  try {
    for (const [i, command] of commands.entries()) {
      const setup = await harness.run({ phase: 'setup', command, env: await files.reset() });
      const what = names?.[i] ? `"${names[i]}"` : command;
      log(`setup: ${what} → ${setup.ok ? 'ok' : `exit ${setup.exitCode ?? 'killed'}`} in ${(setup.durationMs / 1000).toFixed(1)} s`);
      if (!setup.ok) {
        const how = setup.timedOut ? 'timed out' : `exit code ${setup.exitCode}`;
        return { kind: 'broken', reason: `The setup ${names?.[i] ? `step ${what}` : `command \`${command}\``} failed (${how}); see its log.` };
      }
      const wrote = await files.collect();
      harness.addEnv?.(wrote.env, wrote.path);
    }
  } finally {
    await files.remove();
  }
  return undefined;
}

export function describe(run: TestRun): string {
  const p = run.parsed;
  const counts = p.passed !== undefined || p.failed !== undefined ? `, ${p.passed ?? 0} passed, ${p.failed ?? 0} failed` : '';
  const result = run.timedOut ? 'timed out' : run.ok ? 'passed' : `failed (exit ${run.exitCode})`;
  return `${result}${counts}${run.targeted ? ' [targeted]' : ''} in ${(run.durationMs / 1000).toFixed(1)} s`;
}
