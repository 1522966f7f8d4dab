// The evidence of one run, as plain data: what the summary, the PR body, the JUnit report and the artifact are made from.
import type { ResolvedMode, Status } from '../constants.js';
import type { TestCase, TestFailure, TestRun } from '../testing/types.js';

export interface FileChange {
  path: string;
  added: number;
  removed: number;
}

export interface CoverageFile {
  path: string;
  before: number;
  after: number;
}

export interface Usage {
  turns: number;
  /** Input tokens, cached ones included. */
  promptTokens: number;
  /** Input tokens read from the API's prompt cache (priced at their own, lower rate). */
  cachedTokens?: number;
  /** Output tokens, reasoning included. */
  completionTokens: number;
  reasoningTokens?: number;
  /** USD, when the model's price is known. */
  costUsd?: number;
}

/** Where a command found from the failed run came from, and what was repeated before it (zero-config fix mode). */
export interface FoundCommand {
  job: string;
  step: string;
  workflow: string;
  /** Relative to the repository root; '.' for the root. */
  workingDirectory: string;
  /** The names of the earlier steps repeated as setup. */
  setup: string[];
  /** What was not repeated, and what to add to the redgreen job for it. */
  notRepeated: string[];
  /** Values only the runner knows, left empty in the setup steps. */
  unknown: string[];
}

export interface Report {
  mode: ResolvedMode;
  status: Status;
  /** One sentence: why the run ended the way it did. */
  reason: string;
  /** The task (task mode) or extra instructions. */
  prompt?: string;
  /** How the test command was found (input, failed workflow step, ...). */
  commandSource?: string;
  testCommand?: string;
  found?: FoundCommand;
  /** The failures found at the start, and what became of each. */
  failingBefore: TestFailure[];
  failingAfter: TestCase[];
  /** Tests that both failed and passed (flaky). */
  flipping: TestCase[];
  runs: TestRun[];
  /** How the verifying runs were judged green: the same tests by name, the runner's counts, or the exit code only. */
  greenBy?: 'test names' | 'counts' | 'exit code';
  changes: FileChange[];
  usage: Usage;
  coverage?: { before: number; after: number; files: CoverageFile[] };
  /** The branch pushed, if any. */
  branch?: string;
  /** The commit delivered on it (or on the local branch). */
  commit?: string;
  /** The branch made in the local repository when nothing was pushed (push: none, the CLI). */
  localBranch?: string;
  prUrl?: string;
  artifactUrl?: string;
  evidenceDir: string;
  /** Where the run came from: "owner/repo@sha", run link. */
  source?: { repo?: string; sha?: string; ref?: string; runUrl?: string };
  durationMs: number;
  notes: string[];
  /** Ask mode: the answer as posted, its links checked. */
  answer?: string;
  /** The issue the change answers: the PR body says `Closes #n`. */
  closes?: number;
  /** Outputs only one mode sets (plan's `matrix` and `count`, pick's `prs`), by their action.yml names. */
  outputs?: Record<string, string>;
}
