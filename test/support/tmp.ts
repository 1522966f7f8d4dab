// Temporary folders for tests, all under the repository's .tmp/, removed after a passing file and kept after a failing one.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The repository root (this file lives in test/support/). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const tmpRoot = path.join(repoRoot, '.tmp');

const created = new Set<string>();

/** A fresh empty folder under .tmp/, remembered for cleanup. */
export async function makeTempDir(prefix: string): Promise<string> {
  await mkdir(tmpRoot, { recursive: true });
  const dir = await mkdtemp(path.join(tmpRoot, `${prefix.replace(/[^\w.-]/g, '_')}-`));
  created.add(dir);
  return dir;
}

/** Removes every folder made so far in this process. */
export async function cleanupTempDirs(): Promise<void> {
  const dirs = [...created];
  created.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

interface TaskLike {
  result?: { state?: string };
  tasks?: readonly TaskLike[];
}

function anyFailed(task: TaskLike): boolean {
  if (task.result?.state === 'fail') return true;
  return (task.tasks ?? []).some(anyFailed);
}

/**
 * Call once at the top of a test file: after the file, its temp folders are removed if every test
 * passed, and listed on stderr and kept if one failed, so the state that broke can be inspected.
 */
export function keepTempDirsOnFailure(): void {
  // Vitest reads the first parameter as a fixture list, so it must be a destructuring pattern.
  afterAll(async ({}, suite) => {
    if (anyFailed(suite)) {
      if (created.size > 0) process.stderr.write(`kept for inspection:\n  ${[...created].join('\n  ')}\n`);
      created.clear();
      return;
    }
    await cleanupTempDirs();
  });
}
