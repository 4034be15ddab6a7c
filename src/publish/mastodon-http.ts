/**
 * One HTTP exchange with a Mastodon instance, as a union instead of a throw. The only thing the
 * callers need to know about a network failure is whether the request can have reached the server:
 * a refused connection or an unknown host means nothing left this machine (safe to retry), while a
 * timeout or a connection dropped mid-exchange means the server may have acted on it (read back
 * before any resend).
 */

/** What came back from one request. */
export type MastodonHttpOutcome =
  /** The server answered with an HTTP status (any status, 2xx to 5xx). */
  | {
      kind: 'response';
      /** HTTP status code. */
      status: number;
      /** Response headers (`X-RateLimit-Reset` lives here). */
      headers: Headers;
      /** Parsed JSON body, or `undefined` when the body is empty or not JSON. */
      json: unknown;
    }
  /** The request never reached the server (connection refused, DNS failure, bad URL). */
  | {
      kind: 'not-sent';
      /** What went wrong, without secrets. */
      error: string;
    }
  /** The request may have reached the server but no complete answer came back (timeout, dropped connection). */
  | {
      kind: 'lost';
      /** What went wrong, without secrets. */
      error: string;
    };

/** One request to make. */
export interface MastodonHttpRequest {
  /** The fetch to use (injectable for tests). */
  fetch: typeof fetch;
  /** HTTP method. */
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute URL. */
  url: string;
  /** Access token sent as `Authorization: Bearer`; omitted for public endpoints. */
  token?: string;
  /** Extra headers (e.g. `Idempotency-Key`, `Content-Type`). */
  headers?: Record<string, string>;
  /** Request body (JSON string or multipart FormData). */
  body?: string | FormData;
  /** Give up after this many milliseconds, for the whole exchange including the body. */
  timeoutMs: number;
}

/**
 * Error codes (Node `net`/`dns`/TLS and undici) that are raised before a single byte of the HTTP
 * request is written, so the server cannot have seen it.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** Every `code` found on an error, its `cause` chain and any `AggregateError` members (happy-eyeballs connects). */
function errorCodes(err: unknown, depth = 0): string[] {
  if (depth > 5 || typeof err !== 'object' || err === null) return [];
  const codes: string[] = [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.push(code);
  codes.push(...errorCodes(cause, depth + 1));
  if (Array.isArray(errors)) for (const member of errors) codes.push(...errorCodes(member, depth + 1));
  return codes;
}

/** Human-readable summary of a fetch failure (`fetch failed: connect ECONNREFUSED 127.0.0.1:443`). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : '';
  return cause && cause !== err.message ? `${err.message}: ${cause}` : err.message;
}

/** Replace every occurrence of the secret with a marker, so no message can leak it. */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/** Sort a thrown fetch error into "never sent" or "may have been received". */
export function classifyFetchError(err: unknown, timeoutMs: number): { kind: 'not-sent' | 'lost'; error: string } {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'lost', error: `no complete answer within ${timeoutMs} ms` };
  }
  const codes = errorCodes(err);
  const message = describeError(err);
  if (codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code))) {
    return { kind: 'not-sent', error: message };
  }
  if (err instanceof TypeError && /invalid url|failed to parse url/i.test(message)) {
    return { kind: 'not-sent', error: message };
  }
  return { kind: 'lost', error: codes.length > 0 ? `${message} (${codes[0]})` : message };
}

/** Make one request; never throws. The body is read inside the same timeout. */
export async function mastodonRequest(req: MastodonHttpRequest): Promise<MastodonHttpOutcome> {
  const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
  if (req.token !== undefined) headers.Authorization = `Bearer ${req.token}`;
  try {
    const response = await req.fetch(req.url, {
      method: req.method,
      headers,
      body: req.body,
      signal: AbortSignal.timeout(req.timeoutMs),
      // A redirect is answered, not followed: re-sending a POST elsewhere could double-post.
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { kind: 'response', status: response.status, headers: response.headers, json };
  } catch (err) {
    const classified = classifyFetchError(err, req.timeoutMs);
    return { kind: classified.kind, error: redactSecret(classified.error, req.token) };
  }
}

/** The `error` string of a Mastodon error body (`{"error": "..."}`), if there is one. */
export function mastodonErrorText(json: unknown): string | undefined {
  if (typeof json === 'object' && json !== null && typeof (json as { error?: unknown }).error === 'string') {
    return (json as { error: string }).error;
  }
  return undefined;
}

/**
 * Epoch ms from `X-RateLimit-Reset`, which Mastodon sends as an ISO 8601 timestamp
 * (https://docs.joinmastodon.org/api/rate-limits/), e.g. `2020-09-08T13:25:00.019685Z`.
 */
export function rateLimitResetMs(headers: Headers): number | undefined {
  const raw = headers.get('x-ratelimit-reset');
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}
