// Temporary folders under the repository's .tmp/ for the delivery and report tests, removed when the file's tests end.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const tmpRoot = fileURLToPath(new URL('../../../.tmp/', import.meta.url));
const created: string[] = [];

afterAll(async () => {
  // KEEP_TMP=1 keeps them to inspect a failure.
  if (process.env.KEEP_TMP) return;
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(prefix: string): Promise<string> {
  await mkdir(tmpRoot, { recursive: true });
  const dir = await mkdtemp(path.join(tmpRoot, `${prefix}-`));
  created.push(dir);
  return dir;
}
