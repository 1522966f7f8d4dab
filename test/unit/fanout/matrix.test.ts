// Plan mode's pure parts: keys from failed jobs and tasks, attempts and models, and the cut to 256 entries.
import { describe, expect, it } from 'vitest';
import { chooseWinner, latestAttempts } from '../../../src/fanout/choose.js';
import { failedJobKeys, taskKeys } from '../../../src/fanout/failed-jobs.js';
import { fixKey, isAttemptBranch, keyBranch, taskKey, withoutMatrixCell } from '../../../src/fanout/keys.js';
import { planMatrix, type PlannedKey } from '../../../src/fanout/matrix.js';
import type { AttemptRecord } from '../../../src/fanout/record.js';
import type { Job } from '../../../src/github/api.js';

const sha = 'abcdef0123456789abcdef0123456789abcdef01';

function job(id: number, name: string, conclusion: Job['conclusion']): Job {
  return { id, name, status: 'completed', conclusion, steps: [] };
}

describe('keys', () => {
  it('last across re-runs: made of the job name and the commit, not the job id', () => {
    expect(fixKey('Unit tests', sha)).toBe('unit-tests-abcdef0');
    expect(taskKey('Add a --json flag to the CLI')).toMatch(/^add-a-json-flag-to-the-[0-9a-f]{6}$/);
    expect(taskKey('  Add a --json flag to the CLI ')).toBe(taskKey('Add a --json flag to the CLI'));
    expect(taskKey('Add a --json flag to the CLI')).not.toBe(taskKey('Add a --json flag to the CLI, and docs'));
    expect(withoutMatrixCell('test (20, ubuntu-latest)')).toBe('test');
    expect(keyBranch('redgreen/', 'fix', 'test-abcdef0')).toBe('redgreen/fix/test-abcdef0');
    expect(keyBranch('redgreen/', 'task', 'k', 2)).toBe('redgreen/task/k-attempt-2');
    expect(isAttemptBranch('redgreen/', 'fix', 'k', 'redgreen/fix/k-attempt-12')).toBe(true);
    expect(isAttemptBranch('redgreen/', 'fix', 'k', 'redgreen/fix/k-attempt-1x')).toBe(false);
    expect(isAttemptBranch('redgreen/', 'fix', 'k', 'redgreen/fix/k')).toBe(false);
  });

  it('group the failed cells of one matrix job into one key and leave out jobs that never ran', () => {
    const jobs = [
      job(11, 'lint', 'success'),
      job(12, 'test (18)', 'success'),
      job(13, 'test (20)', 'failure'),
      job(14, 'test (22)', 'failure'),
      job(15, 'build', 'timed_out'),
      job(16, 'deploy', 'skipped'),
      job(17, 'test (24)', 'failure'),
    ];
    const { keys, neverRan } = failedJobKeys(jobs, sha, withoutMatrixCell);
    expect(keys).toEqual([
      { key: 'test-abcdef0', mode: 'fix', name: 'test (20)', jobId: 13, alsoFailed: ['test (22)', 'test (24)'] },
      { key: 'build-abcdef0', mode: 'fix', name: 'build', jobId: 15, alsoFailed: [] },
    ]);
    expect(neverRan).toEqual(['deploy']);
  });

  it('plan one key per task, the same task once', () => {
    const keys = taskKeys(['Add a --json flag', 'Document the config file', 'Add a --json flag']);
    expect(keys.map((k) => k.prompt)).toEqual(['Add a --json flag', 'Document the config file']);
    expect(new Set(keys.map((k) => k.key)).size).toBe(2);
  });
});

describe('planMatrix', () => {
  const keys = (n: number): PlannedKey[] =>
    Array.from({ length: n }, (_, i) => ({ key: `k${i + 1}`, mode: 'task' as const, name: `task ${i + 1}`, prompt: `task ${i + 1}`, alsoFailed: [] }));

  it('repeats each key best-of times, cycling the models per attempt', () => {
    const plan = planMatrix(keys(2), { bestOf: 3, models: ['m-a', 'm-b'], model: 'default' });
    expect(plan.entries.map((e) => [e.key, e.attempt, e.model, e['best-of']])).toEqual([
      ['k1', 1, 'm-a', 3],
      ['k2', 1, 'm-a', 3],
      ['k1', 2, 'm-b', 3],
      ['k2', 2, 'm-b', 3],
      ['k1', 3, 'm-a', 3],
      ['k2', 3, 'm-a', 3],
    ]);
    expect(plan.entries[0]).toMatchObject({ prompt: 'task 1', name: 'task 1 · attempt 1 · m-a' });
    expect(plan.leftOut).toEqual([]);
  });

  it('uses the given model when no models are listed', () => {
    const plan = planMatrix(keys(1), { bestOf: 1, models: [], model: 'gpt-x' });
    expect(plan.entries).toEqual([{ name: 'task 1', key: 'k1', attempt: 1, 'best-of': 1, model: 'gpt-x', prompt: 'task 1' }]);
  });

  it('cuts 150 keys × 2 attempts to 256 by dropping later attempts of the last keys, and says so', () => {
    const plan = planMatrix(keys(150), { bestOf: 2, models: [], model: 'm' });
    expect(plan.entries).toHaveLength(256);
    expect(plan.entries.filter((e) => e.attempt === 1)).toHaveLength(150);
    // Keys 1..106 keep two attempts; 107..150 keep one, and their cell works alone.
    expect(plan.keys.find((k) => k.key === 'k106')?.attempts).toBe(2);
    expect(plan.keys.find((k) => k.key === 'k107')?.attempts).toBe(1);
    expect(plan.entries.find((e) => e.key === 'k107')?.['best-of']).toBe(1);
    expect(plan.leftOut).toEqual([expect.stringMatching(/^44 attempts beyond the 256-job limit of a matrix: task 107 \(attempt 2\), .* and 34 more\.$/)]);
  });

  it('cuts 300 keys to the first 256, one attempt each, and says which', () => {
    const plan = planMatrix(keys(300), { bestOf: 2, models: [], model: 'm' });
    expect(plan.entries).toHaveLength(256);
    expect(plan.entries.at(-1)?.key).toBe('k256');
    expect(plan.leftOut).toHaveLength(2);
    expect(plan.leftOut[0]).toMatch(/^256 attempts beyond the 256-job limit/);
    expect(plan.leftOut[1]).toMatch(/^44 of 300 keys past the first 256: task 257, task 258, .* and 34 more\.$/);
  });
});

describe('chooseWinner', () => {
  const attempt = (n: number, over: Partial<AttemptRecord>): AttemptRecord => ({
    version: 1,
    key: 'k',
    attempt: n,
    bestOf: 4,
    mode: 'fix',
    model: 'm',
    status: 'fixed',
    verified: true,
    reason: 'fixed',
    files: ['a.js'],
    linesAdded: 1,
    linesRemoved: 1,
    tokens: 100,
    turns: 3,
    baseSha: sha,
    branch: `redgreen/fix/k-attempt-${n}`,
    sha: sha,
    title: 't',
    ...over,
  });

  it('takes the smallest verified change, then the fewest tokens, then the lowest attempt', () => {
    const big = attempt(1, { linesAdded: 5 });
    const failed = attempt(2, { verified: false, status: 'gave-up', linesAdded: 0, linesRemoved: 0, branch: undefined, sha: undefined });
    const small = attempt(3, { tokens: 300 });
    const smallCheap = attempt(4, { tokens: 200 });
    expect(chooseWinner([big, failed, small, smallCheap])?.attempt).toBe(4);
    expect(chooseWinner([big, small, attempt(5, { tokens: 300 })])?.attempt).toBe(3);
    expect(chooseWinner([failed])).toBeUndefined();
  });

  it('keeps the newest record of a re-run cell', () => {
    const old = attempt(1, { verified: false });
    const rerun = attempt(1, { verified: true });
    expect(latestAttempts([{ record: old, createdAt: 1 }, { record: rerun, createdAt: 2 }])).toEqual([rerun]);
  });
});
