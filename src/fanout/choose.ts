// Pick's rule, as a pure function: among verified attempts, the smallest change, then the fewest tokens, then the lowest attempt.
import { linesOf, type AttemptRecord } from './record.js';

export function chooseWinner(attempts: AttemptRecord[]): AttemptRecord | undefined {
  const verified = attempts.filter((a) => a.verified && a.branch && a.sha);
  verified.sort((a, b) => linesOf(a) - linesOf(b) || a.tokens - b.tokens || a.attempt - b.attempt);
  return verified[0];
}

/** The newest record per (key, attempt): a re-run cell uploads again under a new name. */
export function latestAttempts(records: { record: AttemptRecord; createdAt: number }[]): AttemptRecord[] {
  const byId = new Map<string, { record: AttemptRecord; createdAt: number }>();
  for (const r of records) {
    const id = `${r.record.key}\u0000${r.record.attempt}`;
    const seen = byId.get(id);
    if (!seen || r.createdAt >= seen.createdAt) byId.set(id, r);
  }
  return [...byId.values()].map((r) => r.record).sort((a, b) => a.key.localeCompare(b.key) || a.attempt - b.attempt);
}
