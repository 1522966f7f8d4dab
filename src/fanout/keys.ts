// Lasting keys for fan-out work: one per failed workflow job (all its failed matrix cells) or per task, and the branches they name.
import { createHash } from 'node:crypto';
import { slug } from '../delivery/branch.js';

/** The modes a matrix cell works in. */
export type CellMode = 'fix' | 'task';

/**
 * A failed job's key: the workflow job's name without its matrix cell, and the failing commit.
 * The numeric job id changes on every re-run; the name and the commit do not.
 */
export function fixKey(jobGroup: string, sha: string): string {
  return `${slug(jobGroup, 'job')}-${sha.slice(0, 7)}`;
}

/** A task's key: its first words and a hash of the whole text, so two tasks that start alike stay apart. */
export function taskKey(task: string): string {
  const hash = createHash('sha256').update(task.trim()).digest('hex').slice(0, 6);
  return `${slug(task.trim().split(/\s+/).slice(0, 6).join(' '), 'task')}-${hash}`;
}

/** `test (20, ubuntu)` → `test`: the name GitHub gives a matrix cell, without the cell. */
export function withoutMatrixCell(apiName: string): string {
  const m = /^(.*) \((.*)\)$/s.exec(apiName);
  return m?.[1] ? m[1] : apiName;
}

/** The branch of a key: `<prefix><mode>/<key>`; one attempt of several: `<prefix><mode>/<key>-attempt-<n>`. */
export function keyBranch(prefix: string, mode: CellMode, key: string, attempt?: number): string {
  const base = `${prefix}${mode}/${key}`;
  return attempt === undefined ? base : `${base}-attempt-${attempt}`;
}

/** Matches the attempt branches of one key (and only them), to find what to delete after picking. */
export function isAttemptBranch(prefix: string, mode: CellMode, key: string, branch: string): boolean {
  const base = `${prefix}${mode}/${key}-attempt-`;
  return branch.startsWith(base) && /^\d+$/.test(branch.slice(base.length));
}

/** Artifact names are unique within a run; a re-run attempt of the same cell gets its own. */
export function attemptArtifactName(key: string, attempt: number, runAttempt = 1): string {
  return `redgreen-attempt-${key}-${attempt}${runAttempt > 1 ? `-r${runAttempt}` : ''}`;
}

export const AttemptArtifactPrefix = 'redgreen-attempt-';

/** Every cell of a matrix shares GITHUB_JOB, so a cell's evidence is named after its key and attempt instead. */
export function cellEvidenceName(key: string, attempt: number, runAttempt = 1): string {
  return `redgreen-evidence-${key}-${attempt}${runAttempt > 1 ? `-r${runAttempt}` : ''}`;
}

export function planArtifactName(runAttempt = 1): string {
  return `${PlanArtifactPrefix}${runAttempt > 1 ? `-r${runAttempt}` : ''}`;
}

export const PlanArtifactPrefix = 'redgreen-plan';
