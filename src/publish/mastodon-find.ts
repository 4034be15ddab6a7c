/**
 * Read back whether a part is already on the account.
 *
 * Why a read-back and not only the `Idempotency-Key`: Mastodon remembers a key for about one hour
 * (https://docs.joinmastodon.org/methods/statuses/#create, "Idempotency keys are stored for up to
 * 1 hour"). A run that crashed, timed out or was frozen for longer than that would post a second
 * copy if it trusted the key alone, so before any resend the publisher asks this function.
 *
 * It compares the account's statuses (`GET /api/v1/accounts/:id/statuses?limit=40`,
 * https://docs.joinmastodon.org/methods/accounts/#statuses) with the part: same text (HTML of
 * `content` turned back to plain text), same `in_reply_to_id`, and created no earlier than a little
 * before the part's scheduled time, so last week's identical "we're open today" post is not taken
 * for today's.
 *
 * One page is not enough: the read-back may come hours after the attempt (after the key's window),
 * and a busy account may have posted 40 statuses since. So it pages back through the timeline by
 * the `Link` header's `rel="next"` (https://docs.joinmastodon.org/api/guidelines/#pagination: "the
 * client app should always paginate based on the Link header") until the part is found, the
 * timeline is older than the attempt (absent), or it ends (absent). When it cannot be certain (an
 * error mid-way: try again next run; {@link FIND_MAX_PAGES} pages without reaching the attempt's
 * time, or a next link to another host: a person must look) it answers `unknown`, never `absent`.
 */
import type { FindResult, OutgoingPart } from './channel.ts';
import type { MastodonHttpOutcome } from './mastodon-http.ts';
import { mastodonErrorText, mastodonRequest } from './mastodon-http.ts';
import { MASTODON_TOKEN_SECRET, TOKEN_ACTION } from './mastodon-outcome.ts';
import type { MastodonSession } from './mastodon-session.ts';
import { contentMatchesText } from './mastodon-text.ts';

/** Statuses read per page: the documented maximum page size. */
export const FIND_PAGE_SIZE = 40;

/** Most pages read back (400 statuses) before the answer counts as not certain. */
export const FIND_MAX_PAGES = 10;

/** What a person does when the read-back could not be certain; `copydesk publish --retry` is their answer. */
export const UNCERTAIN_ACTION =
  'Look at the Mastodon account: if this part is there, nothing more is needed (it stays held; reschedule the rest as a new post if you want it out). ' +
  'If it is not there, run `copydesk publish --retry <post id>` to send it.';

/** The `rel="next"` URL of a `Link` header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(?:^|;)\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(m[2]!)) return m[1];
  }
  return undefined;
}

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
  const error = `Mastodon ${what} answered HTTP ${outcome.status}${detail ? `: ${detail}` : ''}${hint}`;
  return outcome.status === 401 || outcome.status === 403 ? { status: 'unknown', error, action: TOKEN_ACTION, credential: true } : { status: 'unknown', error };
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

/** Look for `part` in the account's timeline, back to the time of the attempt. Never throws. */
export async function findMastodonStatus(
  session: MastodonSession,
  cache: AccountIdCache,
  part: OutgoingPart,
  maxPages: number = FIND_MAX_PAGES,
): Promise<FindResult> {
  const id = await accountId(session, cache);
  if (typeof id !== 'string') return id;
  const what = `GET /api/v1/accounts/${id}/statuses`;
  const parentId = part.parent?.id ?? null;
  const notBefore = part.scheduledAt - FIND_CLOCK_SLACK_MS;
  const origin = new URL(session.base).origin;
  let url = `${session.base}/api/v1/accounts/${encodeURIComponent(id)}/statuses?limit=${FIND_PAGE_SIZE}`;
  // The timeline is newest first; keep the last match, i.e. the oldest copy, should there be several.
  let match: FindResult | undefined;
  for (let page = 1; ; page++) {
    const outcome = await mastodonRequest({ fetch: session.fetch, method: 'GET', url, token: session.token, timeoutMs: session.timeoutMs });
    if (outcome.kind !== 'response' || outcome.status !== 200) return unknownFrom(outcome, what);
    if (!Array.isArray(outcome.json)) {
      return { status: 'unknown', error: `Mastodon ${what} did not answer with a list of statuses` };
    }
    let older = false;
    for (const raw of outcome.json as StatusJson[]) {
      if (typeof raw?.id !== 'string' || typeof raw.content !== 'string') continue;
      const createdAt = typeof raw.created_at === 'string' ? Date.parse(raw.created_at) : NaN;
      if (Number.isFinite(createdAt) && createdAt < notBefore) {
        older = true;
        continue;
      }
      if (raw.reblog !== null && raw.reblog !== undefined) continue;
      if ((raw.in_reply_to_id ?? null) !== parentId) continue;
      if (!contentMatchesText(raw.content, part.text)) continue;
      match = { status: 'found', ref: typeof raw.url === 'string' ? { id: raw.id, url: raw.url } : { id: raw.id } };
    }
    // Found, reached statuses older than the attempt, or the end of the timeline: certain.
    if (match) return match;
    if (older) return { status: 'absent' };
    const next = nextLink(outcome.headers.get('link'));
    if (!next || outcome.json.length === 0) return { status: 'absent' };
    let nextUrl: URL;
    try {
      nextUrl = new URL(next, session.base);
    } catch {
      return { status: 'unknown', error: `Mastodon ${what} sent a next-page link that is not a URL`, action: UNCERTAIN_ACTION };
    }
    // The token goes only to the instance: a next link elsewhere is not followed.
    if (nextUrl.origin !== origin) {
      return { status: 'unknown', error: `Mastodon ${what} sent a next-page link to another host (${nextUrl.origin}); not followed`, action: UNCERTAIN_ACTION };
    }
    if (page >= maxPages) {
      return {
        status: 'unknown',
        error: `read back ${page * FIND_PAGE_SIZE} statuses of the account without reaching the time of the attempt (${new Date(part.scheduledAt).toISOString()}); the part may be further back`,
        action: UNCERTAIN_ACTION,
      };
    }
    url = nextUrl.href;
  }
}
