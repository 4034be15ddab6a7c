/**
 * The link cards the site shows on a post page: the cards the publisher stored ahead of the send
 * (src/card/card-store.ts), read from the state store at build time. The site never fetches a
 * page itself: what it shows is exactly what will be sent, and a card not yet fetched says so.
 */
import type { LinkCard } from '../card/card.ts';
import { readCard } from '../card/card-store.ts';
import { cardSlots } from '../card/post-cards.ts';
import type { Post } from '../post/post.ts';
import type { StateStore } from '../state/store.ts';

/** One Bluesky part's card as the post page shows it. */
export interface SiteCard {
  postId: string;
  /** 0-based part. */
  part: number;
  /** The link the card is for. */
  url: string;
  /** The stored card; absent: not fetched yet (the publisher fetches it ahead of the send). */
  card?: LinkCard;
}

export async function readSiteCards(store: Pick<StateStore, 'read'>, posts: readonly Post[]): Promise<SiteCard[]> {
  const slots = posts.flatMap((p) => cardSlots(p).map((s) => ({ postId: p.id, part: s.part, url: s.url })));
  return Promise.all(
    slots.map(async (s) => {
      const card = await readCard(store, s.postId, s.url).catch(() => undefined);
      return card ? { ...s, card } : s;
    }),
  );
}

/** The thumbnail as a `data:` URL (a JPEG re-encoded by copydesk, never the page's own file). */
export function thumbDataUrl(card: LinkCard): string | undefined {
  return card.thumb ? `data:image/jpeg;base64,${Buffer.from(card.thumb.bytes).toString('base64')}` : undefined;
}
