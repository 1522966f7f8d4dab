// Small JSON artifacts within one workflow run: a cell or plan uploads one, pick lists and downloads them (@actions/artifact).
import { DefaultArtifactClient } from '@actions/artifact';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { errorMessage } from '../util/errors.js';

export interface Downloaded<T> {
  name: string;
  value: T;
  /** Milliseconds since epoch; 0 when the service did not say. */
  createdAt: number;
}

/** True when the step runs where the artifact service is reachable (an Actions runner, or the test server). */
export function artifactServiceAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

/** Uploads `text` (already passed through the exit gate) as the one file `fileName` of the artifact `name`. */
export async function uploadJsonArtifact(name: string, fileName: string, text: string): Promise<number | undefined> {
  const dir = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'redgreen-artifact-'));
  try {
    const file = path.join(dir, fileName);
    await writeFile(file, text);
    const { id } = await new DefaultArtifactClient().uploadArtifact(name, [file], dir, { retentionDays: 7 });
    return id;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Every artifact of this run whose name starts with `prefix`, downloaded and its `fileName` parsed with `schema`.
 * One that cannot be read is reported through `warn` and left out, so one broken cell does not hide the others.
 */
export async function downloadJsonArtifacts<T>(
  prefix: string,
  fileName: string,
  schema: z.ZodType<T>,
  warn: (line: string) => void,
): Promise<Downloaded<T>[]> {
  const client = new DefaultArtifactClient();
  const { artifacts } = await client.listArtifacts();
  const mine = artifacts.filter((a) => a.name.startsWith(prefix));
  const root = await mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'redgreen-download-'));
  try {
    const out: Downloaded<T>[] = [];
    for (const artifact of mine) {
      const dir = path.join(root, String(artifact.id));
      try {
        await client.downloadArtifact(artifact.id, { path: dir });
        const parsed = schema.safeParse(JSON.parse(await readFile(path.join(dir, fileName), 'utf8')));
        if (!parsed.success) {
          warn(`The artifact ${artifact.name} does not hold a readable ${fileName} (${parsed.error.issues[0]?.message ?? 'bad shape'}); left out.`);
          continue;
        }
        out.push({ name: artifact.name, value: parsed.data, createdAt: artifact.createdAt?.getTime() ?? 0 });
      } catch (e) {
        warn(`The artifact ${artifact.name} could not be read (${errorMessage(e)}); left out.`);
      }
    }
    return out;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
