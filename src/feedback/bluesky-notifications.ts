/**
 * The Bluesky reader of the feedback inbox. Read only: never `updateSeen`, never a mute or delete.
 * It logs in once per run, on first use (createSession is rate limited: 30 per 5 minutes, 300 a
 * day per account, https://docs.bsky.app/docs/advanced-guides/rate-limits; one collect per tick
 * is 32 a day), the same lazy, once-per-process session as the publisher's channel (bluesky.ts).
 *
 * - New mentions, replies and quotes: `app.bsky.notification.listNotifications` with
 *   `reasons: [mention, reply, quote]` (https://docs.bsky.app/docs/api/app-bsky-notification-list-notifications).
 *   It pages from the newest backwards; its `cursor` only goes further back, so the stored cursor
 *   (`feedback/cursor/bluesky.json`) is the `indexedAt` of the newest notification taken in: we page
 *   back until we pass it (or `maxPages`), and take everything at or after it (`seen` drops the
 *   ones already there). Without a stored cursor, only the newest page is read.
 * - Text, language and the thread refs come from the notification's `record` (the
 *   `app.bsky.feed.post` itself): `reply.root` is the conversation, `reply.parent` what it answers;
 *   a mention or quote that replies to nothing starts its own conversation.
 * - The team's reply: `app.bsky.feed.getPostThread` on the conversation's root, looking for a post
 *   by the team's DID whose `reply.parent` is one of the customer's messages.
 * - Filters: `app.bsky.notification.getPreferences` (notification-filters.ts).
 *
 * Everything a stranger wrote is data: a record that does not have the documented shape is taken
 * with what is valid in it (no text: empty text; a malformed reply ref: its own conversation), and
 * a `createdAt` later than when the AppView indexed it (a skewed or lying client) is clamped to
 * `indexedAt`.
 */
import { AtpAgent } from '@atproto/api';
import { describeXrpcError } from '../publish/bluesky-outcome.ts';
import type { XrpcProblem } from '../publish/bluesky-outcome.ts';
import type { Author, Conversation, Message, NetworkRef, Reason } from './conversation.ts';
import type { FeedbackReader, FetchedMessage, FiltersResult, ReadResult, TeamReplyResult } from './feedback-reader.ts';
import { MAX_TEXT } from './html-text.ts';
import { blueskyPreferenceWarnings } from './notification-filters.ts';

export interface BlueskyReaderOptions {
  /** PDS or entryway, e.g. `https://bsky.social` (app.bsky calls are proxied to the AppView). */
  service: string;
  /** Handle, DID or e-mail of the team's account. */
  identifier: string;
  /** App password. Never shown. */
  password: string;
  fetch?: typeof fetch;
  /** Receives each session token the moment it exists, to mask and redact it. */
  onSecret?: (value: string) => void;
  /** Pages of `pageSize` read per run at most (default 10). */
  maxPages?: number;
  /** Notifications per page (default 50; the lexicon allows 1–100). */
  pageSize?: number;
  /** How deep getPostThread looks for the team's reply (default 20). */
  threadDepth?: number;
}

const REASONS: Reason[] = ['mention', 'reply', 'quote'];

interface StrongRef { uri: string; cid: string }

const isStr = (v: unknown): v is string => typeof v === 'string' && v !== '';
function strongRef(v: unknown): StrongRef | undefined {
  const r = v as { uri?: unknown; cid?: unknown } | undefined;
  return r && typeof r === 'object' && isStr(r.uri) && r.uri.startsWith('at://') && isStr(r.cid) ? { uri: r.uri, cid: r.cid } : undefined;
}

/** `at://did/app.bsky.feed.post/rkey` → its bsky.app address. */
export function postUrl(uri: string): string | undefined {
  const m = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(uri);
  return m ? `https://bsky.app/profile/${m[1]}/post/${m[2]}` : undefined;
}

const refOf = (r: StrongRef): NetworkRef => ({ id: r.uri, cid: r.cid, ...(postUrl(r.uri) ? { url: postUrl(r.uri)! } : {}) });

interface ProfileLike { did?: unknown; handle?: unknown; displayName?: unknown; createdAt?: unknown }
function authorOf(p: ProfileLike): Author | undefined {
  if (!isStr(p.did) || !isStr(p.handle)) return undefined;
  const created = isStr(p.createdAt) ? Date.parse(p.createdAt) : NaN;
  return {
    handle: p.handle,
    ...(isStr(p.displayName) ? { name: p.displayName } : {}),
    accountId: p.did,
    url: `https://bsky.app/profile/${p.handle}`,
    ...(Number.isFinite(created) ? { createdAt: created } : {}),
  };
}

/** One listNotifications entry → a fetched message, or undefined when it is not a usable post. */
export function fromNotification(n: { uri?: unknown; cid?: unknown; reason?: unknown; record?: unknown; author?: unknown; indexedAt?: unknown }): FetchedMessage | undefined {
  if (!REASONS.includes(n.reason as Reason)) return undefined;
  const self = strongRef({ uri: n.uri, cid: n.cid });
  const author = authorOf((n.author ?? {}) as ProfileLike);
  const indexed = isStr(n.indexedAt) ? Date.parse(n.indexedAt) : NaN;
  if (!self || !author || !Number.isFinite(indexed)) return undefined;
  const record = (n.record && typeof n.record === 'object' ? n.record : {}) as { text?: unknown; createdAt?: unknown; langs?: unknown; reply?: { root?: unknown; parent?: unknown } };
  const root = strongRef(record.reply?.root);
  const parent = strongRef(record.reply?.parent);
  const claimed = isStr(record.createdAt) ? Date.parse(record.createdAt) : NaN;
  const text = typeof record.text === 'string' ? record.text : '';
  const lang = Array.isArray(record.langs) && isStr(record.langs[0]) ? record.langs[0] : undefined;
  const message: Omit<Message, 'seenAt'> = {
    // The notification's URI is the post's: a post that both replies and mentions is one message.
    notificationId: self.uri,
    ref: refOf(self),
    ...(root && parent ? { parent: refOf(parent) } : {}),
    author,
    text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text,
    createdAt: Number.isFinite(claimed) ? Math.min(claimed, indexed) : indexed,
    reason: n.reason as Reason,
    visibility: 'public',
    ...(lang ? { lang } : {}),
  };
  return { root: root && parent ? refOf(root) : refOf(self), message };
}

type Session = { ok: true; agent: AtpAgent; did: string } | { ok: false; error: string };

export function createBlueskyReader(opts: BlueskyReaderOptions): FeedbackReader {
  const maxPages = opts.maxPages ?? 10;
  const pageSize = opts.pageSize ?? 50;
  let session: Promise<Session> | undefined;
  const problem = (err: unknown, what: string): XrpcProblem => describeXrpcError(err, what, opts.identifier, [opts.password]);
  const text = (p: XrpcProblem) => `Bluesky ${p.kind === 'auth' ? `${p.error}. ${p.action}` : p.error}`;

  function login(): Promise<Session> {
    session ??= (async (): Promise<Session> => {
      try {
        const agent = new AtpAgent({
          service: opts.service,
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
          persistSession: (_evt, s) => {
            if (s) for (const jwt of [s.accessJwt, s.refreshJwt]) opts.onSecret?.(jwt);
          },
        });
        const res = await agent.login({ identifier: opts.identifier, password: opts.password });
        return { ok: true, agent, did: res.data.did };
      } catch (err) {
        return { ok: false, error: text(problem(err, 'login (createSession)')) };
      }
    })();
    return session;
  }

  return {
    network: 'bluesky',
    // ISO 8601 UTC timestamps of one server compare as strings; parse to be safe across formats.
    compareCursors: (a, b) => (Date.parse(a) || 0) - (Date.parse(b) || 0),

    async read(cursor): Promise<ReadResult> {
      const s = await login();
      if (!s.ok) return s;
      const since = cursor !== undefined ? Date.parse(cursor) : NaN;
      const items: FetchedMessage[] = [];
      let newest: string | undefined;
      let page: string | undefined;
      for (let i = 0; i < maxPages; i++) {
        let data;
        try {
          data = (await s.agent.app.bsky.notification.listNotifications({ reasons: REASONS, limit: pageSize, ...(page ? { cursor: page } : {}) })).data;
        } catch (err) {
          if (items.length === 0 && newest === undefined) return { ok: false, error: text(problem(err, 'listNotifications')) };
          // Pages are newest first: what we have is the newest part, the older rest is still unread.
          return { ok: true, items: items.reverse(), truncated: true };
        }
        let passed = false;
        for (const n of data.notifications) {
          const at = Date.parse(n.indexedAt);
          if (newest === undefined || at > Date.parse(newest)) newest = n.indexedAt;
          if (Number.isFinite(since) && at < since) {
            passed = true;
            continue;
          }
          const m = fromNotification(n);
          if (m) items.push(m);
        }
        if (passed || !Number.isFinite(since) || !data.cursor || data.notifications.length === 0) {
          return { ok: true, items: items.reverse(), ...(newest ? { cursor: newest } : {}), truncated: false };
        }
        page = data.cursor;
      }
      return { ok: true, items: items.reverse(), ...(newest ? { cursor: newest } : {}), truncated: true };
    },

    async teamReply(conversation: Conversation): Promise<TeamReplyResult> {
      const s = await login();
      if (!s.ok) return s;
      let thread: unknown;
      try {
        thread = (await s.agent.app.bsky.feed.getPostThread({ uri: conversation.root.id, depth: opts.threadDepth ?? 20, parentHeight: 0 })).data.thread;
      } catch (err) {
        const p = problem(err, 'getPostThread');
        // The root was deleted: no reply can be found under it (a person can still mark it).
        if (p.kind === 'not-found' || /NotFound/.test(p.error)) return { ok: true };
        return { ok: false, error: text(p) };
      }
      const customer = new Set(conversation.messages.filter((m) => !m.fromTeam).map((m) => m.ref.id));
      const after = conversation.answered?.at ?? -Infinity;
      let best: { ref: NetworkRef; at: number } | undefined;
      const walk = (node: unknown) => {
        const n = node as { post?: { uri?: unknown; cid?: unknown; author?: { did?: unknown }; record?: { reply?: { parent?: unknown }; createdAt?: unknown }; indexedAt?: unknown }; replies?: unknown[] };
        if (!n || typeof n !== 'object') return;
        const post = n.post;
        const self = post ? strongRef({ uri: post.uri, cid: post.cid }) : undefined;
        const parent = strongRef(post?.record?.reply?.parent);
        if (self && post?.author?.did === s.did && parent && customer.has(parent.uri)) {
          const at = Date.parse(String(post.indexedAt ?? post.record?.createdAt ?? ''));
          const t = Number.isFinite(at) ? at : 0;
          // A reopened conversation is answered only by a reply after its previous answer.
          if (t > after && (!best || t < best.at)) best = { ref: refOf(self), at: t };
        }
        for (const r of Array.isArray(n.replies) ? n.replies : []) walk(r);
      };
      walk(thread);
      return best ? { ok: true, reply: best } : { ok: true };
    },

    async filters(): Promise<FiltersResult> {
      const s = await login();
      if (!s.ok) return s;
      try {
        const res = await s.agent.app.bsky.notification.getPreferences({});
        return { ok: true, warnings: blueskyPreferenceWarnings(res.data.preferences) };
      } catch (err) {
        return { ok: false, error: text(problem(err, 'notification getPreferences')) };
      }
    },
  };
}
