/**
 * One interface for every network. A channel knows how to send one thread part and how to read
 * back whether a part already went out; everything else (what is due, the ledger, retries, the
 * freeze) lives in the publisher, so adding X or LinkedIn is one new file behind this interface.
 */

import type { Network } from '../post/network.ts';

/** What a network answered for a published part: enough to link to it and to reply to it. */
export interface SentRef {
  /** The network's id of the post (Mastodon status id, Bluesky record key, Threads media id). */
  id: string;
  /** AT URI for Bluesky (`at://did/app.bsky.feed.post/rkey`). */
  uri?: string;
  /** Content id for Bluesky (needed for replies). */
  cid?: string;
  /** Public web address of the post, for people. */
  url?: string;
}

/**
 * One media attachment, already read by the one media reader (src/post/media-file.ts, through
 * ./outgoing-media.ts): channels send `bytes` and never open files themselves.
 */
export interface OutgoingMedia {
  /** Repository path of the file (for messages and the file name a network shows). */
  repoPath: string;
  /** Absolute path of the file on disk (for messages; never read by a channel). */
  absPath: string;
  /** The file's content, read once within the network's size limit: exactly what is uploaded. */
  bytes: Uint8Array;
  /** Alt text (Bluesky `alt`, Mastodon `description`). */
  alt: string;
  /** MIME type, e.g. `image/png`. */
  mime: string;
}

/**
 * A link card for the part (Bluesky `app.bsky.embed.external`), built from what the linked page
 * says (src/card/): not part of what the reviewer approved, only of what the page shows.
 */
export interface OutgoingCard {
  /** The link as written in the post. */
  uri: string;
  /** The page's title. */
  title: string;
  /** The page's description (may be empty). */
  description: string;
  /** The re-encoded picture (JPEG, at most 1,000,000 bytes), uploaded as the card's `thumb` blob. */
  thumb?: { bytes: Uint8Array; mime: string };
}

/** One thread part, ready to send. Built by the publisher; channels never read posts themselves. */
export interface OutgoingPart {
  /** The post's stable `id` from its front-matter. */
  postId: string;
  /** 0-based index of this part in the thread. */
  part: number;
  /** Number of parts in the thread. */
  partsTotal: number;
  /** Plain text to publish. */
  text: string;
  /** BCP 47 language of the text. */
  lang: string;
  /** Media attached to this part (at most 4; Threads 10); empty for a read-back (`find` never looks at media). */
  media: OutgoingMedia[];
  /** Part 0's ref when this is a reply in a thread (Bluesky `reply.root`). */
  root?: SentRef;
  /** The previous part's ref when this is a reply (Bluesky `reply.parent`, Mastodon `in_reply_to_id`). */
  parent?: SentRef;
  /**
   * Deterministic key for this (post, network, part): the same on every run and every retry.
   * Mastodon sends it as `Idempotency-Key`; Bluesky derives its record key (a TID) from it.
   */
  idempotencyKey: string;
  /** The post's scheduled instant (epoch ms); Bluesky derives the TID timestamp from it. */
  scheduledAt: number;
  /** The real send time (Bluesky `createdAt`; never backdated). Time is a parameter. */
  now: Date;
  /** Mastodon visibility (`public` by default). */
  visibility?: 'public' | 'unlisted' | 'private' | 'direct';
  /**
   * For networks without an idempotency key (Threads): the handle of what an earlier attempt
   * created but may not have published (a Threads container id), as recorded in the ledger by
   * `claim`. The channel publishes THAT one rather than create a second post.
   */
  claimed?: string;
  /**
   * Records a handle (a Threads container id) in the ledger before it is published, so a crash
   * right after publishing is resolved by the next run (it publishes or finds the same container).
   * Rejects when the record could not be written: the channel must then publish nothing.
   */
  claim?: (handle: string) => Promise<void>;
  /**
   * Bluesky only: the link card of a part with a link and no images. Absent: no card. A channel
   * that cannot attach it (the picture upload fails) sends the part without it and says so in
   * `note`, never fails the part because of it.
   */
  card?: OutgoingCard;
}

/** Result of one send. A union, never a throw, for anything the network can answer. */
export type SendResult =
  /** The network accepted the part. */
  | {
      status: 'sent';
      ref: SentRef;
      /** Something the run report should say about how it went out (e.g. "the link card went without its picture"). */
      note?: string;
    }
  /** The request may have reached the network (timeout, dropped connection, 5xx after sending): read back before any resend. */
  | { status: 'unknown'; error: string }
  /** Not sent, safe to try again later (429 with reset time, 503 before acceptance). */
  | { status: 'retry'; error: string; retryAt?: number }
  /**
   * Not sent and retrying will not help (auth revoked, validation error): a person must act.
   * `credential: true` when the network refused the credential itself (revoked or expired token,
   * Graph API code 190, HTTP 401): the publisher then stops that network for the run and says
   * "renew the token" once, not once per post.
   */
  | { status: 'failed'; error: string; action: string; credential?: boolean };

/** Result of a read-back. */
export type FindResult =
  | { status: 'found'; ref: SentRef }
  | { status: 'absent' }
  /**
   * The network could not be asked (down, rate limited), or its answer is not certain: do not
   * resend. With `action`, asking again on its own will not help (e.g. too many statuses to look
   * through): a person must look, and says what they found.
   */
  | {
      status: 'unknown';
      error: string;
      action?: string;
      /** The network refused the credential (revoked, expired token): renew it; `action` says how. Reported once per network and run. */
      credential?: boolean;
    };

export interface Channel {
  /** The network this channel publishes to, or `outbox` for the local folder. */
  readonly name: Network | 'outbox';
  /** Read back whether this part already went out (after a crash or an unknown outcome). */
  find(part: OutgoingPart): Promise<FindResult>;
  /** Publish one part. Must not log in or call the network before the first call to find/send. */
  send(part: OutgoingPart): Promise<SendResult>;
  /**
   * Take a published part down (`copydesk retract`): Bluesky `deleteRecord`, Mastodon
   * `DELETE /api/v1/statuses/:id`. A part already gone counts as removed. Channels that cannot
   * delete leave it out, and the retraction says so for that network.
   */
  remove?(ref: SentRef, network: Network): Promise<RemoveResult>;
}

/** Result of taking one part down. A union, never a throw. */
export type RemoveResult =
  /** The network no longer shows it (deleted now, or already gone). */
  | { status: 'removed'; alreadyGone: boolean }
  /** Not removed, safe to try again (rate limit, network down). */
  | { status: 'retry'; error: string; retryAt?: number }
  /** Not removed and retrying will not help (revoked token, not our post): a person must act. */
  | { status: 'failed'; error: string; action: string };
