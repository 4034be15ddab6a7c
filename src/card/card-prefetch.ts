/**
 * The publisher's tick fetches the cards of posts that are on main ahead of their time, so the
 * send does not depend on the page being up at 9:00. Each card is fetched once and kept
 * (./card-store.ts). A failed fetch writes nothing (an idle tick stays idle) and is tried again
 * on the next tick; at send time one more bounded attempt is made, and without a card the post
 * goes out without one.
 */
import type { Post } from '../post/post.ts';
import type { StateStore } from '../state/store.ts';
import type { LinkCard } from './card.ts';
import { readCard, storeCards } from './card-store.ts';
import type { CardFetcher } from './fetch-card.ts';
import { cardSlots } from './post-cards.ts';

export interface PrefetchOptions {
  posts: readonly Post[];
  store: StateStore;
  fetchCard: CardFetcher;
  /** The clock (epoch ms). */
  now: number;
  /** Only posts due within this many ms (default 14 days): a post months ahead is fetched later. */
  horizonMs?: number;
  /** At most this many fetches per run (default 5): a tick stays short. */
  maxFetches?: number;
  /** One line per card fetched or not. */
  log: (line: string) => void;
  /** Run id, for the commit message. */
  runId: string;
}

export interface PrefetchReport {
  /** Cards fetched and stored in this run. */
  stored: number;
  /** Fetches that failed (tried again on the next run). */
  failed: number;
}

export async function prefetchCards(o: PrefetchOptions): Promise<PrefetchReport> {
  const horizon = o.horizonMs ?? 14 * 24 * 3600_000;
  const budget = o.maxFetches ?? 5;
  const fresh: { postId: string; card: LinkCard }[] = [];
  let tried = 0;
  let failed = 0;
  const due = o.posts
    .filter((p) => !p.draft && p.publishAt !== undefined && p.publishAt > o.now && p.publishAt <= o.now + horizon)
    .sort((a, b) => a.publishAt! - b.publishAt!);
  outer: for (const post of due) {
    for (const slot of cardSlots(post)) {
      if (await readCard(o.store, post.id, slot.url)) continue;
      if (fresh.some((f) => f.postId === post.id && f.card.uri === slot.url)) continue;
      if (tried >= budget) break outer;
      tried++;
      const got = await o.fetchCard(slot.url);
      if (got.ok) {
        fresh.push({ postId: post.id, card: got.card });
        o.log(`link card for ${post.id} part ${slot.part + 1}: "${got.card.title}" (${got.card.domain}${got.card.thumb ? `, picture ${got.card.thumb.width}×${got.card.thumb.height}, ${got.card.thumb.bytes.byteLength} bytes` : ', no picture'}) stored for the send`);
        for (const p of got.problems) o.log(`  ${p.reason}`);
      } else {
        failed++;
        o.log(`link card for ${post.id} part ${slot.part + 1} not fetched (tried again on the next run): ${got.problem.reason}`);
      }
    }
  }
  await storeCards(o.store, fresh, `cards: ${fresh.length} link card(s) fetched ahead (run ${o.runId})`);
  return { stored: fresh.length, failed };
}
