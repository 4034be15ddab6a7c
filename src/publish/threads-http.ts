/**
 * One Graph API exchange with Threads (graph.threads.net), as a union instead of a throw, and the
 * meaning of its error object for publishing.
 *
 * Errors are the Graph API error object (https://developers.facebook.com/docs/graph-api/guides/error-handling):
 * `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`. Codes used here:
 * 190 (OAuthException: token expired, revoked or invalid), 102 (session), 10 and 200–299
 * (permission), 4, 17, 32, 613 (rate limits: https://developers.facebook.com/docs/graph-api/overview/rate-limiting),
 * 9 (Threads' publishing limit, 250 posts per 24 hours:
 * https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting), 100 (invalid
 * parameter; with subcode 33 the object does not exist).
 */
import type { SendResult } from './channel.ts';
import { classifyFetchError, redactSecret } from './mastodon-http.ts';

/** Name of the secret holding the Threads long-lived access token; only its name is ever shown. */
export const THREADS_TOKEN_SECRET = 'THREADS_ACCESS_TOKEN';

/**
 * What a person does when Threads refuses the token: "renew the token". A long-lived token lasts
 * 60 days and can be refreshed while valid
 * (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens#refresh-a-long-lived-token).
 */
export const THREADS_TOKEN_ACTION =
  'Renew the token for threads: while the token is still valid, refresh it with `GET https://graph.threads.net/refresh_access_token?grant_type=th_refresh_token&access_token=<token>` ' +
  '(a new 60-day token); once it has expired or was revoked, generate a new one in the Meta app dashboard (Threads API > User token generator) and exchange it for a long-lived token. ' +
  `Store it as the secret ${THREADS_TOKEN_SECRET} in the publish environment and move \`rotated\` in copydesk.config.yaml to today.`;

/** What came back from one request. */
export type GraphOutcome =
  | { kind: 'response'; status: number; json: unknown }
  | { kind: 'not-sent'; error: string }
  | { kind: 'lost'; error: string };

/** Everything a Threads request needs, resolved once when the channel is created. */
export interface ThreadsSession {
  /** `https://graph.threads.net/v1.0` (no trailing slash). */
  base: string;
  /** Long-lived user access token (secret: never in a result or message). */
  token: string;
  /** The Threads user id, or `me`. */
  userId: string;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  /** Per-request timeout in ms, body included. */
  timeoutMs: number;
  /** Pause between two container status polls (ms). */
  pollMs: number;
  /** Most status polls per container in one send before answering `retry`. */
  pollMax: number;
  /** The clock, for `retryAt`. */
  now: () => number;
}

/**
 * One request. The token goes in the `Authorization` header, never in the URL (URLs end up in
 * logs); POST parameters are form-encoded as the Graph API documents them.
 */
export async function graphRequest(s: ThreadsSession, method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, string> = {}): Promise<GraphOutcome> {
  const query = new URLSearchParams(params).toString();
  const url = method === 'POST' || !query ? `${s.base}${path}` : `${s.base}${path}?${query}`;
  try {
    const response = await s.fetch(url, {
      method,
      headers: { Accept: 'application/json', Authorization: `Bearer ${s.token}`, ...(method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      ...(method === 'POST' ? { body: query } : {}),
      signal: AbortSignal.timeout(s.timeoutMs),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text.trim() ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { kind: 'response', status: response.status, json };
  } catch (err) {
    const c = classifyFetchError(err, s.timeoutMs);
    return { kind: c.kind, error: redactSecret(c.error, s.token) };
  }
}

/** The Graph API error object of an answer, if any. */
export interface GraphError {
  code?: number;
  subcode?: number;
  type?: string;
  message: string;
}

export function graphError(json: unknown): GraphError | undefined {
  const e = (json as { error?: unknown } | undefined)?.error;
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, error_subcode, type, message } = e as Record<string, unknown>;
  return {
    message: typeof message === 'string' ? message.slice(0, 500) : 'no message',
    ...(typeof code === 'number' ? { code } : {}),
    ...(typeof error_subcode === 'number' ? { subcode: error_subcode } : {}),
    ...(typeof type === 'string' ? { type } : {}),
  };
}

const RATE_CODES = new Set([4, 9, 17, 32, 613]);
/** When a rate limit names no reset time: Threads' windows are an hour (calls) and 24 hours (posts). */
const RATE_WAIT_MS = 60 * 60_000;

/** True when the answer says the token itself is refused (expired, revoked, invalid). */
export function isTokenProblem(o: GraphOutcome): boolean {
  if (o.kind !== 'response') return false;
  const e = graphError(o.json);
  return e?.code === 190 || e?.code === 102 || (e?.type === 'OAuthException' && o.status === 401) || (o.status === 401 && !e);
}

/** Which step failed: before the publish request nothing is visible, so a lost answer is a plain retry. */
export type ThreadsStep = 'container' | 'status' | 'publish';

/** Turn a non-success answer into a failure result. `what` is the request, e.g. `POST /{user-id}/threads_publish`. */
export function threadsFailure(s: ThreadsSession, o: GraphOutcome, step: ThreadsStep, what: string): Exclude<SendResult, { status: 'sent' }> {
  const r = classify(s, o, step, what);
  return r.status === 'failed'
    ? { ...r, error: redactSecret(r.error, s.token), action: redactSecret(r.action, s.token) }
    : { ...r, error: redactSecret(r.error, s.token) };
}

function classify(s: ThreadsSession, o: GraphOutcome, step: ThreadsStep, what: string): Exclude<SendResult, { status: 'sent' }> {
  if (o.kind === 'not-sent') return { status: 'retry', error: `Threads ${what} could not connect (nothing was sent): ${o.error}` };
  if (o.kind === 'lost') {
    const error = `Threads ${what} got no complete answer: ${o.error}`;
    return step === 'publish' ? { status: 'unknown', error } : { status: 'retry', error };
  }
  const e = graphError(o.json);
  const error = `Threads ${what} answered HTTP ${o.status}${e ? `: ${e.message}${e.code !== undefined ? ` (code ${e.code}${e.subcode !== undefined ? `/${e.subcode}` : ''})` : ''}` : ''}`;
  if (isTokenProblem(o)) return { status: 'failed', error, action: THREADS_TOKEN_ACTION, credential: true };
  if (o.status === 429 || (e?.code !== undefined && RATE_CODES.has(e.code))) {
    return { status: 'retry', error: `${error}; Threads allows 250 posts per 24 hours and limits calls per hour`, retryAt: s.now() + RATE_WAIT_MS };
  }
  if (e?.code === 10 || (e?.code !== undefined && e.code >= 200 && e.code < 300) || o.status === 403) {
    return { status: 'failed', error, action: `The Threads token lacks a permission (threads_basic, threads_content_publish): generate a new token with both and store it as ${THREADS_TOKEN_SECRET}.` };
  }
  if (o.status >= 500 || o.status === 408) return step === 'publish' ? { status: 'unknown', error } : { status: 'retry', error };
  return {
    status: 'failed',
    error,
    action: step === 'publish'
      ? 'Threads refused to publish the post: check the account and the post as the error says, then run `copydesk publish --retry <post id>`.'
      : 'Threads refused the post as written (text, image address or alt text): change it as the error says, then publish again.',
  };
}
