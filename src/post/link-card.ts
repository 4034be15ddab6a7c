/**
 * Which link of a thread part gets a link card, on each network. One URL extraction for the length
 * rules and the cards: twitter-text's extractor with a scheme required (what Mastodon links and
 * counts as 23 characters, src/check/lengths.ts), so the link the preview names is the link the
 * length check counted.
 * - Bluesky shows a card only when the post record carries `app.bsky.embed.external`; copydesk
 *   builds it from the first https link of a part without images
 *   (https://docs.bsky.app/docs/advanced-guides/posts#website-card-embeds).
 * - Mastodon builds its own card from the first link of the status that is not a mention or a
 *   hashtag and not on the instance itself (FetchLinkCardService, `bad_url?`); copydesk only says
 *   which link that is.
 */
import { createRequire } from 'node:module';
import type TwitterTextModule from 'twitter-text';
import type { PostPart } from './post.ts';

/** One link found in a part's text. */
export interface TextLink {
  /** The URL as written in the text. */
  url: string;
  /** UTF-16 offset of the link in the part's text. */
  start: number;
  /** UTF-16 offset just after the link. */
  end: number;
}

const require = createRequire(import.meta.url);
let loaded: typeof TwitterTextModule | undefined;
/** twitter-text is large (~0.2 s to load): loaded on first use only. */
function twitterText(): typeof TwitterTextModule {
  loaded ??= require('twitter-text') as typeof TwitterTextModule;
  return loaded;
}

/** Every link with a scheme, in text order (twitter-text `extractUrlsWithIndices`, no bare domains). */
export function linksIn(text: string): TextLink[] {
  if (!text.includes('://')) return [];
  return twitterText()
    .extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })
    .map((u) => ({ url: u.url, start: u.indices[0], end: u.indices[1] }));
}

/** The link Bluesky's card would be built from: the first link of a part that has no images. */
export function blueskyCardLink(part: Pick<PostPart, 'text'>, hasMedia: boolean): TextLink | undefined {
  if (hasMedia) return undefined;
  return linksIn(part.text)[0];
}

/**
 * The link Mastodon builds its card from: the first http(s) link whose host is not the instance
 * (mentions `@user@domain` and `#tags` are never URLs to the extractor, so they are skipped).
 */
export function mastodonCardLink(text: string, instance?: string): TextLink | undefined {
  const own = hostOf(instance);
  return linksIn(text).find((l) => {
    const host = hostOf(l.url);
    return host !== undefined && host !== own && /^https?:/i.test(l.url);
  });
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
