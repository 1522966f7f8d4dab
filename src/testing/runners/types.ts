// What each runner module knows: how to ask for a report, how to read it and the plain output, how to rerun tests.
import type { ParsedResult, RunnerKind, TestCase } from '../types.js';
import type { Word } from '../shell.js';

/** Where and how a runner is invoked by the test command, as the detector found it. */
export interface Invocation {
  kind: RunnerKind;
  /** For 'junit' runners: the build tool. */
  tool?: 'maven' | 'gradle';
  /** Absolute directory the runner runs in (after `cd`, `--prefix`). */
  dir: string;
  /** The runner's words after its name (`run --coverage` for `vitest run --coverage`), from its innermost layer. */
  args: string[];
  /**
   * Where extra arguments reach the runner, or undefined when adding any would be unsafe (a pipe after
   * the runner, a script that runs something else last, a construct this reader does not follow).
   */
  anchor?: Anchor;
  /** How the command reached the runner, for messages: ['npm test', 'vitest run']. */
  via: string[];
  /**
   * Where report flags reach the runner inside the whole command when targets cannot go there: a runner
   * on the command line that is not its last part (`jest --json … && tsc`).
   */
  reportAnchor?: Anchor;
  /**
   * A command that runs only the runner's part, with the parts before it that set up state (cd, source,
   * export, assignments) and without other test or lint parts: what targeted checks run.
   */
  focus?: Focus;
}

export interface Focus {
  command: string;
  anchor: Anchor;
}

export interface Anchor {
  /** Offset in the test command where arguments are inserted. */
  at: number;
  /** Put before the arguments: `-- ` for `npm test` without its own `--`. */
  sep: string;
  /** True when the runner is on the command line itself, so its words can be addressed by offset. */
  direct: boolean;
  /** The runner's own words with their offsets, when direct. */
  words: Word[];
}

export interface ParseContext {
  /** Absolute project root; TestCase.file is relative to it. */
  root: string;
  /** Absolute directory the runner ran in. */
  dir: string;
  /** The runner's arguments on the command line (where they tell how names map to files). */
  args?: string[];
}

/** Arguments to put into the test command. */
export interface Insertion {
  args: string[];
  /** Offset in the test command; the anchor when absent (node --test takes options before its files). */
  at?: number;
  /** The arguments replace the command's text from `at` to here (a runner's own paths, for node ids). */
  replaceTo?: number;
}

export interface ReportRequest {
  inserts: Insertion[];
  env?: Record<string, string>;
}

export interface ReportContext extends ParseContext {
  /** Temporary folder outside the project where the report was asked to be written. */
  reportDir: string;
  /** When the run started (ms since the epoch): reports older than this are stale. */
  startedAt: number;
  /** The run's plain output, for facts only it has (pytest's rootdir). */
  output: string;
}

export interface RunnerSpec {
  kind: RunnerKind;
  /** Arguments and environment that make the runner write a report into reportDir, if it can. */
  reportArgs?(inv: Invocation, reportDir: string): ReportRequest | undefined;
  /** Reads the report of a finished run; undefined when there is none or it cannot be read. */
  readReport?(ctx: ReportContext): Promise<ParsedResult | undefined>;
  /** Reads the plain output (ANSI already stripped); undefined when it does not look like this runner's. */
  parseOutput(output: string, ctx: ParseContext): ParsedResult | undefined;
  /** Arguments that make the runner run only these tests, or undefined when it cannot. */
  targetArgs?(targets: TestCase[], inv: Invocation, ctx: ParseContext): Insertion[] | undefined;
  /** Recognises this runner's plain output. */
  looksLike(output: string): boolean;
}
