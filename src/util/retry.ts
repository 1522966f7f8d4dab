// Bounded retries with jittered exponential backoff, for network calls only; the caller says what is retryable.

export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Returns a delay to honour (Retry-After) in ms, 'no' to stop at once, or undefined for the default backoff. */
  classify(error: unknown): number | 'no' | undefined;
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  sleep?(ms: number): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const verdict = opts.classify(error);
      if (verdict === 'no' || attempt >= opts.attempts) throw error;
      const backoff = Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1));
      // Full jitter keeps many runners that hit one rate limit from retrying in step.
      const delay = verdict !== undefined ? Math.min(opts.maxMs, verdict) : backoff / 2 + Math.random() * (backoff / 2);
      opts.onRetry?.(error, attempt, delay);
      await (opts.sleep ?? sleep)(delay);
    }
  }
}
