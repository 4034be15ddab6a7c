/**
 * Text length as each network counts it. Used by the length rule, the PR preview and the site,
 * so a reviewer sees the same number the check enforces.
 */
import { createRequire } from 'node:module';
import type { Config } from '../config/config.ts';
import type { Network } from '../publish/channel.ts';

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
const URL_PATTERN = /\bhttps?:\/\/[^\s<>()]+[^\s<>().,:;!?'"]/gi;

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
 * Mastodon's StatusLengthValidator: grapheme clusters, every URL counts as
 * `characters_reserved_per_url` (23), and a remote mention counts only its username part.
 * https://docs.joinmastodon.org/user/posting/#text
 */
function mastodon(text: string, config: Config): LengthUse {
  const countable = text
    .replace(URL_PATTERN, 'x'.repeat(config.channels.mastodon.charactersPerUrl))
    .replace(/(^|[^\w@])@(\w+)@[\w.-]+\w/g, '$1@$2');
  return { network: 'mastodon', used: graphemes(countable), limit: config.channels.mastodon.maxCharacters, unit: 'characters' };
}

// twitter-text is large (~0.2 s to load): loaded on first use, so only repositories posting to X pay.
const require = createRequire(import.meta.url);
let parseTweet: ((text: string) => { weightedLength: number }) | undefined;

/** X counts weighted characters (CJK and emoji weigh 2, URLs 23): twitter-text implements it. */
function x(text: string): LengthUse {
  parseTweet ??= (require('twitter-text') as { parseTweet: (text: string) => { weightedLength: number } }).parseTweet;
  const r = parseTweet(text);
  return { network: 'x', used: r.weightedLength, limit: 280, unit: 'weighted characters' };
}

/** LinkedIn's share commentary limit is 3,000 characters. */
function linkedin(text: string): LengthUse {
  return { network: 'linkedin', used: [...text].length, limit: 3000, unit: 'characters' };
}

export function lengthFor(network: Network, text: string, config: Config): LengthUse {
  switch (network) {
    case 'bluesky': return bluesky(text);
    case 'mastodon': return mastodon(text, config);
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
  x: { max: 4, types: { 'image/jpeg': 5_242_880, 'image/png': 5_242_880, 'image/webp': 5_242_880, 'image/gif': 15_728_640, 'video/mp4': 536_870_912 } },
  linkedin: { max: 9, types: { 'image/jpeg': 10_000_000, 'image/png': 10_000_000, 'image/gif': 10_000_000, 'video/mp4': 209_715_200 } },
};

/** MIME type from the file name; copydesk never guesses from content. */
export function mimeOf(path: string): string | undefined {
  const ext = path.toLowerCase().split('.').pop();
  return ({ jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', mp4: 'video/mp4' } as Record<string, string>)[ext ?? ''];
}
