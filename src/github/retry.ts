// Retries for GitHub API calls on the shared backoff: auth failures and missing things fail at once, as typed errors.
import { withRetry as retry } from '../util/retry.js';
import { classifyError, GitHubApiError, retryAfterSeconds } from './errors.js';

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told about each retry, so the log shows why a call was slow. */
  onRetry?: (info: { what: string; attempt: number; delayMs: number; error: GitHubApiError }) => void;
}

const defaults = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 15_000 };

export async function withRetry<T>(what: string, call: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  try {
    return await retry(call, {
      attempts: Math.max(1, opts.attempts ?? defaults.attempts),
      baseMs: opts.baseDelayMs ?? defaults.baseDelayMs,
      maxMs: opts.maxDelayMs ?? defaults.maxDelayMs,
      classify(raw) {
        if (!classifyError(raw, what).transient) return 'no';
        const hinted = retryAfterSeconds(raw);
        return hinted === undefined ? undefined : hinted * 1000;
      },
      onRetry: (raw, attempt, delayMs) => opts.onRetry?.({ what, attempt, delayMs, error: classifyError(raw, what) }),
    });
  } catch (raw) {
    throw classifyError(raw, what);
  }
}
