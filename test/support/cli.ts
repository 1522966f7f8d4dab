// How the CLI's end-to-end tests start `redgreen`: the repository's own bin/, on the Node 24 of node_modules/.bin.
import path from 'node:path';
import { repoRoot } from './tmp.js';

export const cliBin = path.join(repoRoot, 'bin', 'redgreen.js');

/** The environment a user's shell gives the CLI, plus what a test adds (a key, NO_COLOR). */
export const cliEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: `${path.join(repoRoot, 'node_modules/.bin')}:${process.env.PATH}`,
  HOME: process.env.HOME ?? '/tmp',
  ...extra,
});
