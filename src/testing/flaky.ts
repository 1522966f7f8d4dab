// Tells a real failure from a flaky one: reruns the failing tests and names those that flip between red and green.
import type { TestCase, TestHarness, TestRun } from './types.js';

export interface FlakyCheck {
  flaky: boolean;
  /** Tests seen both failing and passing. */
  flipping: TestCase[];
  /** The reruns made for the check, in order. */
  runs: TestRun[];
}

/** Same test: same name, and the same file when both sides know it. */
export function sameCase(a: TestCase, b: TestCase): boolean {
  return a.name === b.name && (a.file === undefined || b.file === undefined || a.file === b.file);
}

const within = (list: readonly TestCase[], tc: TestCase): boolean => list.some((other) => sameCase(other, tc));

/**
 * Reruns the failing tests of a failed run (only them where the runner allows it) at least twice.
 * Flaky when any rerun passes outright (no rerun follows then), or a test that failed is seen passing, or one that
 * passed fails.
 */
export async function checkFlaky(harness: TestHarness, first: TestRun, reruns = 2): Promise<FlakyCheck> {
  const failing: TestCase[] = first.parsed.failures.map(({ file, name }) => (file === undefined ? { name } : { file, name }));
  const flipping: TestCase[] = [];
  const add = (tc: TestCase): void => {
    if (!within(flipping, tc)) flipping.push(tc);
  };
  const runs: TestRun[] = [];
  let passedOutright = false;
  for (let i = 0; i < Math.max(2, reruns); i++) {
    const run = await harness.run({ phase: 'flaky-check', targets: failing.length ? failing : undefined });
    runs.push(run);
    if (run.ok) {
      passedOutright = true;
      // Exit 0 on a run of the failing tests: every one of them passed this time. That settles it: a
      // further rerun could only cost time.
      for (const tc of failing) add(tc);
      break;
    }
    for (const tc of failing) if (within(run.parsed.passedCases, tc)) add(tc);
    // A full rerun can also show the opposite flip: a test that passed at first now failing.
    if (!run.targeted) {
      for (const f of run.parsed.failures) {
        if (within(first.parsed.passedCases, f)) add(f.file === undefined ? { name: f.name } : { file: f.file, name: f.name });
      }
    }
  }
  return { flaky: passedOutright || flipping.length > 0, flipping, runs };
}
