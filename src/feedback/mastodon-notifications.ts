/**
 * The Mastodon reader of the feedback inbox. Read only; every request is a GET with the account's
 * token (scopes `read:notifications read:statuses read:accounts`).
 *
 * - New mentions: `GET /api/v1/notifications?types[]=mention&include_filtered=true&limit=40&min_id=<stored>`
 *   (https://docs.joinmastodon.org/methods/notifications/#get). With `min_id` Mastodon answers the
 *   page immediately after it; the `Link` header's `rel="prev"` names the next newer page
 *   (https://docs.joinmastodon.org/api/guidelines/#pagination). We follow it page by page, oldest
 *   first, until an empty page or `MAX_PAGES`; only the link's `min_id` is taken, and the request is
 *   rebuilt on our own instance, so a Link header can never send the token elsewhere. Without a
 *   stored id (first run, lost cursor) only the newest page is read.
 *   `include_filtered=true` also returns what the notification policy filtered (4.3+).
 * - The thread root of a reply: `GET /api/v1/statuses/:id/context` → `ancestors[0]`
 *   (https://docs.joinmastodon.org/methods/statuses/#context), at most `MAX_CONTEXT` per read.
 * - The team's reply: the same context call on the conversation's root, `descendants` by the
 *   team's account (`GET /api/v1/accounts/verify_credentials`, once) replying to a customer message.
 * - Filters: `GET /api/v2/notifications/policy` (https://docs.joinmastodon.org/methods/notifications/#get-policy);
 *   404 on servers before 4.3, which have no policy.
 *
 * Visibility: `public`, `unlisted`, `private` (→ `followers`), `direct`; anything else is taken as
 * `direct`, so an unknown kind is never answered in public.
 */
import { mastodonErrorText, mastodonRequest } from '../publish/mastodon-http.ts';
import type { MastodonHttpOutcome } from '../publish/mastodon-http.ts';
import type { Author, Conversation, Message, NetworkRef, Visibility } from './conversation.ts';
import type { FeedbackReader, FetchedMessage, FiltersResult, ReadResult, TeamReplyResult } from './feedback-reader.ts';
import { htmlToText } from './html-text.ts';
import { mastodonPolicyWarnings } from './notification-filters.ts';

export interface MastodonReaderOptions {
  /** Instance base URL, e.g. `https://mastodon.social`. */
  instance: string;
  /** Access token. Never shown. */
  token: string;
  fetch?: typeof fetch;
  /** Per request (default 20 000 ms). */
  timeoutMs?: number;
  /** Pages of 40 read per run at most (default 10). */
  maxPages?: number;
  /** Context calls (thread roots) per read at most (default 40). */
  maxContextCalls?: number;
}

const PAGE = 40;

interface MAccount { id: string; acct: string; username?: string; display_name?: string; url?: string; created_at?: string }
interface MStatus {
  id: string; url?: string | null; uri?: string; content?: string; visibility?: string; in_reply_to_id?: string | null;
  in_reply_to_account_id?: string | null; created_at?: string; language?: string | null; account?: MAccount;
}
interface MNotification { id: string; type: string; created_at?: string; account?: MAccount; status?: MStatus | null; filtered?: boolean }

const VISIBILITY: Record<string, Visibility> = { public: 'public', unlisted: 'unlisted', private: 'followers', direct: 'direct' };

/** Mastodon ids are numeric strings (snowflakes); compare them as numbers. */
export function compareMastodonIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x > y ? 1 : x < y ? -1 : 0;
  }
  return a.length - b.length || (a > b ? 1 : a < b ? -1 : 0);
}

/** `min_id` of the `rel="prev"` link, if any. */
function prevMinId(link: string | null): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?prev"?/.exec(part);
    if (!m) continue;
    try {
      return new URL(m[1]!).searchParams.get('min_id') ?? undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';

export function createMastodonReader(opts: MastodonReaderOptions): FeedbackReader {
  const base = opts.instance.replace(/\/+$/, '');
  const host = (() => {
    try {
      return new URL(base).host;
    } catch {
      return base;
    }
  })();
  const f = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const maxPages = opts.maxPages ?? 10;
  const maxContext = opts.maxContextCalls ?? 40;
  let me: Promise<{ ok: true; id: string } | { ok: false; error: string }> | undefined;

  const get = (path: string): Promise<MastodonHttpOutcome> => mastodonRequest({ fetch: f, method: 'GET', url: `${base}${path}`, token: opts.token, timeoutMs });

  function problem(out: MastodonHttpOutcome, what: string): string {
    if (out.kind !== 'response') return `Mastodon ${what}: no answer from ${host} (${out.error})`;
    if (out.status === 401 || out.status === 403) {
      return `Mastodon ${what}: the token was refused (HTTP ${out.status}); give MASTODON_TOKEN the scopes read:notifications, read:statuses and read:accounts`;
    }
    return `Mastodon ${what}: HTTP ${out.status}${mastodonErrorText(out.json) ? ` (${mastodonErrorText(out.json)})` : ''}`;
  }

  function account(): Promise<{ ok: true; id: string } | { ok: false; error: string }> {
    me ??= (async () => {
      const out = await get('/api/v1/accounts/verify_credentials');
      if (out.kind === 'response' && out.status === 200 && isStr((out.json as MAccount | undefined)?.id)) return { ok: true as const, id: (out.json as MAccount).id };
      me = undefined; // not cached: the next call may succeed
      return { ok: false as const, error: problem(out, 'verify_credentials') };
    })();
    return me;
  }

  async function context(id: string): Promise<{ ok: true; ancestors: MStatus[]; descendants: MStatus[] } | { ok: false; error: string }> {
    const out = await get(`/api/v1/statuses/${encodeURIComponent(id)}/context`);
    if (out.kind === 'response' && out.status === 200 && out.json && typeof out.json === 'object') {
      const j = out.json as { ancestors?: unknown; descendants?: unknown };
      const list = (v: unknown) => (Array.isArray(v) ? (v as MStatus[]).filter((s) => s && isStr(s.id)) : []);
      return { ok: true, ancestors: list(j.ancestors), descendants: list(j.descendants) };
    }
    return { ok: false, error: problem(out, `context of status ${id}`) };
  }

  const ref = (s: MStatus): NetworkRef => ({ id: s.id, ...(isStr(s.url) ? { url: s.url } : isStr(s.uri) ? { url: s.uri } : {}) });

  function author(a: MAccount): Author {
    const created = a.created_at ? Date.parse(a.created_at) : NaN;
    return {
      handle: a.acct.includes('@') ? a.acct : `${a.acct}@${host}`,
      ...(isStr(a.display_name) ? { name: a.display_name } : {}),
      accountId: a.id,
      ...(isStr(a.url) ? { url: a.url } : {}),
      ...(Number.isFinite(created) ? { createdAt: created } : {}),
    };
  }

  return {
    network: 'mastodon',
    compareCursors: compareMastodonIds,
    // Notification ids grow: the largest one taken in is exactly where the lost cursor was (or before it).
    cursorFromSeen: (ids) => ids.filter((id) => /^\d+$/.test(id)).reduce<string | undefined>((max, id) => (max === undefined || compareMastodonIds(id, max) > 0 ? id : max), undefined),

    async read(cursor): Promise<ReadResult> {
      const who = await account();
      if (!who.ok) return who;
      const items: FetchedMessage[] = [];
      let newest: string | undefined;
      let minId = cursor;
      let contextCalls = 0;
      const ancestorsCache = new Map<string, string>();
      for (let page = 0; page < maxPages; page++) {
        const q = new URLSearchParams();
        q.append('types[]', 'mention');
        q.set('include_filtered', 'true');
        q.set('limit', String(PAGE));
        if (minId !== undefined) q.set('min_id', minId);
        const out = await get(`/api/v1/notifications?${q}`);
        if (out.kind !== 'response' || out.status !== 200 || !Array.isArray(out.json)) {
          // What was read so far is kept; the cursor stops at it and the next run goes on from there.
          if (items.length === 0) return { ok: false, error: problem(out, 'notifications') };
          return { ok: true, items, ...(newest ? { cursor: newest } : {}), truncated: true };
        }
        const list = (out.json as MNotification[]).filter((n) => n && isStr(n.id)).sort((a, b) => compareMastodonIds(a.id, b.id));
        if (list.length === 0) return { ok: true, items, ...(newest ? { cursor: newest } : {}), truncated: false };
        for (const n of list) {
          const s = n.status;
          if (n.type === 'mention' && s && isStr(s.id) && s.account && isStr(s.account.id) && isStr(s.account.acct)) {
            let rootId = s.id;
            if (isStr(s.in_reply_to_id)) {
              const cached = ancestorsCache.get(s.in_reply_to_id);
              if (cached) rootId = cached;
              else {
                if (contextCalls >= maxContext) return { ok: true, items, ...(newest ? { cursor: newest } : {}), truncated: true };
                contextCalls += 1;
                const ctx = await context(s.id);
                if (!ctx.ok) return items.length ? { ok: true, items, ...(newest ? { cursor: newest } : {}), truncated: true } : ctx;
                rootId = ctx.ancestors[0]?.id ?? s.in_reply_to_id;
                ancestorsCache.set(s.id, rootId);
              }
              ancestorsCache.set(s.id, rootId);
            }
            const created = Date.parse(s.created_at ?? n.created_at ?? '');
            const message: Omit<Message, 'seenAt'> = {
              notificationId: n.id,
              ref: ref(s),
              ...(isStr(s.in_reply_to_id) ? { parent: { id: s.in_reply_to_id } } : {}),
              author: author(s.account),
              text: htmlToText(typeof s.content === 'string' ? s.content : ''),
              createdAt: Number.isFinite(created) ? created : 0,
              reason: isStr(s.in_reply_to_id) && s.in_reply_to_account_id === who.id ? 'reply' : 'mention',
              visibility: VISIBILITY[s.visibility ?? ''] ?? 'direct',
              ...(isStr(s.language) ? { lang: s.language } : {}),
              ...(n.filtered === true ? { filtered: true } : {}),
            };
            items.push({ root: rootId === s.id ? ref(s) : { id: rootId }, message });
          }
          newest = n.id;
        }
        if (cursor === undefined) return { ok: true, items, cursor: newest!, truncated: false };
        // The next newer page: the prev link's min_id, or the newest id of this page.
        minId = prevMinId(out.headers.get('link')) ?? newest;
      }
      return { ok: true, items, ...(newest ? { cursor: newest } : {}), truncated: true };
    },

    async teamReply(conversation: Conversation): Promise<TeamReplyResult> {
      const who = await account();
      if (!who.ok) return who;
      const ctx = await context(conversation.root.id);
      if (!ctx.ok) return ctx;
      const customer = new Set(conversation.messages.filter((m) => !m.fromTeam).map((m) => m.ref.id));
      // A reopened conversation is answered only by a reply after its previous answer.
      const after = conversation.answered?.at ?? -Infinity;
      const timeOf = (s: { created_at?: string }) => {
        const at = Date.parse(s.created_at ?? '');
        return Number.isFinite(at) ? at : 0;
      };
      const reply = ctx.descendants
        .filter((s) => s.account?.id === who.id && isStr(s.in_reply_to_id) && customer.has(s.in_reply_to_id) && timeOf(s) > after)
        .sort((a, b) => compareMastodonIds(a.id, b.id))[0];
      if (!reply) return { ok: true };
      return { ok: true, reply: { ref: ref(reply), at: timeOf(reply) } };
    },

    async filters(): Promise<FiltersResult> {
      const out = await get('/api/v2/notifications/policy');
      if (out.kind === 'response' && out.status === 404) return { ok: true, warnings: [] };
      if (out.kind === 'response' && out.status === 200) return { ok: true, warnings: mastodonPolicyWarnings(out.json) };
      return { ok: false, error: problem(out, 'notification policy') };
    },
  };
}
