/**
 * What the collector needs from one network, behind one interface (as `Channel` is for publishing):
 * new notifications since a cursor, whether the team already replied in a conversation, and the
 * account's notification filters. Readers only ever read: nothing here deletes, hides, mutes or
 * marks anything as seen on a network (no `updateSeen`, no dismiss).
 */
import type { Conversation, FeedbackNetwork, Message, NetworkRef } from './conversation.ts';
import type { FilterWarning } from './notification-filters.ts';

/** One notification as read from the network, before the collector takes it in. */
export interface FetchedMessage {
  /** The first post of its thread: the conversation it belongs to. */
  root: NetworkRef;
  /** The message (without `seenAt`, which the collector sets). */
  message: Omit<Message, 'seenAt'>;
}

/** What one read of the notifications gave. */
export type ReadResult =
  | {
      ok: true;
      /** New messages, oldest first (may include ones already taken in: the collector ignores those). */
      items: FetchedMessage[];
      /** Where the next read starts; absent when nothing was read. */
      cursor?: string;
      /** The read stopped at its bound (pages, calls): more is waiting for the next run. */
      truncated: boolean;
    }
  | { ok: false; error: string };

/** The team's own reply to a customer, found on the network. */
export interface TeamReply {
  /** The team's post. */
  ref: NetworkRef;
  /** When it was written (epoch ms). */
  at: number;
}

export type TeamReplyResult = { ok: true; reply?: TeamReply } | { ok: false; error: string };

export type FiltersResult = { ok: true; warnings: FilterWarning[] } | { ok: false; error: string };

export interface FeedbackReader {
  readonly network: FeedbackNetwork;
  /** Notifications after `cursor` (undefined: the newest page only), oldest first, bounded. */
  read(cursor: string | undefined): Promise<ReadResult>;
  /** Positive when cursor `a` is further on than `b` (cursors only move forward). */
  compareCursors(a: string, b: string): number;
  /**
   * Where to start when the stored cursor is missing or damaged, from the notification ids already
   * taken in (`seen`), when the network's ids are ordered (Mastodon); undefined: the newest page.
   */
  cursorFromSeen?(notificationIds: readonly string[]): string | undefined;
  /** Did the team's account reply, on the network, to a customer message of this conversation? */
  teamReply(conversation: Conversation): Promise<TeamReplyResult>;
  /** The account's notification filters that would hide or drop customers. */
  filters(): Promise<FiltersResult>;
}
