/**
 * A thread part cut into what each network makes of it: plain text, links, hashtags and mentions,
 * each with the address the network gives it, so the post page's preview looks like the app.
 *
 * - Bluesky: exactly the facets the Bluesky channel sends (`RichText.detectFacetsWithoutResolution`
 *   of @atproto/api, as in src/publish/bluesky-facets.ts); text without a facet is plain in the app.
 *   https://docs.bsky.app/docs/advanced-guides/post-richtext
 * - Mastodon: the server links URLs, `#tags` and `@mentions` itself, and shows a long URL without
 *   its `https://` (and `www.`), cut after 30 characters with an ellipsis; the whole address stays
 *   in the link (Mastodon's TextFormatter, `<span class="invisible">` / `<span class="ellipsis">`).
 *   https://github.com/mastodon/mastodon/blob/main/app/lib/text_formatter.rb
 *
 * Pure; the preview component renders the segments.
 */
import { AppBskyRichtextFacet, RichText } from '@atproto/api';
import type { Network } from '../post/network.ts';

export type PreviewSegment =
  | { kind: 'text'; text: string }
  | {
      kind: 'link';
      text: string;
      href: string;
      /** Mastodon: the URL as shown, split like Mastodon's markup (hidden prefix, shown part, hidden rest). */
      display?: { prefix: string; shown: string; rest: string };
    }
  | { kind: 'tag'; text: string; href: string }
  | { kind: 'mention'; text: string; href: string };

/** Characters of a URL Mastodon shows before the ellipsis. */
export const MASTODON_URL_SHOWN = 30;

/** How Mastodon shows a URL: `https://www.` hidden, 30 characters shown, the rest hidden behind "…". */
export function mastodonUrlDisplay(url: string): { prefix: string; shown: string; rest: string } {
  const prefix = /^(https?:\/\/)?(www\.)?/i.exec(url)?.[0] ?? '';
  const body = url.slice(prefix.length);
  return body.length > MASTODON_URL_SHOWN ? { prefix, shown: body.slice(0, MASTODON_URL_SHOWN), rest: body.slice(MASTODON_URL_SHOWN) } : { prefix, shown: body, rest: '' };
}

function blueskySegments(text: string): PreviewSegment[] {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const out: PreviewSegment[] = [];
  for (const seg of rt.segments()) {
    const f = seg.facet?.features[0];
    if (f && AppBskyRichtextFacet.isLink(f)) out.push({ kind: 'link', text: seg.text, href: f.uri });
    // Before resolution a mention's `did` holds the handle (RichText.detectFacets).
    else if (f && AppBskyRichtextFacet.isMention(f)) out.push({ kind: 'mention', text: seg.text, href: `https://bsky.app/profile/${encodeURIComponent(f.did)}` });
    else if (f && AppBskyRichtextFacet.isTag(f)) out.push({ kind: 'tag', text: seg.text, href: `https://bsky.app/hashtag/${encodeURIComponent(f.tag)}` });
    else out.push({ kind: 'text', text: seg.text });
  }
  return out;
}

// URLs as the length check counts them; Mastodon's mention and hashtag rules (Account::MENTION_RE, Tag::HASHTAG_RE, simplified).
const MASTODON_TOKEN = /(\bhttps?:\/\/[^\s<>()]+[^\s<>().,:;!?'"])|(?<=^|[^/\w])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([a-z0-9.-]+[a-z0-9]))?|(?<=^|[^/)\w])#(\w*[a-z_·]\w*)/giu;

function mastodonSegments(text: string, instance: string): PreviewSegment[] {
  const home = instance.replace(/\/$/, '');
  const out: PreviewSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(MASTODON_TOKEN)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    const [whole, url, user, domain, tag] = m;
    if (url) out.push({ kind: 'link', text: url, href: url, display: mastodonUrlDisplay(url) });
    else if (user) out.push({ kind: 'mention', text: whole, href: domain ? `https://${domain}/@${user}` : `${home}/@${user}` });
    else if (tag) out.push({ kind: 'tag', text: whole, href: `${home}/tags/${encodeURIComponent(tag)}` });
    last = m.index + whole.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** The segments of `text` as `network` shows it; networks without a preview style get plain text. */
export function previewSegments(network: Network, text: string, opts: { mastodonInstance?: string } = {}): PreviewSegment[] {
  if (network === 'bluesky') return blueskySegments(text);
  if (network === 'mastodon') return mastodonSegments(text, opts.mastodonInstance ?? 'https://mastodon.social');
  return [{ kind: 'text', text }];
}
