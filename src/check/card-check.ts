/**
 * Link cards at check time (`copydesk check --cards`, as the check workflow runs it): for each
 * Bluesky part with a link and no images, fetch the card the way the publisher will (bounded,
 * src/card/) and show it in the preview; a card that cannot be built is a warning (`link-card`)
 * at the link, never an error: the post still goes out, without a card.
 */
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import type { CardAttempt } from '../card/card.ts';
import type { CardFetcher } from '../card/fetch-card.ts';
import { cardSlots } from '../card/post-cards.ts';
import type { Post } from '../post/post.ts';
import { locator, publishedSource } from './text-position.ts';

/** Rule id of the card warnings. */
export const LINK_CARD = 'link-card';

/** The card of one part, as the check saw it. */
export interface CheckedCard {
  /** 0-based part. */
  part: number;
  /** The link as written. */
  url: string;
  /** What fetching it gave. */
  attempt: CardAttempt;
}

/** At most this many pages fetched at once. */
const CONCURRENCY = 4;
/** At most this many cards per check run (each is bounded to about 20 s); the rest are not fetched. */
export const MAX_CARDS = 40;

/** Fetch the cards of the posts; findings and cards per file. */
export async function checkCards(posts: readonly Post[], fetchCard: CardFetcher): Promise<Map<string, { cards: CheckedCard[]; findings: Diagnostic[] }>> {
  const jobs = posts.flatMap((post) => cardSlots(post).map((slot) => ({ post, slot }))).slice(0, MAX_CARDS);
  const results = new Array<CardAttempt>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      try {
        results[i] = await fetchCard(jobs[i]!.slot.url);
      } catch (e) {
        results[i] = { ok: false, problem: { reason: `no link card for ${jobs[i]!.slot.url}: ${(e as Error).message}`, fix: 'Run the check again.' } };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
  const out = new Map<string, { cards: CheckedCard[]; findings: Diagnostic[] }>();
  jobs.forEach(({ post, slot }, i) => {
    const attempt = results[i]!;
    const entry = out.get(post.file) ?? { cards: [], findings: [] };
    out.set(post.file, entry);
    entry.cards.push({ part: slot.part, url: slot.url, attempt });
    const part = post.parts[slot.part]!;
    const offset = publishedSource(post).indexOf(slot.url, part.start);
    const at = locator(post.source)(offset >= 0 ? offset : part.start);
    const problems = attempt.ok ? attempt.problems : [attempt.problem];
    for (const p of problems) entry.findings.push(diag(post.file, at, 'warning', LINK_CARD, `Bluesky link card${post.parts.length > 1 ? ` (part ${slot.part + 1})` : ''}: ${p.reason}`, `${p.fix} Accept it with <!-- copydesk-ignore ${LINK_CARD}: why -->.`));
  });
  return out;
}
