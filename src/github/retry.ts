// Bounded retries with jittered exponential backoff for GitHub API calls; auth failures and missing things fail at once.
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
  const attempts = Math.max(1, opts.attempts ?? defaults.attempts);
  const base = opts.baseDelayMs ?? defaults.baseDelayMs;
  const max = opts.maxDelayMs ?? defaults.maxDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (raw) {
      const error = classifyError(raw, what);
      if (!error.transient || attempt >= attempts) throw error;
      const hinted = retryAfterSeconds(raw);
      // Jitter spreads the retries of parallel jobs hitting the same outage.
      const backoff = base * 2 ** (attempt - 1) * (0.5 + Math.random());
      const delayMs = Math.min(max, hinted !== undefined ? Math.max(hinted * 1000, backoff) : backoff);
      opts.onRetry?.({ what, attempt, delayMs, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
