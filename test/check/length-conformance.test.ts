/**
 * The networks' own conformance cases, run against copydesk's counting (../../src/check/lengths.ts):
 * - twitter-text `conformance/validate.yml` (X weighted length) and `conformance/extract.yml`
 *   (the URLs Mastodon's length validator gives 23 characters: it extracts them with twitter-text,
 *   scheme required), copied as data into test/fixtures/conformance/twitter-text/;
 * - Mastodon `spec/validators/status_length_validator_spec.rb` (limit 500), cases written out below;
 * - atproto `packages/api/tests/rich-text.test.ts` (UTF-8 byte and grapheme lengths).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { lengthFor, mastodonCountable } from '../../src/check/lengths.ts';
import { FIXTURES } from './helpers.ts';

const config = defaultConfig();
const dir = join(FIXTURES, 'conformance', 'twitter-text');
/** The YAML files write astral characters as "\U0001f431", which YAML 1.2 reads as intended. */
const load = (f: string) => parse(readFileSync(join(dir, f), 'utf8')) as { tests: Record<string, { description: string; text: string; expected: unknown }[]> };
const validate = load('validate.yml').tests;
const extract = load('extract.yml').tests;
const mastodonUsed = (text: string) => lengthFor('mastodon', text, config).used;
// X counts with twitter-text's current configuration (v3: emoji weigh 2 however many code points):
// the WeightedTweetsWithDiscountedEmojiCounterTest and UnicodeDirectionalMarkerCounterTest sections.
// WeightedTweetsCounterTest is the retired v2 configuration: not applicable.
describe('twitter-text validate.yml: X weighted length', () => {
  const cases = [...validate.WeightedTweetsWithDiscountedEmojiCounterTest!, ...validate.UnicodeDirectionalMarkerCounterTest!];
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_d, c) => {
    const e = c.expected as { weightedLength: number; valid: boolean };
    const u = lengthFor('x', c.text, config);
    expect(u.used).toBe(e.weightedLength);
    // `valid` also covers invalid characters (U+FFFE…), which are not a length: the verdict on length is.
    expect(u.used <= u.limit).toBe(e.weightedLength <= 280);
  });
  it('ran every case', () => expect(cases.length).toBeGreaterThan(20));
});

// validate.yml's `urls`, `usernames`, `lists` and `hashtags` sections test isValidUrl & co. on a
// lone string (is it a well-formed URL?), which no network's length count uses: not applicable.

describe('twitter-text extract.yml: the URLs Mastodon links (with a scheme)', () => {
  const cases = extract.urls!.filter((c) => Array.isArray(c.expected) && (c.expected as string[]).every((u) => /^https?:\/\//i.test(u)) && /:\/\//.test(c.text));
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_d, c) => {
    const expected = (c.expected as string[]).filter((u) => c.text.includes(u));
    const countable = mastodonCountable(c.text, 23);
    // Every URL the conformance file extracts is replaced by exactly 23 characters, nothing else is.
    let rebuilt = c.text;
    for (const u of expected) rebuilt = rebuilt.replace(u, 'x'.repeat(23));
    expect(countable).toBe(rebuilt);
  });
  it('ran the cases', () => expect(cases.length).toBeGreaterThan(40));
});

describe('twitter-text extract.yml: urls_with_indices (with a scheme)', () => {
  const cases = extract.urls_with_indices!.filter((c) => (c.expected as { url: string }[]).length > 0 && (c.expected as { url: string }[]).every((e) => /^https?:\/\//i.test(e.url)));
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_d, c) => {
    const expected = c.expected as { url: string; indices: [number, number] }[];
    let rebuilt = '';
    let at = 0;
    // Indices are in code points; the text is rebuilt around them.
    const chars = [...c.text];
    for (const e of expected) {
      rebuilt += chars.slice(at, e.indices[0]).join('') + 'x'.repeat(23);
      at = e.indices[1];
    }
    rebuilt += chars.slice(at).join('');
    expect(mastodonCountable(c.text, 23)).toBe(rebuilt);
  });
});

/** spec/validators/status_length_validator_spec.rb (MAX_CHARS 500): text → accepted. */
const MASTODON_SPEC: [string, string, boolean][] = [
  ['text over the limit', 'a'.repeat(520), false],
  ['auto-linkable space-separated URL counts 23', `${'a'.repeat(476)} http://${'b'.repeat(30)}.com/example`, true],
  ['a URL glued to text is not linked and counts in full', `${'a'.repeat(476)}http://${'b'.repeat(30)}.com/example`, false],
  ['an overly long URL counts in full', `http://example.com/valid?${'#foo?'.repeat(1000)}`, false],
  ['only the front part of remote usernames counts', `${'a'.repeat(475)} @alice@${'b'.repeat(30)}.com`, true],
  ['both parts count for overly long domains', `@alice@${'b'.repeat(500)}.com`, false],
  ['multi-byte emoji count one each', '✨'.repeat(500), true],
  ['ZWJ sequence emoji count one each', '🏳️‍⚧️'.repeat(500), true],
];

describe("Mastodon's StatusLengthValidator spec", () => {
  it.each(MASTODON_SPEC)('%s', (_d, text, ok) => {
    expect(mastodonUsed(text) <= 500).toBe(ok);
  });
});

describe('Mastodon: the cases copydesk used to get wrong', () => {
  it('a remote mention with a dot or dash in the username counts only @user', () => {
    expect(mastodonUsed('hi @anna.nowak@bakery.example.social')).toBe('hi @anna.nowak'.length);
    expect(mastodonUsed('hi @anna-nowak@bakery.example.social!')).toBe('hi @anna-nowak!'.length);
  });
  it('a URL with parentheses counts 23 in full, not 23 plus the tail', () => {
    expect(mastodonUsed('see https://en.wikipedia.org/wiki/Bread_(disambiguation) ok')).toBe(4 + 23 + 3);
    expect(mastodonUsed('(menu: https://example.com/menu)')).toBe(7 + 23 + 1);
  });
  it('a URL without a known TLD counts every character, as Mastodon does', () => {
    const url = 'https://bakery.internal/menu';
    expect(mastodonUsed(`menu ${url}`)).toBe(5 + url.length);
  });
  it('a mention inside an e-mail address or a URL is no mention', () => {
    expect(mastodonUsed('mail anna@bakery.example.com')).toBe('mail anna@bakery.example.com'.length);
  });
});

describe('atproto rich-text: UTF-8 bytes and graphemes (packages/api/tests/rich-text.test.ts)', () => {
  const family = '👨‍👩‍👧‍👧'; // 11 UTF-16 units, 25 UTF-8 bytes
  it.each([
    [family.repeat(3), 3, 75],
    [`one${family}`, 4, 28],
    [`one${family} two${family} three${family}`, 16, 88],
    ['hello world', 11, 11],
  ])('%s: %i graphemes, %i bytes', (text, g, b) => {
    const u = lengthFor('bluesky', text, config);
    expect(u.used).toBe(g);
    expect(u.bytes!.used).toBe(b);
  });
});
