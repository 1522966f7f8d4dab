// The engine's host inside a GitHub Actions step: grouped log, job summary, artifact upload.
import * as core from '@actions/core';
import { ArtifactName } from '../constants.js';
import type { Host } from '../host.js';
import { uploadEvidence } from '../report/artifact.js';

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
    uploadEvidence: (dir) => uploadEvidence(dir, ArtifactName),
    async writeSummary(markdown) {
      try {
        await core.summary.addRaw(markdown, true).write();
      } catch (e) {
        core.warning(`Could not write the job summary: ${(e as Error).message}`);
      }
    },
  };
}
