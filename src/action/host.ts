// The engine's host inside a GitHub Actions step: grouped log, job summary, artifact upload.
import * as core from '@actions/core';
import { ArtifactName } from '../constants.js';
import type { Host } from '../host.js';
import { uploadEvidence } from '../report/artifact.js';

/**
 * Artifact names are unique per workflow run: one per job, and one per attempt when a run is re-run.
 * (Matrix jobs share a job id: set a distinct job name or run redgreen once per workflow.)
 */
export function artifactName(env: NodeJS.ProcessEnv): string {
  const job = env.GITHUB_JOB ? `-${env.GITHUB_JOB}` : '';
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1') > 1 ? `-attempt-${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${ArtifactName}${job}${attempt}`;
}

/**
 * Makes text safe to print as log lines: no line of it can start a workflow command (`::error::`, `::stop-commands::`,
 * the old `##[...]` form), whatever the model or the tests put in a tool argument, a file or a test name. The
 * runner reads a command only at the start of a line (leading spaces skipped); a zero-width space after the first
 * character keeps the line readable and makes it plain text.
 */
export function escapeCommands(text: string): string {
  return text.replace(/(^|[\r\n])([^\S\r\n]*)(::|##\[)/g, (_, start: string, space: string, cmd: string) => `${start}${space}${cmd[0]}\u200b${cmd.slice(1)}`);
}

/** The Actions host; every line it prints passes `redact` (the exit gate) and is escaped. */
export function actionsHost(redact: (text: string) => string = (t) => t): Host {
  return {
    log: {
      info: (line) => core.info(escapeCommands(redact(line))),
      // core.warning escapes its message into one command already.
      warn: (line) => core.warning(redact(line)),
      async group(name, fn) {
        const started = Date.now();
        core.startGroup(name);
        try {
          return await fn();
        } finally {
          core.endGroup();
          core.info(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        }
      },
    },
    uploadEvidence: (dir) => uploadEvidence(dir, artifactName(process.env)),
    async writeSummary(markdown) {
      try {
        await core.summary.addRaw(markdown, true).write();
      } catch (e) {
        core.warning(`Could not write the job summary: ${(e as Error).message}`);
      }
    },
  };
}
