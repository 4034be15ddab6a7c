/**
 * Text length as each network counts it. Used by the length rule, the PR preview and the site,
 * so a reviewer sees the same number the check enforces.
 */
import { createRequire } from 'node:module';
import type { Config } from '../config/config.ts';
import type { Network } from '../post/network.ts';
import { linksIn } from '../post/link-card.ts';
import type TwitterTextModule from 'twitter-text';

type TwitterText = typeof TwitterTextModule;

export interface LengthUse {
  network: Network;
  /** Units used, as the network counts them. */
  used: number;
  /** The network's limit in those units. */
  limit: number;
  /** What is counted, for people: "graphemes", "characters", "weighted characters". */
  unit: string;
  /** A second limit some networks enforce (Bluesky: 3,000 UTF-8 bytes). */
  bytes?: { used: number; limit: number };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

/** Grapheme clusters: what a person sees as one character (👩‍👩‍👧 is one, "ą" written as a + ◌̨ is one). */
export function graphemes(text: string): number {
  // Fast path: printable ASCII, tabs and line feeds are one grapheme each (CR LF, the only ASCII
  // pair that joins, is excluded), so most posts skip the segmenter.
  if (/^[\x20-\x7e\t\n]*$/.test(text)) return text.length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** https://docs.bsky.app/docs/advanced-guides/post-richtext — 300 graphemes and 3,000 bytes. */
function bluesky(text: string): LengthUse {
  return { network: 'bluesky', used: graphemes(text), limit: 300, unit: 'graphemes', bytes: { used: encoder.encode(text).length, limit: 3000 } };
}

/**
 * Mastodon's StatusLengthValidator (app/validators/status_length_validator.rb, `countable_text`):
 * grapheme clusters, after replacing every entity the server will really link:
 * - a URL that twitter-text's extractor recognises (scheme required, a valid TLD, at most 4,096
 *   characters, balanced parentheses) counts `characters_reserved_per_url` (23); a URL without a
 *   known TLD (`https://example.local`) counts every character, as on the server;
 * - a mention (`Account::MENTION_RE`: usernames may contain dots and dashes in the middle) counts
 *   only `@user`, not `@domain`, unless the domain could not exist (longer than 253 characters or
 *   a label over 63, RFC 1035), which Mastodon's spec counts in full;
 * - overlapping entities keep the first (twitter-text `removeOverlappingEntities`).
 * https://docs.joinmastodon.org/user/posting/#text
 */
export function mastodonCountable(text: string, charactersPerUrl: number): string {
  // The one URL extraction, shared with the link cards (src/post/link-card.ts).
  const urls = linksIn(text).map((u) => ({ start: u.start, end: u.end, as: 'x'.repeat(charactersPerUrl) }));
  const entities = [...urls, ...mastodonMentions(text)].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of entities) {
    if (e.start < at) continue;
    out += text.slice(at, e.start) + e.as;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Ruby's `[[:word:]]`: letters, marks, digits and connector punctuation of any script. */
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}\\p{Pc}]';
/** Account::MENTION_RE: `(?<![=/[:word:]])@((USERNAME_RE)(?:@[[:word:].-]+[[:word:]]+)?)`, case-insensitive. */
const MENTION = new RegExp(`(?<![=/\\p{L}\\p{M}\\p{N}\\p{Pc}])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@((?:${WORD_CHAR}|[.-])+${WORD_CHAR}+))?`, 'giu');
/** twitter-text's `end_mention_match`: followed by `@`, a Latin accent or `://`, it is not a mention. */
const END_MENTION = /^(?:[@＠\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|:\/\/)/u;

/** Mentions as Mastodon's Extractor finds them, each with the text it counts as. */
function mastodonMentions(text: string): { start: number; end: number; as: string }[] {
  if (!text.includes('@')) return [];
  const out: { start: number; end: number; as: string }[] = [];
  for (const m of text.matchAll(MENTION)) {
    const end = m.index + m[0].length;
    if (END_MENTION.test(text.slice(end, end + 3))) continue;
    const domain = m[2];
    const possible = domain === undefined || (domain.length <= 253 && domain.split('.').every((l) => l.length <= 63));
    out.push({ start: m.index, end, as: possible ? `@${m[1]}` : m[0] });
  }
  return out;
}

function mastodon(text: string, config: Config): LengthUse {
  const countable = mastodonCountable(text, config.channels.mastodon.charactersPerUrl);
  return { network: 'mastodon', used: graphemes(countable), limit: config.channels.mastodon.maxCharacters, unit: 'characters' };
}

// twitter-text is large (~0.2 s to load): loaded on first use, so only posts with a URL on
// Mastodon, or posts to X, pay.
const require = createRequire(import.meta.url);
let loaded: TwitterText | undefined;
function twitterText(): TwitterText {
  loaded ??= require('twitter-text') as TwitterText;
  return loaded;
}

/** X counts weighted characters (CJK and emoji weigh 2, URLs 23): twitter-text implements it. */
function x(text: string): LengthUse {
  const r = twitterText().parseTweet(text);
  return { network: 'x', used: r.weightedLength, limit: 280, unit: 'weighted characters' };
}

/**
 * Threads: 500 characters a post, links counted as written (no shortening), emoji as people see
 * them (https://developers.facebook.com/docs/threads/overview#limitations: "Text posts are limited
 * to 500 characters").
 */
function threads(text: string): LengthUse {
  return { network: 'threads', used: graphemes(text), limit: 500, unit: 'characters' };
}

/** LinkedIn's share commentary limit is 3,000 characters. */
function linkedin(text: string): LengthUse {
  return { network: 'linkedin', used: [...text].length, limit: 3000, unit: 'characters' };
}

export function lengthFor(network: Network, text: string, config: Config): LengthUse {
  switch (network) {
    case 'bluesky': return bluesky(text);
    case 'mastodon': return mastodon(text, config);
    case 'threads': return threads(text);
    case 'x': return x(text);
    case 'linkedin': return linkedin(text);
  }
}

/** True when the text is over any limit of the network. */
export function isOver(u: LengthUse): boolean {
  return u.used > u.limit || (u.bytes !== undefined && u.bytes.used > u.bytes.limit);
}

/** What each network accepts as media. Sources: Bluesky app limits, Mastodon's MediaAttachment validations, X and LinkedIn upload docs. */
export const MEDIA_RULES: Record<Network, { max: number; types: Record<string, number> }> = {
  bluesky: { max: 4, types: { 'image/jpeg': 2_000_000, 'image/png': 2_000_000, 'image/webp': 2_000_000, 'image/gif': 2_000_000 } },
  mastodon: { max: 4, types: { 'image/jpeg': 16_777_216, 'image/png': 16_777_216, 'image/webp': 16_777_216, 'image/gif': 16_777_216, 'video/mp4': 103_809_024 } },
  // https://developers.facebook.com/docs/threads/overview#image-specifications: JPEG or PNG, 8 MB;
  // a carousel holds up to 10 items (https://developers.facebook.com/docs/threads/posts#carousel-posts).
  threads: { max: 10, types: { 'image/jpeg': 8_388_608, 'image/png': 8_388_608 } },
  x: { max: 4, types: { 'image/jpeg': 5_242_880, 'image/png': 5_242_880, 'image/webp': 5_242_880, 'image/gif': 15_728_640, 'video/mp4': 536_870_912 } },
  linkedin: { max: 9, types: { 'image/jpeg': 10_000_000, 'image/png': 10_000_000, 'image/gif': 10_000_000, 'video/mp4': 209_715_200 } },
};

/** MIME type from the file name; copydesk never guesses from content. */
export function mimeOf(path: string): string | undefined {
  const ext = path.toLowerCase().split('.').pop();
  return ({ jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', mp4: 'video/mp4' } as Record<string, string>)[ext ?? ''];
}
