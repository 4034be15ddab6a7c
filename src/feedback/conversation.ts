/**
 * The feedback inbox's one model: what customers said to the team on a network, grouped into
 * conversations (one per thread), with a tone, a response clock and whether it was answered.
 * The collector (`collect-*.ts`) writes it, the triage (tone, clock, the GitHub issue) and the
 * replies read it, and the site shows it: every part of the inbox speaks this type.
 *
 * Where it lives on the state store (the same branch as the publisher's ledger):
 * - `feedback/seen/<network>.jsonl`: one line per notification ever taken in (`SeenLine`),
 *   appended only. The key of idempotency: a notification id seen there never makes a second
 *   entry, whatever runs overlap or crash.
 * - `feedback/cursor/<network>.json`: where the next collection starts (`Cursor`). Only ever an
 *   optimisation: losing it re-reads notifications, which `seen` then ignores.
 * - `feedback/conversations/<conversation id, path-safe>.json`: one `Conversation`.
 * - `feedback/events.jsonl`: what people did (tone overrides, "no reply needed", replies approved
 *   and sent), appended only: the inbox's part of the timeline.
 *
 * Nothing here deletes, hides or mutes anything on a network: copydesk only reads and answers.
 */
import type { Network } from '../post/network.ts';

/** The networks the inbox reads: the ones copydesk can also answer on. */
export type FeedbackNetwork = Extract<Network, 'bluesky' | 'mastodon'>;

/**
 * Who can see a customer's message, in one vocabulary for both networks. Bluesky posts are all
 * `public`; Mastodon's `private` (followers only) is `followers`. A `direct` message is private:
 * it gets a private answer, never a public one.
 */
export type Visibility = 'public' | 'unlisted' | 'followers' | 'direct';

/** A post on a network, enough to link to it and to reply to it. */
export interface NetworkRef {
  /** Mastodon status id; Bluesky AT URI (`at://did/app.bsky.feed.post/rkey`). */
  id: string;
  /** Bluesky content id (a reply needs uri + cid of its parent and root). */
  cid?: string;
  /** Public web address, for people (`https://bsky.app/profile/…/post/…`, the status URL). */
  url?: string;
}

/** The customer who wrote. */
export interface Author {
  /** Handle as the network shows it (`maria.bsky.social`, `maria@example.social`). */
  handle: string;
  /** Display name, when set. */
  name?: string;
  /** Stable account id: Bluesky DID, Mastodon account id. */
  accountId: string;
  /** Profile address, for people. */
  url?: string;
  /** When the account was created (epoch ms), when the network tells: new accounts are often hidden by filters. */
  createdAt?: number;
}

/** Why the network notified the team. */
export type Reason = 'mention' | 'reply' | 'quote';

/** One thing a customer (or, for `fromTeam`, the team) wrote in a conversation. */
export interface Message {
  /** The network's notification id (Mastodon notification id, Bluesky notification URI). */
  notificationId: string;
  /** The post itself. */
  ref: NetworkRef;
  /** The post it answers, when it is a reply (for Bluesky its uri + cid). */
  parent?: NetworkRef;
  author: Author;
  /** Plain text as the network gave it (Mastodon's HTML turned into text). */
  text: string;
  /** When the customer wrote it (epoch ms). */
  createdAt: number;
  /** When copydesk first took it in (epoch ms). */
  seenAt: number;
  reason: Reason;
  visibility: Visibility;
  /** BCP 47 language when the network says (Bluesky `langs`, Mastodon `language`). */
  lang?: string;
  /** The network's filters would have hidden it (Mastodon `include_filtered`, Bluesky "follows only"). */
  filtered?: boolean;
  /** Written by the team's own account (a reply seen on the network): it answers the conversation. */
  fromTeam?: boolean;
}

/** How a conversation reads, most urgent first. */
export type ToneLevel = 'urgent' | 'negative' | 'neutral' | 'positive';

export interface Tone {
  level: ToneLevel;
  /** Sentiment score of the customer's words (negative below 0), when a scorer ran. */
  score?: number;
  /** What decided it: urgent terms found ("food poisoning"), or the scorer's words. */
  because: string[];
  /** A person set the tone (`level` is theirs): who, when (epoch ms), why. */
  override?: { by: string; at: number; reason?: string };
}

/** Where a conversation stands. */
export type ConversationStatus =
  /** Waiting for the team's first answer. */
  | 'open'
  /** The team replied on the network (`answered.by` says how). */
  | 'answered'
  /** A person decided no answer is needed (abuse, spam), with a reason. */
  | 'no-reply-needed';

export interface Conversation {
  /** Stable id: `<network>:<thread root id>` (see `conversationId`). */
  id: string;
  network: FeedbackNetwork;
  /** The first post of the thread (the team's post the customer answered, or the customer's mention). */
  root: NetworkRef;
  /** Customer (and team) messages, oldest first; one per notification, never duplicated. */
  messages: Message[];
  /** Visibility of the conversation: the most private of its customer messages. */
  visibility: Visibility;
  /** When the first customer message was seen (epoch ms): the response clock starts here. */
  openedAt: number;
  tone: Tone;
  status: ConversationStatus;
  /** First answer: when (epoch ms), and by what (a team reply seen on the network, or a copydesk reply id). */
  answered?: { at: number; by: 'network' | `reply:${string}`; ref?: NetworkRef };
  /** Set with status `no-reply-needed`. */
  noReplyNeeded?: { by: string; at: number; reason: string };
  /** The GitHub issue that shows this conversation (label `feedback`), once created. */
  issue?: number;
  /** When the owner and backup were mentioned because the clock ran out (epoch ms): only once. */
  overdueNotifiedAt?: number;
  /** When the overdue comment was posted and confirmed (epoch ms); a claim without it is retried once stale. */
  overdueCommentedAt?: number;
  /** When a person reopened it (`/reopen`, epoch ms): the response clock starts again from here. */
  reopenedAt?: number;
  /**
   * What triage last wrote to the issue, apart from the clock line (a hash), and the issue's state:
   * a closed conversation's issue is written again only when this changes.
   */
  issueSync?: { key: string; state: 'open' | 'closed' };
}

/** One line of `feedback/seen/<network>.jsonl`. */
export interface SeenLine {
  /** The network's notification id. */
  notificationId: string;
  /** The conversation it went into. */
  conversation: string;
  /** When it was taken in (ISO 8601). */
  at: string;
  /** The run that took it in. */
  runId: string;
}

/** `feedback/cursor/<network>.json`. */
export interface Cursor {
  /** Bluesky `listNotifications` cursor, or Mastodon's newest notification id (`min_id`). */
  value: string;
  /** When it was stored (ISO 8601). */
  at: string;
}

/** The conversation id of a thread: one conversation per thread root on a network. */
export function conversationId(network: FeedbackNetwork, rootId: string): string {
  return `${network}:${rootId}`;
}

/** The state-store path of a conversation: ids hold `:` and `/` (AT URIs), so they are encoded. */
export function conversationPath(id: string): string {
  return `feedback/conversations/${encodeURIComponent(id)}.json`;
}
