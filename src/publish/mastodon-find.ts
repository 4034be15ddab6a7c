/**
 * Read back whether a part is already on the account.
 *
 * Why a read-back and not only the `Idempotency-Key`: Mastodon remembers a key for about one hour
 * (https://docs.joinmastodon.org/methods/statuses/#create, "Idempotency keys are stored for up to
 * 1 hour"). A run that crashed, timed out or was frozen for longer than that would post a second
 * copy if it trusted the key alone, so before any resend the publisher asks this function.
 *
 * It compares the account's most recent statuses (`GET /api/v1/accounts/:id/statuses?limit=40`,
 * https://docs.joinmastodon.org/methods/accounts/#statuses) with the part: same text (HTML of
 * `content` turned back to plain text), same `in_reply_to_id`, and created no earlier than a little
 * before the part's scheduled time, so last week's identical "we're open today" post is not taken
 * for today's.
 */
import type { FindResult, OutgoingPart } from './channel.ts';
import type { MastodonHttpOutcome } from './mastodon-http.ts';
import { mastodonErrorText, mastodonRequest } from './mastodon-http.ts';
import { MASTODON_TOKEN_SECRET } from './mastodon-outcome.ts';
import type { MastodonSession } from './mastodon-session.ts';
import { contentMatchesText } from './mastodon-text.ts';

/** Statuses read per look-up: the documented maximum page size. */
export const FIND_PAGE_SIZE = 40;

/**
 * A status counts as this part only if created at most this long before `scheduledAt`: it absorbs
 * clock differences between this machine and the instance but excludes older identical posts.
 */
export const FIND_CLOCK_SLACK_MS = 15 * 60_000;

/** Where `find` keeps the account id between calls (read once per channel from verify_credentials). */
export interface AccountIdCache {
  /** The authenticated account's id once known. */
  accountId?: string;
}

interface StatusJson {
  id?: unknown;
  url?: unknown;
  content?: unknown;
  in_reply_to_id?: unknown;
  created_at?: unknown;
  reblog?: unknown;
}

function unknownFrom(outcome: MastodonHttpOutcome, what: string): FindResult {
  if (outcome.kind !== 'response') return { status: 'unknown', error: `Mastodon ${what} failed: ${outcome.error}` };
  const detail = mastodonErrorText(outcome.json);
  const hint =
    outcome.status === 401 || outcome.status === 403
      ? ` (the access token in ${MASTODON_TOKEN_SECRET} was rejected: issue a new one)`
      : '';
  return {
    status: 'unknown',
    error: `Mastodon ${what} answered HTTP ${outcome.status}${detail ? `: ${detail}` : ''}${hint}`,
  };
}

async function accountId(session: MastodonSession, cache: AccountIdCache): Promise<string | FindResult> {
  if (cache.accountId) return cache.accountId;
  const what = 'GET /api/v1/accounts/verify_credentials';
  const outcome = await mastodonRequest({
    fetch: session.fetch,
    method: 'GET',
    url: `${session.base}/api/v1/accounts/verify_credentials`,
    token: session.token,
    timeoutMs: session.timeoutMs,
  });
  if (outcome.kind !== 'response' || outcome.status !== 200) return unknownFrom(outcome, what);
  const id = (outcome.json as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '') {
    return { status: 'unknown', error: `Mastodon ${what} answered without an account id` };
  }
  cache.accountId = id;
  return id;
}

/** Look for `part` among the account's latest statuses. Never throws. */
export async function findMastodonStatus(
  session: MastodonSession,
  cache: AccountIdCache,
  part: OutgoingPart,
): Promise<FindResult> {
  const id = await accountId(session, cache);
  if (typeof id !== 'string') return id;
  const what = `GET /api/v1/accounts/${id}/statuses`;
  const outcome = await mastodonRequest({
    fetch: session.fetch,
    method: 'GET',
    url: `${session.base}/api/v1/accounts/${encodeURIComponent(id)}/statuses?limit=${FIND_PAGE_SIZE}`,
    token: session.token,
    timeoutMs: session.timeoutMs,
  });
  if (outcome.kind !== 'response' || outcome.status !== 200) return unknownFrom(outcome, what);
  if (!Array.isArray(outcome.json)) {
    return { status: 'unknown', error: `Mastodon ${what} did not answer with a list of statuses` };
  }
  const parentId = part.parent?.id ?? null;
  const notBefore = part.scheduledAt - FIND_CLOCK_SLACK_MS;
  // The list is newest first; keep the last match, i.e. the oldest copy, should there be several.
  let match: FindResult = { status: 'absent' };
  for (const raw of outcome.json as StatusJson[]) {
    if (typeof raw?.id !== 'string' || typeof raw.content !== 'string') continue;
    if (raw.reblog !== null && raw.reblog !== undefined) continue;
    if ((raw.in_reply_to_id ?? null) !== parentId) continue;
    const createdAt = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) : NaN;
    if (Number.isFinite(createdAt) && createdAt < notBefore) continue;
    if (!contentMatchesText(raw.content, part.text)) continue;
    match = { status: 'found', ref: typeof raw.url === 'string' ? { id: raw.id, url: raw.url } : { id: raw.id } };
  }
  return match;
}
