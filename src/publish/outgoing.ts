/** Turning a post's thread part into what a channel sends. The only place `OutgoingPart` is built. */
import { createHash } from 'node:crypto';
import type { Config } from '../config/config.ts';
import { textFor } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import type { OutgoingCard, OutgoingMedia, OutgoingPart, SentRef } from './channel.ts';
import type { Network } from '../post/network.ts';

/**
 * Deterministic key of one (post, network, part): the same on every run and retry, so Mastodon's
 * `Idempotency-Key` and Bluesky's record key dedupe a resend. Hex SHA-256 of `postId/network/part`.
 */
export function idempotencyKey(postId: string, network: Network, part: number): string {
  return createHash('sha256').update(`${postId}/${network}/${part}`, 'utf8').digest('hex');
}

export interface OutgoingInput {
  post: Post;
  network: Network;
  /** 0-based part. */
  part: number;
  /** Refs of the parts already sent on this network (from the ledger), for `root`/`parent`. */
  refs: Record<number, SentRef>;
  config: Config;
  /** The real send time. */
  now: Date;
  /** The part's media as read by `readPartMedia` (./outgoing-media.ts); omitted for a read-back. */
  media?: OutgoingMedia[];
  /** The part's link card (Bluesky), from src/card/card-for-send.ts; omitted: none. */
  card?: OutgoingCard;
}

export function buildOutgoingPart({ post, network, part, refs, config, now, media = [], card }: OutgoingInput): OutgoingPart {
  const out: OutgoingPart = {
    postId: post.id,
    part,
    partsTotal: post.parts.length,
    // The network's own `::: network` text for this part when it has one (../post/part-text.ts).
    text: textFor(post.parts[part]!, network),
    lang: post.lang,
    media,
    idempotencyKey: idempotencyKey(post.id, network, part),
    scheduledAt: post.publishAt!,
    now,
  };
  if (part > 0) {
    if (refs[0]) out.root = refs[0];
    if (refs[part - 1]) out.parent = refs[part - 1];
  }
  if (network === 'mastodon') out.visibility = config.channels.mastodon.visibility;
  if (card && network === 'bluesky' && media.length === 0) out.card = card;
  return out;
}
