// Reads a workflow or action file at the failed commit: from the checkout when it is at that commit, else the contents API.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { GitHubApi } from './api.js';
import type { FileAt, ReadFile } from './job-tree.js';

const run = promisify(execFile);

/** Reads files of the failed run's repository (checkout first) and of other repositories (contents API only). */
export function fileReader(workspace: string, api: Pick<GitHubApi, 'fileAt'>): ReadFile {
  let head: Promise<string | undefined> | undefined;
  return async (at: FileAt) => {
    if (at.repo === undefined) {
      head ??= run('git', ['rev-parse', 'HEAD'], { cwd: workspace }).then((r) => r.stdout.trim(), () => undefined);
      if ((await head) === at.ref) {
        try {
          // The committed file, not the working tree: earlier steps may have changed the checkout.
          const shown = await run('git', ['show', `${at.ref}:${at.path}`], { cwd: workspace, maxBuffer: 16 * 1024 * 1024 });
          return { text: shown.stdout, from: 'the checkout' };
        } catch {
          // Not in the commit: the contents API says so in its own words.
        }
      }
    }
    try {
      const [owner = '', repo = ''] = (at.repo ?? '').split('/');
      const text = await api.fileAt(at.path, at.ref, at.repo ? { owner, repo } : undefined);
      return { text, from: at.repo ? `the contents API (${at.repo})` : 'the contents API' };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
}
