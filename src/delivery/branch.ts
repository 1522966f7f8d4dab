// Names the branch a run pushes, the same name for the same job, so a rerun updates its branch and PR instead of adding one.
import { createHash } from 'node:crypto';
import type { AgentMode } from '../constants.js';

export interface BranchKey {
  mode: AgentMode;
  /** Fix mode: the branch whose check failed. */
  failedBranch?: string;
  /** The commit the branch is based on. */
  sha: string;
  /** Task mode: the task. */
  prompt?: string;
  /** Task and coverage modes: the ref the run was started on. */
  ref?: string;
}

const MAX_SLUG = 40;

/**
 * fix → `<prefix>fix/<failed branch>-<sha7>`, task → `<prefix>task/<first words>-<hash6>`,
 * coverage → `<prefix>coverage/<ref>`. Slugs keep only [a-z0-9-], so the name is always a valid ref.
 */
export function branchName(prefix: string, key: BranchKey): string {
  switch (key.mode) {
    case 'fix':
      return `${prefix}fix/${slug(shortRef(key.failedBranch ?? ''), 'detached')}-${key.sha.slice(0, 7)}`;
    case 'task': {
      const prompt = key.prompt ?? '';
      const hash = createHash('sha256')
        .update(prompt + (key.ref ?? ''))
        .digest('hex')
        .slice(0, 6);
      return `${prefix}task/${slug(firstWords(prompt), 'task')}-${hash}`;
    }
    case 'coverage':
      return `${prefix}coverage/${slug(shortRef(key.ref ?? ''), 'head')}`;
    case 'ask':
      // Ask mode pushes nothing; the name only labels the run.
      return `${prefix}ask/${key.sha.slice(0, 7)}`;
  }
}

/** True when the branch is one redgreen names (and so may be replaced by it). An empty prefix owns nothing. */
export function isOwnBranch(prefix: string, branch: string): boolean {
  return prefix.length > 0 && shortRef(branch).startsWith(prefix);
}

/** `refs/heads/main` → `main`. */
export function shortRef(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

/** Lower-case words joined by '-', cut at a word boundary; `fallback` when nothing is left. */
export function slug(text: string, fallback: string, max = MAX_SLUG): string {
  const words = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let out = '';
  for (const word of words) {
    const next = out ? `${out}-${word}` : word;
    if (next.length > max) {
      if (!out) out = word.slice(0, max);
      break;
    }
    out = next;
  }
  return out || fallback;
}

function firstWords(prompt: string): string {
  return prompt.trim().split(/\s+/).slice(0, 6).join(' ');
}
