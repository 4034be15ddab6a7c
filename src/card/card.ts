/**
 * A link card: what a page says about itself (title, description, picture), fetched once and
 * kept, so the preview, the site and the send all show the same card. The card is what the page
 * says, not what the reviewer approved: the approval covers the post's text and files only.
 */
import type { Thumbnail } from './thumbnail.ts';

/** One card, ready to show and to send. */
export interface LinkCard {
  /** The link as written in the post: Bluesky opens this when the card is tapped. */
  uri: string;
  /** The page after redirects (where the title and picture were read). */
  finalUrl: string;
  /** The page's title (og:title, else `<title>`). */
  title: string;
  /** Where the title came from: `title` means the page has no og:title. */
  titleFrom: 'og:title' | 'twitter:title' | 'title';
  /** The page's description; empty when it has none. */
  description: string;
  /** Host name of the link, as Bluesky shows under the card. */
  domain: string;
  /** The picture re-encoded to fit Bluesky (≤ 1,000,000 bytes); absent when the page has none or it could not be used. */
  thumb?: Thumbnail;
  /** Where the picture came from (its absolute URL). */
  imageUrl?: string;
  /** When the card was fetched (ISO). */
  fetchedAt: string;
}

/** Why (part of) a card could not be built: shown as a warning, never an error. */
export interface CardProblem {
  /** What went wrong, in a sentence naming the link. */
  reason: string;
  /** What a person can do. */
  fix: string;
}

/** The outcome of building a card. */
export type CardAttempt =
  /** A card; `problems` says what is missing (e.g. no picture because it was too large). */
  | { ok: true; card: LinkCard; problems: CardProblem[] }
  /** No card can be built: the post goes out without one. */
  | { ok: false; problem: CardProblem };

/** The JSON form of a card kept on the state store (the picture as base64). */
export interface StoredCard extends Omit<LinkCard, 'thumb'> {
  /** Format version of this file. */
  v: 1;
  /** The post the card belongs to. */
  postId: string;
  thumb?: { mime: 'image/jpeg'; width: number; height: number; base64: string };
}

export function toStored(card: LinkCard, postId: string): StoredCard {
  const { thumb, ...rest } = card;
  return { v: 1, postId, ...rest, ...(thumb ? { thumb: { mime: thumb.mime, width: thumb.width, height: thumb.height, base64: Buffer.from(thumb.bytes).toString('base64') } } : {}) };
}

/** Read a stored card back; undefined for anything that is not one (a damaged file is refetched). */
export function fromStored(text: string | undefined): LinkCard | undefined {
  if (!text) return undefined;
  let s: StoredCard;
  try {
    s = JSON.parse(text) as StoredCard;
  } catch {
    return undefined;
  }
  if (!s || s.v !== 1 || typeof s.uri !== 'string' || typeof s.title !== 'string' || typeof s.description !== 'string' || typeof s.domain !== 'string') return undefined;
  const { v: _v, postId: _p, thumb, ...rest } = s;
  const card: LinkCard = { ...rest };
  if (thumb && typeof thumb.base64 === 'string') {
    const bytes = new Uint8Array(Buffer.from(thumb.base64, 'base64'));
    if (bytes.byteLength > 0 && bytes.byteLength <= 1_000_000) card.thumb = { mime: 'image/jpeg', width: thumb.width, height: thumb.height, bytes };
  }
  return card;
}
