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

export function actionsHost(): Host {
  return {
    log: {
      info: (line) => core.info(line),
      warn: (line) => core.warning(line),
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
