// A job: everything the engine needs, resolved before it starts (from the Actions context or the CLI's flags).
import type { AgentMode } from '../constants.js';
import type { Octokit } from '../delivery/pr.js';
import type { FoundCommand, Report } from '../report/types.js';
import type { ExitGate } from '../safety/gate.js';
import type { Settings } from '../settings.js';

export interface PullRequestTarget {
  owner: string;
  repo: string;
  /** Calls the GitHub API; built from the github-token. */
  octokit: Octokit;
  /** The pull request a failing run came from: it gets a comment linking the fix. */
  commentOn?: number;
}

export interface Job {
  mode: AgentMode;
  settings: Settings;
  testCommand: string;
  /** One sentence: where the test command came from. */
  commandSource: string;
  /** What the failed run showed about the command, when it was found there. */
  found?: FoundCommand;
  setupCommands: string[];
  /** The git top-level folder and the project folder inside it. */
  repoRoot: string;
  workDir: string;
  /** The commit the fix branch starts from: the failing commit, or the ref the run was on. */
  baseSha: string;
  /** The branch that failed (fix) or the ref it ran on: the pull request goes into it. */
  baseBranch?: string;
  /** The branch to push. */
  branch: string;
  /** Pushing: the remote, and the token and server that authenticate it (Actions). */
  remote: string;
  auth?: { token: string; serverUrl: string };
  github?: PullRequestTarget;
  /** The failed job's log (fix mode on workflow_run), extra context for the model. */
  failedLog?: string;
  /** Reads AGENTS.md files from a trusted place (the base branch) instead of the working tree (untrusted pull request heads). */
  readInstructions?: (relPath: string) => Promise<string | undefined>;
  source: Report['source'];
  evidenceDir: string;
  /** The environment for test commands, without credentials. */
  childEnv: Record<string, string>;
  /** Everything leaving the runner passes it: secrets masked, or refused in a commit. */
  gate: ExitGate;
  /** What the planning could not carry over or wants the reader to know, as sentences for the summary. */
  notes?: string[];
  /**
   * The model gets the shell tool. The action offers it (the runner is the sandbox); the CLI only with --shell,
   * since there the commands would run as the user, with the user's files.
   */
  offerShell?: boolean;
  /** The issue a mention came from: the pull request closes it. */
  closes?: number;
  /** Milliseconds since epoch when the run started (the wall-clock budget counts from here). */
  startedAt: number;
}
