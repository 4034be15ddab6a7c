/**
 * Where link cards live: on the state store (the `copydesk-state` branch in Actions,
 * `.copydesk/state/` locally), at `cards/<post id>/<hash of the URL>.json`, with the re-encoded
 * picture inside as base64 (the store holds text files). Why there: the publisher already writes
 * that store and reads it before every send, it survives between runs (the Actions cache does
 * not reliably), and a card fetched days ahead makes the send independent of the page being up
 * at 9:00. Keyed by post id + URL: editing the link fetches a new card; the old file stays
 * (append, never overwrite). A card is written once: a later fetch never replaces it, so what
 * the site showed is what is sent.
 */
import { createHash } from 'node:crypto';
import type { StateStore } from '../state/store.ts';
import { fromStored, toStored, type LinkCard } from './card.ts';

/** Folder of the cards on the state store. */
export const CARDS_DIR = 'cards';

/** `cards/<post id>/<first 16 hex of sha256(url)>.json`. */
export function cardPath(postId: string, url: string): string {
  return `${CARDS_DIR}/${postId}/${createHash('sha256').update(url, 'utf8').digest('hex').slice(0, 16)}.json`;
}

/** The stored card of (post, url), if any and readable. */
export async function readCard(store: Pick<StateStore, 'read'>, postId: string, url: string): Promise<LinkCard | undefined> {
  const card = fromStored(await store.read(cardPath(postId, url)));
  // A hash collision or a hand-edited file must not put another page's card on this post.
  return card && card.uri === url ? card : undefined;
}

/** Store cards in one write; a (post, url) that already has a readable card keeps it. */
export async function storeCards(store: StateStore, cards: { postId: string; card: LinkCard }[], message: string): Promise<void> {
  if (!cards.length) return;
  await store.update(message, async (read) => {
    const writes: Record<string, string> = {};
    for (const { postId, card } of cards) {
      const path = cardPath(postId, card.uri);
      if (fromStored(await read(path))) continue;
      writes[path] = JSON.stringify(toStored(card, postId)) + '\n';
    }
    return Object.keys(writes).length ? writes : null;
  });
}
