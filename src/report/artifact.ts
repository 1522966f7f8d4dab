// Uploads the evidence folder as one artifact; best effort: a failed upload warns and never fails the run.
import path from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import { listFiles } from './evidence.js';

export interface UploadedArtifact {
  id: number;
  /** Link to the artifact on the run page, when the run is known. */
  url?: string;
}

export async function uploadEvidence(dir: string, name: string): Promise<UploadedArtifact | undefined> {
  try {
    if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
      core.warning(`Not running in GitHub Actions (no artifact service): the evidence stays in ${dir}.`);
      return undefined;
    }
    if (onEnterpriseServer()) {
      core.warning(`Artifacts of @actions/artifact v2+ are not available on GitHub Enterprise Server: the evidence stays in ${dir}.`);
      return undefined;
    }
    const root = path.resolve(dir);
    const files = (await listFiles(root)).map((f) => path.join(root, f));
    if (files.length === 0) {
      core.warning(`No evidence files in ${dir}; nothing uploaded.`);
      return undefined;
    }
    const client = new DefaultArtifactClient();
    const { id } = await client.uploadArtifact(name, files, root);
    if (id === undefined) {
      core.warning(`The artifact ${name} was uploaded but the service returned no id.`);
      return undefined;
    }
    return { id, url: artifactUrl(id) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.warning(`Could not upload the evidence artifact (${message}); the files stay in ${dir}.`);
    return undefined;
  }
}

/** The client's own test (it refuses GHES), made here first so the user sees one plain warning instead of its long one. */
function onEnterpriseServer(): boolean {
  let host: string;
  try {
    host = new URL(process.env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase();
  } catch {
    return false;
  }
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
}

function artifactUrl(id: number): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId } = process.env;
  if (!server || !repo || !runId) return undefined;
  return `${server.replace(/\/$/, '')}/${repo}/actions/runs/${runId}/artifacts/${id}`;
}
