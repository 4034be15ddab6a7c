/**
 * What a reply answers and how it goes out, decided from the conversation and the flags. Pure.
 *
 * - It answers the conversation's newest customer message (not one of the team's), and on
 *   Bluesky carries the thread's root and that message as `reply.root`/`reply.parent`
 *   (https://docs.bsky.app/docs/advanced-guides/posts#replies).
 * - On Mastodon it starts with a mention of the customer (`@maria@example.social`), because a
 *   reply without one is not delivered to them, least of all a `direct` one
 *   (https://docs.joinmastodon.org/methods/statuses/#create, `visibility`).
 * - Visibility is never more public than the customer's: a `direct` message gets a `direct`
 *   answer, a followers-only one a followers-only answer (`private`).
 * - `--direct`/`--off-air` need a private channel: Mastodon has `direct`; Bluesky's PDS has no
 *   direct-message API (chat.bsky.* is served by Bluesky's separate chat service, which an app
 *   password cannot use unless granted chat access), so both are refused there.
 */
import type { Conversation, Message, Visibility } from './conversation.ts';
import type { ReplyFlags, ReplyTarget } from './reply-log.ts';

/** The public half of `--off-air`: sent after the direct message went out. */
export const OFF_AIR_PUBLIC_TEXT = "Thank you for telling us. We've sent you a direct message so we can put this right.";

/** Mastodon visibility of one outgoing status. */
export type MastodonVisibility = 'public' | 'unlisted' | 'private' | 'direct';

export type TargetResult = { ok: true; target: ReplyTarget } | { ok: false; message: string };

/** The newest message a customer (not the team) wrote. */
export function lastCustomerMessage(c: Conversation): Message | undefined {
  return [...c.messages].reverse().find((m) => !m.fromTeam);
}

export function replyTarget(c: Conversation, flags: ReplyFlags): TargetResult {
  if (c.network === 'bluesky' && (flags.direct || flags.offAir || c.visibility === 'direct')) {
    return {
      ok: false,
      message:
        'Bluesky has no direct-message API on the PDS copydesk posts to (chats are a separate Bluesky service), so copydesk cannot answer privately there. ' +
        'Write the reply without --direct/--off-air (it is public), or answer in the Bluesky app\'s chat yourself and mark the conversation `/no-reply-needed` with the reason.',
    };
  }
  if (flags.direct && flags.offAir) return { ok: false, message: 'use either --direct (only a private answer) or --off-air (a private answer plus a public "we\'ve sent you a message"), not both.' };
  const m = lastCustomerMessage(c);
  if (!m) return { ok: false, message: 'this conversation has no message from a customer to answer.' };
  if (c.network === 'bluesky' && (!m.ref.cid || !m.ref.id.startsWith('at://'))) return { ok: false, message: 'the customer\'s Bluesky post has no content id (cid) recorded, so a reply cannot point at it; wait for the next collection.' };
  if (flags.offAir && (m.visibility === 'direct' || c.visibility === 'direct')) return { ok: false, message: 'the customer wrote a direct message, so the answer is private already: write `/reply` without --off-air.' };
  const root = c.network === 'bluesky' && c.root.cid && c.root.id.startsWith('at://') ? c.root : m.ref;
  return { ok: true, target: { parent: m.ref, root, handle: m.author.handle, visibility: m.visibility === 'direct' || c.visibility === 'direct' ? 'direct' : m.visibility } };
}

/** The mention Mastodon needs at the start, unless the text already has it. */
export function withMention(text: string, handle: string): string {
  const mention = `@${handle.replace(/^@/, '')}`;
  const re = new RegExp(`(^|\\s)${mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$|[.,;:!?])`, 'i');
  return re.test(text) ? text : `${mention} ${text}`;
}

/** Mastodon visibility of the answer: never more public than the customer's message or the account's default. */
export function answerVisibility(customer: Visibility, accountDefault: MastodonVisibility, forceDirect: boolean): MastodonVisibility {
  if (forceDirect || customer === 'direct') return 'direct';
  const order: MastodonVisibility[] = ['public', 'unlisted', 'private', 'direct'];
  const theirs: MastodonVisibility = customer === 'followers' ? 'private' : customer;
  return order[Math.max(order.indexOf(theirs), order.indexOf(accountDefault))]!;
}

/** One status to send for a reply: the public note of `--off-air`, or the reply itself. */
export interface OutgoingReply {
  /** `direct` for the private half, `public` for the rest (whatever its Mastodon visibility). */
  role: 'public' | 'direct';
  /** The text as published (mention included on Mastodon). */
  text: string;
  /** Mastodon visibility (ignored on Bluesky, where every post is public). */
  visibility: MastodonVisibility;
}

/** What goes out, in order (the direct message before the public note that says it was sent). */
export function outgoingReplies(network: Conversation['network'], text: string, flags: ReplyFlags, target: ReplyTarget, accountDefault: MastodonVisibility): OutgoingReply[] {
  if (network === 'bluesky') return [{ role: 'public', text, visibility: 'public' }];
  const direct = withMention(text, target.handle);
  if (flags.offAir) {
    return [
      { role: 'direct', text: direct, visibility: 'direct' },
      { role: 'public', text: withMention(OFF_AIR_PUBLIC_TEXT, target.handle), visibility: answerVisibility(target.visibility, accountDefault, false) },
    ];
  }
  const vis = answerVisibility(target.visibility, accountDefault, flags.direct);
  return [{ role: vis === 'direct' ? 'direct' : 'public', text: direct, visibility: vis }];
}
