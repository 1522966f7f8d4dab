// The commit of the model's files, built in the clean repository from their contents read under the workspace rules.
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { CommitTrailer } from '../constants.js';
import type { FileChange } from '../report/types.js';
import { ConfinementError, openConfined } from '../safety/confined-file.js';
import type { CleanRepo } from './clean-repo.js';
import { NoChangesError } from './errors.js';

/** The exit gate's check for what is about to be committed: throws when it holds a secret. */
export interface CommitGate {
  assertClean(where: string, text: string): void;
}

export interface CommitInput {
  /** The workspace's top-level folder; the files are read from here. */
  root: string;
  /** Paths relative to `root` (posix), checked already. */
  files: string[];
  message: string;
  author: { name: string; email: string };
  trailer: string;
  gate?: CommitGate;
}

const ZERO = '0'.repeat(40);

/**
 * `read-tree base`, then one index entry per listed file: its bytes as they are on disk (no filter, no
 * attribute, no clean/smudge), or its removal when it is gone; `write-tree`, `commit-tree -p base`. Only
 * regular files with one link, really inside the workspace and outside `.git`, are read; anything else stops
 * the delivery. The exit gate sees every byte first: a secret in any form stops it too.
 */
export async function buildCommit(repo: CleanRepo, base: string, input: CommitInput): Promise<string> {
  const git = repo.git;
  const env = { GIT_INDEX_FILE: repo.indexFile };
  await git.exec(['read-tree', base], { env });
  const root = await realpath(input.root);
  const entries: string[] = [];
  for (const file of input.files) {
    const abs = path.join(root, file);
    const st = await lstat(abs).catch(() => undefined);
    // Gone, or now a folder: the path leaves the tree (a folder's own files are listed by their own paths).
    if (!st || st.isDirectory()) {
      entries.push(`0 ${ZERO}\t${file}\0`);
      continue;
    }
    const { bytes, executable } = await readConfined(root, abs, file);
    input.gate?.assertClean(`The file ${file}`, bytes.toString('utf8'));
    const blob = (await git.exec(['hash-object', '-w', '--no-filters', '--stdin'], { input: bytes })).stdout.trim();
    entries.push(`${executable ? '100755' : '100644'} ${blob}\t${file}\0`);
  }
  // Removals first: a file replaced by a folder of the same name must leave the index before its children enter.
  entries.sort((a, b) => Number(!a.startsWith('0 ')) - Number(!b.startsWith('0 ')));
  if (entries.length) await git.exec(['update-index', '-z', '--index-info'], { env, input: entries.join('') });
  const tree = (await git.exec(['write-tree'], { env })).stdout.trim();
  const baseTree = (await git.exec(['rev-parse', `${base}^{tree}`])).stdout.trim();
  if (tree === baseTree) throw new NoChangesError();

  const value = input.trailer.replace(/\s+/g, ' ').trim() || 'unknown';
  const message = (await git.exec(['interpret-trailers', '--trailer', `${CommitTrailer}: ${value}`], { input: `${input.message.trim()}\n` })).stdout;
  input.gate?.assertClean('The commit message', message);
  const who = {
    GIT_AUTHOR_NAME: input.author.name,
    GIT_AUTHOR_EMAIL: input.author.email,
    GIT_COMMITTER_NAME: input.author.name,
    GIT_COMMITTER_EMAIL: input.author.email,
  };
  const commit = await git.exec(['commit-tree', '--no-gpg-sign', tree, '-p', base, '-F', '-'], { env: who, input: message });
  return commit.stdout.trim();
}

async function readConfined(root: string, abs: string, rel: string): Promise<{ bytes: Buffer; executable: boolean }> {
  let opened;
  try {
    opened = await openConfined(root, abs, rel, 'read', () => undefined);
  } catch (e) {
    if (e instanceof ConfinementError) throw new Error(`Refusing to commit ${rel}: ${e.message}`);
    throw e;
  }
  try {
    const st = await opened.fh.stat();
    if (opened.realRel !== rel) throw new Error(`Refusing to commit ${rel}: it is reached through a symbolic link (it is ${opened.realRel}).`);
    return { bytes: await opened.fh.readFile(), executable: (st.mode & 0o100) !== 0 };
  } finally {
    await opened.fh.close();
  }
}

/** Lines added and removed per file between two commits of the clean repository. */
export async function numstat(repo: CleanRepo, base: string, sha: string): Promise<FileChange[]> {
  const { stdout } = await repo.git.exec(['diff', '--numstat', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', base, sha]);
  const changes: FileChange[] = [];
  for (const record of stdout.split('\0')) {
    const m = /^(-|\d+)\t(-|\d+)\t([\s\S]+)$/.exec(record.replace(/^\n/, ''));
    if (!m?.[3]) continue;
    // Binary files report '-': counted as no lines.
    changes.push({ path: m[3], added: m[1] === '-' ? 0 : Number(m[1]), removed: m[2] === '-' ? 0 : Number(m[2]) });
  }
  return changes;
}

/** The change as an mbox patch (`git am`-able), for the evidence. */
export async function formatPatch(repo: CleanRepo, base: string, sha: string): Promise<string> {
  const { stdout } = await repo.git.exec(['format-patch', '--stdout', '--no-signature', '--binary', '--no-textconv', `${base}..${sha}`]);
  return stdout;
}
