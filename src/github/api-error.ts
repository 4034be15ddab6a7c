/**
 * Turns whatever Octokit threw into a short, safe description. Octokit's `RequestError` carries the
 * request (with a redacted Authorization header); only the status and GitHub's message are kept,
 * so no header or token can reach a log.
 * https://github.com/octokit/request-error.js#readme
 */

/** A failed GitHub call, reduced to what a person can act on. */
export interface ApiFailure {
  /** HTTP status, or null when no answer came (timeout, DNS, connection refused). */
  status: number | null;
  /** GitHub's message (e.g. `Not Found`, `Resource not accessible by integration`) or the network error. */
  message: string;
}

/** Reads status and message from an Octokit RequestError, a fetch failure or anything else thrown. */
export function describeApiError(err: unknown): ApiFailure {
  const e = err as { status?: unknown; message?: unknown; name?: unknown } | null;
  const rawStatus = typeof e?.status === 'number' ? e.status : null;
  const rawMessage = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  // Octokit reports network failures and timeouts as status 500 without a response.
  const response = (err as { response?: unknown } | null)?.response;
  const status = rawStatus === 500 && response === undefined ? null : rawStatus;
  return { status, message: rawMessage.split('\n')[0]!.slice(0, 300) };
}

/** True when GitHub answered 404 (missing, or hidden from this token). */
export function isNotFound(err: unknown): boolean {
  return (err as { status?: unknown } | null)?.status === 404;
}

/** One line for people: `GET /repos/o/r/… failed: 403 Resource not accessible by integration`. */
export function formatApiFailure(what: string, failure: ApiFailure): string {
  const status = failure.status === null ? 'no answer' : String(failure.status);
  return `${what} failed (${status}): ${failure.message}`;
}

/** What to do about a failure, by status: the most common causes for copydesk's calls. */
export function adviceFor(failure: ApiFailure): string {
  switch (failure.status) {
    case 401:
      return 'The token was refused: check that the secret is set and not expired.';
    case 403:
      return 'The token lacks a permission this call needs (see the workflow `permissions:` block, or use an admin token for setup), or a rate limit was hit: retry later.';
    case 404:
      return 'GitHub says this does not exist, or the token cannot see it: check owner/repo and the token\'s repository access.';
    case null:
      return 'GitHub could not be reached or did not answer in time: retry later.';
    default:
      return 'Retry later; if it persists, check https://www.githubstatus.com.';
  }
}

/** The error arm shared by copydesk's GitHub write helpers. */
export interface ErrorResult {
  status: 'error';
  /** What failed, in one line (no token, no headers). */
  error: string;
  /** What a person should do about it. */
  action: string;
  /** `error` and `action` together, ready to print. */
  text: string;
}

/** Builds an {@link ErrorResult}. */
export function errorResult(error: string, action: string): ErrorResult {
  return { status: 'error', error, action, text: `${error}\n${action}` };
}

/** Builds an {@link ErrorResult} from whatever a GitHub call threw. */
export function apiErrorResult(what: string, err: unknown): ErrorResult {
  const failure = describeApiError(err);
  return errorResult(formatApiFailure(what, failure), adviceFor(failure));
}
