/**
 * The one place copydesk configures Octokit. Everything in `src/github/` receives the client made
 * here, so timeouts, the user agent and the (absent) retry policy are decided once.
 *
 * Retries: `@octokit/rest` ships without `@octokit/plugin-retry`, and copydesk does not add it.
 * A POST that timed out may still have landed (an issue or a comment created twice), so no request
 * is repeated here; callers that create things find them again by a hidden marker instead.
 * https://github.com/octokit/rest.js#readme
 */
import { Octokit } from '@octokit/rest';

/** Options for {@link createOctokit}. */
export interface CreateOctokitOptions {
  /** A GitHub token (`GITHUB_TOKEN` or a fine-grained PAT). Sent only in the Authorization header, never printed. */
  token: string;
  /** API root, `https://api.github.com` by default; tests point it at the local fake, GHES users at `https://HOST/api/v3`. */
  baseUrl?: string;
  /** A fetch implementation (defaults to the global one); every request gets a timeout on top of it. */
  fetch?: typeof globalThis.fetch;
  /** Milliseconds before one request is abandoned (default 20,000). GitHub answers most calls in well under a second. */
  timeoutMs?: number;
  /** Where Octokit's deprecation warnings go (default: `console.warn`); request logs are dropped. */
  warn?: (message: string) => void;
}

/** Default per-request timeout: long enough for a slow GitHub, short enough that a cron run does not hang. */
export const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Wraps a fetch so that each call is aborted after `timeoutMs`, combined with any signal the caller
 * passed. A fresh timer per request: one shared `AbortSignal.timeout` would expire mid-run.
 */
export function withTimeout(fetchImpl: typeof globalThis.fetch, timeoutMs: number): typeof globalThis.fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchImpl(input, { ...init, signal });
  };
}

/**
 * Makes the Octokit client every copydesk GitHub call goes through.
 * The token must be non-empty: entry points check the environment and say how to set it before
 * calling this, so an empty token here is a programming error.
 */
export function createOctokit(options: CreateOctokitOptions): Octokit {
  if (typeof options.token !== 'string' || options.token.trim() === '') {
    throw new TypeError('createOctokit: token is empty (entry points must check the token before creating a client)');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const noop = () => {};
  return new Octokit({
    auth: options.token,
    userAgent: 'copydesk',
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {}),
    request: { fetch: withTimeout(fetchImpl, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
    // The request-log plugin reports every 404 as an error; copydesk reports outcomes itself.
    log: { debug: noop, info: noop, warn, error: noop },
  });
}

export type { Octokit };
