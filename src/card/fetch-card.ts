/**
 * Build a link card for one URL: fetch the page (bounded, ./bounded-fetch.ts), read its Open
 * Graph data (./page-meta.ts), fetch its picture (bounded) and re-encode it to fit Bluesky
 * (./thumbnail.ts). Never throws: every way it can fail is a `CardProblem` with a fix.
 */
import { boundedFetch, type FetchLimits, type FetchOutcome, type FetchPermission } from './bounded-fetch.ts';
import type { CardAttempt, CardProblem, LinkCard } from './card.ts';
import { decodeHtml, pageMeta } from './page-meta.ts';
import { makeThumbnail } from './thumbnail.ts';

/** Limits for the page and for its picture. */
export interface CardLimits {
  page: FetchLimits;
  image: FetchLimits;
}

/** Page: 1 MB read (the `<head>` is at the start), 5 s to connect, 10 s in all, 5 redirects. Picture: 5 MB. */
export const DEFAULT_CARD_LIMITS: CardLimits = {
  page: { connectTimeoutMs: 5_000, totalTimeoutMs: 10_000, maxBytes: 1_000_000, maxRedirects: 5 },
  image: { connectTimeoutMs: 5_000, totalTimeoutMs: 10_000, maxBytes: 5_000_000, maxRedirects: 5 },
};

export interface CardFetchOptions {
  /** The clock, recorded as `fetchedAt`. */
  now: Date;
  /** Override limits (tests use short timeouts). */
  limits?: CardLimits;
  /** Tests only: allow http and the local test server's address. */
  permission?: FetchPermission;
}

/** Fetches the card for a URL; injectable so the check, the publisher and tests share one shape. */
export type CardFetcher = (url: string) => Promise<CardAttempt>;

export function cardFetcher(o: Omit<CardFetchOptions, 'now'> & { now: () => Date }): CardFetcher {
  return (url) => fetchCard(url, { ...o, now: o.now() });
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export async function fetchCard(uri: string, o: CardFetchOptions): Promise<CardAttempt> {
  const limits = o.limits ?? DEFAULT_CARD_LIMITS;
  const permission = o.permission ? { permission: o.permission } : {};
  const page = await boundedFetch({ url: uri, accepts: (t) => HTML_TYPES.has(t), expected: 'an HTML page', accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1', limits: limits.page, truncate: true, ...permission });
  if (!page.ok) return { ok: false, problem: pageProblem(uri, page) };
  const meta = pageMeta(decodeHtml(page.body), page.url);
  if (!meta.title) {
    const where = page.truncated ? ` in its first ${limits.page.maxBytes} bytes` : '';
    return { ok: false, problem: { reason: `${uri} has no og:title and no <title>${where}, so Bluesky would show no card`, fix: 'Link to a page that has an og:title meta tag (most pages do), or add one to your page; the post still goes out, without a card.' } };
  }
  const card: LinkCard = {
    uri, finalUrl: page.url, title: meta.title, titleFrom: meta.titleFrom ?? 'title', description: meta.description ?? '',
    domain: hostOf(uri), fetchedAt: o.now.toISOString(),
  };
  const problems: CardProblem[] = [];
  if (meta.image) {
    card.imageUrl = meta.image;
    const image = await boundedFetch({ url: meta.image, accepts: (t) => t.startsWith('image/'), expected: 'an image', accept: 'image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8', limits: limits.image, truncate: false, ...permission });
    if (!image.ok) problems.push({ reason: `the card's picture (${meta.image.slice(0, 200)}) could not be used: ${image.reason}; the card goes without a picture`, fix: image.code === 'too-large' ? 'Give the page a smaller og:image (under 5 MB; copydesk re-encodes it to fit Bluesky).' : 'Check that the og:image address works, or accept a card without a picture.' });
    else {
      const thumb = await makeThumbnail(image.body);
      if (thumb.ok) card.thumb = thumb.thumb;
      else problems.push({ reason: `the card's picture (${meta.image.slice(0, 200)}) could not be used: ${thumb.reason}; the card goes without a picture`, fix: 'Give the page an og:image in JPEG, PNG or WebP.' });
    }
  }
  return { ok: true, card, problems };
}

function pageProblem(uri: string, f: Extract<FetchOutcome, { ok: false }>): CardProblem {
  const reason = `no link card for ${uri.slice(0, 200)}: ${f.reason}`;
  switch (f.code) {
    case 'not-https': return { reason, fix: 'Link to the https address of the page; the post still goes out, without a card.' };
    case 'blocked': return { reason, fix: 'Link to a public page; copydesk never fetches private or local addresses. The post still goes out, without a card.' };
    case 'status': return { reason, fix: 'Check the link in a browser; if the page works there, the site blocks automated fetchers and the post goes out without a card.' };
    case 'type': return { reason, fix: 'Link to a web page (HTML), not a file; the post still goes out, without a card.' };
    default: return { reason, fix: 'Check the link in a browser; the card is fetched again before the post goes out, and without it the post goes out without a card.' };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}
