// The one error type GitHub API calls throw, classified so callers can branch on auth problems versus outages.

export type GitHubErrorKind = 'auth' | 'not-found' | 'gone' | 'rate-limited' | 'server' | 'network' | 'invalid-response' | 'other';

export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  constructor(
    message: string,
    readonly kind: GitHubErrorKind,
    /** HTTP status; undefined when no response came back. */
    readonly status?: number,
  ) {
    super(message);
  }

  /** Worth another try: the service or the connection may recover. Auth and missing things never do. */
  get transient(): boolean {
    return this.kind === 'server' || this.kind === 'network' || this.kind === 'rate-limited';
  }
}

interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isHttpErrorLike(err: unknown): err is HttpErrorLike {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

/** Turns whatever Octokit threw into a GitHubApiError; `what` names the call for the message. */
export function classifyError(err: unknown, what: string): GitHubApiError {
  if (err instanceof GitHubApiError) return err;
  if (!isHttpErrorLike(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new GitHubApiError(`${what}: ${message}`, 'network');
  }
  // Octokit reports a connection that failed before any response as status 500 without a response.
  if (!err.response) return new GitHubApiError(`${what}: network error: ${err.message}`, 'network');
  const status = err.status;
  const detail = `${what}: GitHub API ${status}: ${firstLine(err.message)}`;
  if (status === 401 || status === 403) {
    const limited = String(err.response.headers?.['x-ratelimit-remaining'] ?? '') === '0';
    return new GitHubApiError(limited ? `${detail} (rate limit exhausted)` : detail, 'auth', status);
  }
  if (status === 404) return new GitHubApiError(detail, 'not-found', status);
  if (status === 410) return new GitHubApiError(detail, 'gone', status);
  if (status === 429) return new GitHubApiError(detail, 'rate-limited', status);
  if (status >= 500) return new GitHubApiError(detail, 'server', status);
  return new GitHubApiError(detail, 'other', status);
}

/** Seconds from a Retry-After header, when the error carried one. */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (!isHttpErrorLike(err)) return undefined;
  const raw = err.response?.headers?.['retry-after'];
  const seconds = Number(raw);
  return raw !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
