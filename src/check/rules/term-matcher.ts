/**
 * Whole-word, case-insensitive search for configured terms in any language ("Wybory" matches
 * `wybory`, "vote" does not match "voter"), for the sensitive-topic and watchlist rules.
 * Word characters are letters, marks and digits of any script, so Polish diacritics and
 * combining marks are part of words. Spaces inside a term match any whitespace run.
 */
import type { Network } from '../../post/network.ts';
import { networksAt } from '../../post/part-text.ts';
import type { Post } from '../../post/post.ts';
import { altLine, locator, publishedSource, type Located } from '../text-position.ts';

export interface TermHit<T> {
  /** The configured entry that matched. */
  entry: T;
  /** The words as written in the post. */
  text: string;
  /** Where: in the body text, or in the alt text of a media item. */
  at: Located;
  /** Set when the match is in the alt text of media item `media` (0-based). */
  media?: number;
  /**
   * Set when the match is in text only some of the post's networks get (a `::: network` variant,
   * or shared text that some networks replace with their own): those networks.
   */
  networks?: Network[];
  /** The text searched (the published source, or the alt text) and where the match starts in it, for context. */
  haystack: string;
  index: number;
}

/** ` on mastodon` when the hit is in text only some networks get, else empty: for messages. */
export function onNetworks(hit: Pick<TermHit<unknown>, 'networks'>): string {
  return hit.networks ? ` on ${hit.networks.join(' and ') || 'no network (every network has its own text here)'}` : '';
}

export interface TermMatcher<T> {
  /** Every match in the post's published text and its media alt texts, in file order. */
  find(post: Post): TermHit<T>[];
}

const WORD = '[\\p{L}\\p{M}\\p{N}_]';

/** `entries` with the term each carries (`term(entry)`); empty terms are ignored. */
export function createTermMatcher<T>(entries: readonly T[], term: (entry: T) => string): TermMatcher<T> {
  const byKey = new Map<string, T>();
  for (const e of entries) {
    const key = normalise(term(e));
    if (key && !byKey.has(key)) byKey.set(key, e);
  }
  const keys = [...byKey.keys()].sort((a, b) => b.length - a.length);
  if (keys.length === 0) return { find: () => [] };
  const pattern = new RegExp(`(?<!${WORD})(?:${keys.map(termSource).join('|')})(?!${WORD})`, 'giu');
  // Lower-casing the match finds its entry, except for the rare letters whose case folding is
  // not one-to-one (İ): then test each term on its own.
  const exact = keys.map((k) => [k, new RegExp(`^(?:${termSource(k)})$`, 'iu')] as const);
  const entryFor = (text: string): T => byKey.get(normalise(text)) ?? byKey.get(exact.find(([, re]) => re.test(text))![0])!;

  return {
    find(post) {
      const hits: TermHit<T>[] = [];
      const source = publishedSource(post);
      const at = locator(post.source);
      for (const m of source.matchAll(pattern)) {
        const networks = networksAt(post, m.index);
        const some = networks && networks.length < post.channels.length ? { networks } : {};
        hits.push({ entry: entryFor(m[0]), text: m[0], at: at(m.index), haystack: source, index: m.index, ...some });
      }
      post.media.forEach((media, i) => {
        for (const m of media.alt.matchAll(pattern)) hits.push({ entry: entryFor(m[0]), text: m[0], at: { line: altLine(post, media), column: 1 }, media: i, haystack: media.alt, index: m.index });
      });
      return hits;
    },
  };
}

/** Regex source of a normalised term: literal words joined by any whitespace. */
function termSource(key: string): string {
  return key.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
}

function normalise(term: string): string {
  return term.trim().toLowerCase().replace(/\s+/g, ' ');
}
