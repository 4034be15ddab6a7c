/**
 * What a failed Bluesky (XRPC) call means for publishing. `@atproto/api` throws an `XRPCError` for
 * every non-2xx answer and for network failures (status `1`, "Unknown"); this module turns those
 * throws into a small union the channel can act on, with secrets scrubbed from every message.
 *
 * Error names and statuses: https://docs.bsky.app/docs/advanced-guides/rate-limits (429 and the
 * `ratelimit-reset` header, seconds since the epoch), https://atproto.com/specs/xrpc#error-responses,
 * and the `errors` lists of com.atproto.server.createSession / com.atproto.repo.getRecord.
 */
import { XRPCError } from '@atproto/api';

/** Name of the repository secret holding the Bluesky app password; only its name is ever shown. */
export const BLUESKY_PASSWORD_SECRET = 'BLUESKY_APP_PASSWORD';

/** What a person must do when Bluesky refuses the login or the session. */
export function passwordAction(identifier: string): string {
  return (
    `Bluesky refused the login for ${identifier}: the app password is wrong, revoked or belongs to another account. ` +
    'Create a new app password at https://bsky.app/settings/app-passwords and store it as the repository secret ' +
    `${BLUESKY_PASSWORD_SECRET} (Settings > Secrets and variables > Actions), then publish again.`
  );
}

/** A failed call, classified by what the caller can do about it. */
export type XrpcProblem =
  /** No complete answer (timeout, dropped connection, unparseable answer): the server may have acted. */
  | { kind: 'no-answer'; error: string }
  /** The server answered 5xx: it may have acted before failing. */
  | { kind: 'server'; error: string }
  /** 429: nothing was done; try again after `retryAt` (epoch ms) when the server said when. */
  | { kind: 'rate-limited'; error: string; retryAt?: number }
  /** Login or session refused: a person must fix the credentials or the account. */
  | { kind: 'auth'; error: string; action: string }
  /** The thing asked about does not exist (RecordNotFound, HandleNotFound, …). */
  | { kind: 'not-found'; error: string }
  /** Any other 4xx: the request itself is wrong (e.g. record validation); repeating it will not help. */
  | { kind: 'rejected'; status: number; error: string };

/** Error names the server uses for "this login/session is not acceptable". */
const AUTH_ERRORS = new Set([
  'AuthenticationRequired',
  'ExpiredToken',
  'InvalidToken',
  'AuthFactorTokenRequired',
  'AccountTakedown',
  'AccountDeactivated',
]);

/** Error names meaning "no such record/handle/repo". */
const NOT_FOUND_ERRORS = new Set(['RecordNotFound', 'HandleNotFound', 'RepoNotFound']);

/**
 * Classify anything thrown by an `@atproto/api` call.
 * @param what     the call, for messages, e.g. `createRecord`
 * @param secrets  values that must never appear in the text (password, tokens)
 */
export function describeXrpcError(err: unknown, what: string, identifier: string, secrets: readonly string[]): XrpcProblem {
  if (!(err instanceof XRPCError)) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { kind: 'no-answer', error: redact(`Bluesky ${what} got no answer: ${message}`, secrets) };
  }
  // XRPCError.status is the HTTP status, or 1 (network failure) / 2 (answer failed validation).
  const status = err.status;
  const detail = [err.error, err.message].filter((s, i, all) => s && all.indexOf(s) === i).join(': ');
  if (status < 100) {
    const cause = err.cause instanceof Error ? ` (${err.cause.name}: ${err.cause.message})` : '';
    return { kind: 'no-answer', error: redact(`Bluesky ${what} got no usable answer: ${detail}${cause}`, secrets) };
  }
  const error = redact(`Bluesky ${what} answered HTTP ${status}${detail ? ` ${detail}` : ''}`, secrets);
  if (status === 429) {
    const retryAt = resetMs(err.headers?.['ratelimit-reset']);
    return retryAt === undefined ? { kind: 'rate-limited', error } : { kind: 'rate-limited', error, retryAt };
  }
  if (status >= 500) return { kind: 'server', error };
  if (status === 401 || status === 403 || AUTH_ERRORS.has(err.error ?? '')) {
    return { kind: 'auth', error, action: authAction(err.error, identifier) };
  }
  if (NOT_FOUND_ERRORS.has(err.error ?? '')) return { kind: 'not-found', error };
  return { kind: 'rejected', status, error };
}

function authAction(name: string | undefined, identifier: string): string {
  if (name === 'AuthFactorTokenRequired') {
    return (
      `Bluesky asked for an email sign-in code for ${identifier}, which only happens with the account's main password. ` +
      `Store an app password (https://bsky.app/settings/app-passwords) as the repository secret ${BLUESKY_PASSWORD_SECRET} instead.`
    );
  }
  if (name === 'AccountTakedown' || name === 'AccountDeactivated') {
    return `The Bluesky account ${identifier} is suspended or deactivated: reactivate it (or contact Bluesky support), then publish again.`;
  }
  return passwordAction(identifier);
}

/** `ratelimit-reset` is seconds since the epoch; results use epoch milliseconds. */
function resetMs(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/** Replace every secret, and anything shaped like a JWT (session tokens), with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[redacted]');
}
