// Which failed jobs of a run become keys: one per workflow job, its failed matrix cells together, jobs that never ran left out.
import type { Job } from '../github/api.js';
import { fixKey, taskKey } from './keys.js';
import type { PlannedKey } from './matrix.js';

const failed = new Set(['failure', 'timed_out']);

export interface FailedJobKeys {
  keys: PlannedKey[];
  /** Jobs that never ran (a job they need failed, or their `if:` was false): nothing to fix there. */
  neverRan: string[];
}

/**
 * `groupOf` names the workflow job a listed job belongs to (its cells share it). The first failed cell of each
 * group is the one fixed; the others ride along by name. Order follows the jobs API, which is the run's order.
 */
export function failedJobKeys(jobs: Job[], sha: string, groupOf: (apiName: string) => string): FailedJobKeys {
  const groups = new Map<string, Job[]>();
  for (const job of jobs) {
    if (job.conclusion === null || !failed.has(job.conclusion)) continue;
    const group = groupOf(job.name);
    groups.set(group, [...(groups.get(group) ?? []), job]);
  }
  const taken = new Set<string>();
  const keys = [...groups].map(([group, cells]): PlannedKey => {
    const first = cells[0]!;
    return {
      key: unique(fixKey(group, sha), taken),
      mode: 'fix',
      name: first.name,
      jobId: first.id,
      alsoFailed: cells.slice(1).map((c) => c.name),
    };
  });
  const neverRan = jobs.filter((j) => j.conclusion === 'skipped').map((j) => j.name);
  return { keys, neverRan };
}

/** One key per task, in the list's order; the same task twice is planned once. */
export function taskKeys(tasks: string[]): PlannedKey[] {
  const seen = new Set<string>();
  const keys: PlannedKey[] = [];
  for (const task of tasks) {
    const key = taskKey(task);
    if (seen.has(key)) continue;
    seen.add(key);
    keys.push({ key, mode: 'task', name: task.split('\n')[0]!, prompt: task, alsoFailed: [] });
  }
  return keys;
}

/** Two workflow jobs whose names slug alike (`Test`, `test`) still get two branches. */
function unique(key: string, taken: Set<string>): string {
  let candidate = key;
  for (let n = 2; taken.has(candidate); n++) candidate = `${key}-${n}`;
  taken.add(candidate);
  return candidate;
}
