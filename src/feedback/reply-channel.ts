/**
 * A reply goes out through the publisher's own channels (src/publish/bluesky.ts, mastodon.ts,
 * outbox.ts): this wraps one so every part it sends or reads back is a reply to the customer's
 * post. `OutgoingPart.parent`/`root` become Bluesky's `reply.parent`/`reply.root` (uri + cid) and
 * Mastodon's `in_reply_to_id`; `visibility` is the reply's (a `direct` message gets a `direct`
 * answer). No network code of its own.
 *
 * One gap it closes: Mastodon does not list `direct` statuses in an account's timeline
 * (`GET /api/v1/accounts/:id/statuses` leaves them out, even for the author), so the publisher's
 * read-back would answer "absent" for a direct reply that did go out. Within Mastodon's
 * `Idempotency-Key` window (one hour; https://docs.joinmastodon.org/methods/statuses/#create) a
 * resend with the same key returns the first status, so "absent" is safe to act on for
 * {@link DIRECT_RESEND_WINDOW_MS} after the attempt began; later, the answer is "not certain" and a
 * person looks (nothing is resent).
 */
import type { Channel, FindResult, OutgoingPart, SentRef } from '../publish/channel.ts';
import type { NetworkRef } from './conversation.ts';
import type { MastodonVisibility } from './reply-target.ts';

/** Inside Mastodon's one-hour idempotency window, with margin for clock differences. */
export const DIRECT_RESEND_WINDOW_MS = 45 * 60_000;

export interface ReplyRoute {
  /** The customer's post. */
  parent: NetworkRef;
  /** The thread's root. */
  root: NetworkRef;
  /** Mastodon visibility of this status. */
  visibility: MastodonVisibility;
}

/** The publisher's `SentRef` for a conversation's `NetworkRef` (Bluesky: AT URI + cid). */
export function sentRefOf(ref: NetworkRef): SentRef {
  if (ref.id.startsWith('at://')) return { id: ref.id.split('/').at(-1)!, uri: ref.id, ...(ref.cid ? { cid: ref.cid } : {}), ...(ref.url ? { url: ref.url } : {}) };
  return { id: ref.id, ...(ref.url ? { url: ref.url } : {}) };
}

export function replyChannel(inner: Channel, route: ReplyRoute): Channel {
  const shape = (p: OutgoingPart): OutgoingPart => ({ ...p, parent: sentRefOf(route.parent), root: sentRefOf(route.root), visibility: route.visibility });
  return {
    name: inner.name,
    async find(p) {
      const found: FindResult = await inner.find(shape(p));
      if (found.status === 'absent' && inner.name === 'mastodon' && route.visibility === 'direct' && p.now.getTime() - p.scheduledAt > DIRECT_RESEND_WINDOW_MS) {
        return {
          status: 'unknown',
          error: 'Mastodon does not list direct messages in the account timeline, and the idempotency window of the first attempt has passed, so copydesk cannot tell whether the direct reply went out',
          action: 'Look in the Mastodon account\'s direct messages: if the reply is there, nothing more is needed; if not, write the reply again with a new `/reply` comment.',
        };
      }
      return found;
    },
    send: (p) => inner.send(shape(p)),
  };
}
