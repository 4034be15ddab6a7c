/**
 * The card a Bluesky part is sent with: the stored one (fetched ahead by the tick), else one
 * bounded attempt now. Any failure means "no card" with a note for the run report: a card never
 * holds or fails a post.
 */
import type { Post } from '../post/post.ts';
import type { StateStore } from '../state/store.ts';
import type { LinkCard } from './card.ts';
import { readCard, storeCards } from './card-store.ts';
import type { CardFetcher } from './fetch-card.ts';
import { cardSlots } from './post-cards.ts';

/** The card for one part, and what the run report says about it. */
export interface PartCard {
  /** The card to send; absent: the part goes without one. */
  card?: LinkCard;
  /** Said in the run report when the part has a link but goes without a card (or without its picture). */
  note?: string;
}

export async function cardForSend(o: { store: StateStore; post: Post; part: number; fetchCard: CardFetcher; runId: string }): Promise<PartCard> {
  const slot = cardSlots(o.post).find((s) => s.part === o.part);
  if (!slot) return {};
  try {
    const kept = await readCard(o.store, o.post.id, slot.url);
    if (kept) return { card: kept };
    const got = await o.fetchCard(slot.url);
    if (!got.ok) return { note: `sent without a link card: ${got.problem.reason}` };
    // Best effort: the card is sent either way.
    await storeCards(o.store, [{ postId: o.post.id, card: got.card }], `cards: link card for ${o.post.id} fetched at send time (run ${o.runId})`).catch(() => {});
    return got.problems.length ? { card: got.card, note: got.problems.map((p) => p.reason).join('; ') } : { card: got.card };
  } catch (e) {
    return { note: `sent without a link card: ${(e as Error).message}` };
  }
}
