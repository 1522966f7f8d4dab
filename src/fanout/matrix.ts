// Plan mode's arithmetic: keys × attempts as matrix entries, models cycled per attempt, and the cut to GitHub's 256-job limit.
import type { CellMode } from './keys.js';

/** GitHub runs at most this many jobs from one matrix. */
export const MatrixLimit = 256;

/** One failure or task to work on, before attempts are counted. */
export interface PlannedKey {
  key: string;
  mode: CellMode;
  /** How a person names it: the failed job's name, or the task's first line. */
  name: string;
  /** Fix: the failed job the cells repair (the first failed cell of a matrix job). */
  jobId?: number;
  /** Task: the task. */
  prompt?: string;
  /** Fix: the other failed cells of the same matrix job, named in the summary and the PR. */
  alsoFailed: string[];
}

/** One matrix cell; its keys are the inputs the cell's redgreen step passes on, plus `name` for the job. */
export interface MatrixEntry {
  name: string;
  key: string;
  attempt: number;
  'best-of': number;
  model: string;
  'job-id'?: number;
  prompt?: string;
}

export interface MatrixPlan {
  entries: MatrixEntry[];
  /** Every key kept, with how many attempts it got. */
  keys: (PlannedKey & { attempts: number })[];
  /** Sentences saying what the limit left out; empty when nothing was. */
  leftOut: string[];
}

export interface MatrixOptions {
  bestOf: number;
  /** Attempt n uses models[(n - 1) % length]; `model` when the list is empty ('' leaves it to the cell). */
  models: string[];
  model: string;
  limit?: number;
}

/**
 * Every key gets its first attempt before any key gets a second, and so on, in the order given (the run's job
 * order, the task list's order): past the limit, later attempts are cut first, then the last keys.
 */
export function planMatrix(keys: PlannedKey[], opts: MatrixOptions): MatrixPlan {
  const limit = opts.limit ?? MatrixLimit;
  const leftOut: string[] = [];
  const kept = keys.slice(0, limit);
  if (keys.length > limit) {
    const dropped = keys.slice(limit);
    leftOut.push(`${dropped.length} of ${keys.length} keys past the first ${limit}: ${listNames(dropped.map((k) => k.name))}.`);
  }
  const attempts = new Map<string, number>(kept.map((k) => [k.key, 1]));
  let room = limit - kept.length;
  const cutAttempts: string[] = [];
  for (let level = 2; level <= opts.bestOf; level++) {
    for (const k of kept) {
      if (room > 0) {
        attempts.set(k.key, level);
        room--;
      } else {
        cutAttempts.push(`${k.name} (attempt ${level})`);
      }
    }
  }
  if (cutAttempts.length > 0) {
    leftOut.unshift(`${cutAttempts.length} attempts beyond the ${limit}-job limit of a matrix: ${listNames(cutAttempts)}.`);
  }

  const model = (attempt: number) => (opts.models.length > 0 ? opts.models[(attempt - 1) % opts.models.length]! : opts.model);
  const entries: MatrixEntry[] = [];
  // Attempt-major order: with max-parallel, every key's first attempt starts before any second one.
  for (let level = 1; level <= opts.bestOf; level++) {
    for (const k of kept) {
      const count = attempts.get(k.key) ?? 1;
      if (level > count) continue;
      entries.push({
        name: entryName(k.name, level, count, opts.models.length > 1 ? model(level) : undefined),
        key: k.key,
        attempt: level,
        'best-of': count,
        model: model(level),
        ...(k.jobId === undefined ? {} : { 'job-id': k.jobId }),
        ...(k.prompt === undefined ? {} : { prompt: k.prompt }),
      });
    }
  }
  return { entries, keys: kept.map((k) => ({ ...k, attempts: attempts.get(k.key) ?? 1 })), leftOut };
}

function entryName(name: string, attempt: number, count: number, model: string | undefined): string {
  const short = name.split('\n')[0]!.slice(0, 80);
  const parts = [short, ...(count > 1 ? [`attempt ${attempt}`] : []), ...(model ? [model] : [])];
  return parts.join(' · ');
}

function listNames(names: string[], max = 10): string {
  const shown = names.slice(0, max).map((n) => n.split('\n')[0]!.slice(0, 60));
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}
