// The contract between the test stage and the rest of the engine: what a test run is and what was read from it.

export type RunnerKind =
  | 'vitest'
  | 'jest'
  | 'mocha'
  | 'node-test'
  | 'pytest'
  | 'unittest'
  | 'go'
  | 'cargo'
  | 'junit'
  | 'unknown';

/** One test, as named by its runner. `name` is the full title ("suite > test", "test_mod::test_x"). */
export interface TestCase {
  file?: string;
  name: string;
}

export interface TestFailure extends TestCase {
  /** Assertion message, expected/actual included, ANSI-free, bounded. */
  message: string;
  /** The few stack frames that point into the project's own files. */
  frames: string[];
}

export interface ParsedResult {
  runner: RunnerKind;
  passed?: number;
  failed?: number;
  skipped?: number;
  failures: TestFailure[];
  /** Tests seen passing, where the runner tells (used to prove the first failures now pass). */
  passedCases: TestCase[];
  /** Where the result was read from. */
  source: 'report' | 'output' | 'none';
  /** A failed run whose output names no failing test: the lines of it that report failures, bounded. */
  failureLines?: string[];
}

/** Why a test run happened; shown in the evidence table. */
export type Phase = 'setup' | 'reproduce' | 'recheck' | 'flaky-check' | 'edit-check' | 'verify' | 'coverage';

export interface TestRun {
  /** 1-based, in the order the runs happened. */
  index: number;
  phase: Phase;
  command: string;
  targeted: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The full, redacted output of this run. */
  logFile: string;
  logBytes: number;
  parsed: ParsedResult;
  /** Exit code 0 and not timed out. */
  ok: boolean;
}

export interface RunOptions {
  phase: Phase;
  /** Rerun only these tests, where the runner allows it; otherwise the full command runs. */
  targets?: TestCase[];
  /** Run this command instead of the test command (the coverage command); never targeted. */
  command?: string;
  /** Variables for this run only (a setup step's file-command files). */
  env?: Record<string, string>;
}

export interface TestHarness {
  readonly runner: RunnerKind;
  /** Every run so far, in order. */
  readonly runs: readonly TestRun[];
  run(opts: RunOptions): Promise<TestRun>;
  /** Variables and PATH entries that setup steps wrote (GITHUB_ENV, GITHUB_PATH), for every later run. */
  addEnv?(env: Record<string, string>, path: string[]): void;
}

export interface HarnessOptions {
  /** The user's test command, run with `bash -c`. */
  command: string;
  cwd: string;
  /** Already scrubbed of secrets (see src/safety/env.ts). */
  env: Record<string, string>;
  timeoutSec: number;
  /** Folder where each run's log is written (`NN-phase.log`). */
  logDir: string;
  /** Applied to every line written to a log or returned. */
  redact: (text: string) => string;
  /** Live output, for the CLI's progress line. */
  onOutput?: (chunk: string) => void;
}
