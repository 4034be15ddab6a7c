/**
 * Counting as each network counts, at the exact limit: emoji, combining marks and Polish
 * diacritics. One over the limit fails with the exact figures; at the limit passes.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { graphemes } from '../../src/check/lengths.ts';
import { lengthRule } from '../../src/check/rules/length.ts';
import type { RuleContext } from '../../src/check/rules/rule.ts';
import { NOW, postFrom } from './helpers.ts';

const config = defaultConfig();
config.channels.enabled = ['bluesky', 'mastodon', 'threads', 'x', 'linkedin'];
const ctx: RuleContext = { config, now: NOW, root: '/repo', changed: true, allPosts: [] };

async function lengthMessages(text: string, network: string): Promise<string[]> {
  const post = postFrom(text, { channels: `[${network}]` }, config);
  return (await lengthRule(post, ctx)).map((d) => d.message);
}

const FAMILY = '👨‍👩‍👧'; // one grapheme, 5 code points, 18 UTF-8 bytes
const A_OGONEK_COMBINING = 'a\u0328'; // "ą" as a + combining ogonek: one grapheme, 3 bytes

describe('Bluesky: 300 graphemes and 3,000 bytes', () => {
  it('300 Polish letters pass, 301 fail', async () => {
    expect(await lengthMessages('ż'.repeat(300), 'bluesky')).toEqual([]);
    expect(await lengthMessages('ż'.repeat(301), 'bluesky')).toEqual(['part 1 is 301/300 graphemes on bluesky']);
  });
  it('a letter with a combining mark is one grapheme', async () => {
    expect(await lengthMessages(A_OGONEK_COMBINING.repeat(300), 'bluesky')).toEqual([]);
    expect(await lengthMessages(A_OGONEK_COMBINING.repeat(301), 'bluesky')).toEqual(['part 1 is 301/300 graphemes on bluesky']);
  });
  it('a family emoji is one grapheme but 18 bytes: 3,000 bytes pass, 3,001 fail', async () => {
    // 166 × 18 = 2,988 bytes, + 12 letters = 3,000; 179 graphemes, well under 300.
    expect(await lengthMessages(FAMILY.repeat(166) + 'a'.repeat(12), 'bluesky')).toEqual([]);
    expect(await lengthMessages(FAMILY.repeat(166) + 'a'.repeat(13), 'bluesky')).toEqual(['part 1 is 3001/3000 bytes on bluesky']);
  });
});

describe('Mastodon: the instance limit, in characters (graphemes), URLs count 23', () => {
  it('500 Polish letters pass, 501 fail', async () => {
    expect(await lengthMessages('ą'.repeat(500), 'mastodon')).toEqual([]);
    expect(await lengthMessages('ą'.repeat(501), 'mastodon')).toEqual(['part 1 is 501/500 characters on mastodon']);
  });
  it('emoji count one each', async () => {
    expect(await lengthMessages(FAMILY.repeat(500), 'mastodon')).toEqual([]);
    expect(await lengthMessages(FAMILY.repeat(501), 'mastodon')).toEqual(['part 1 is 501/500 characters on mastodon']);
  });
  it('a long URL counts 23', async () => {
    const url = `https://example.com/${'p'.repeat(200)}`;
    expect(await lengthMessages(`${'x'.repeat(476)} ${url}`, 'mastodon')).toEqual([]);
    expect(await lengthMessages(`${'x'.repeat(477)} ${url}`, 'mastodon')).toEqual(['part 1 is 501/500 characters on mastodon']);
  });
  it('uses the instance limit from the configuration', async () => {
    const big = structuredClone(config);
    big.channels.mastodon.maxCharacters = 1000;
    const post = postFrom('y'.repeat(1001), { channels: '[mastodon]' }, big);
    expect((await lengthRule(post, { ...ctx, config: big })).map((d) => d.message)).toEqual(['part 1 is 1001/1000 characters on mastodon']);
  });
});

describe('X: 280 weighted characters', () => {
  it('emoji weigh 2: 140 pass, 141 fail', async () => {
    expect(await lengthMessages('😀'.repeat(140), 'x')).toEqual([]);
    expect(await lengthMessages('😀'.repeat(141), 'x')).toEqual(['part 1 is 282/280 weighted characters on x']);
  });
  it('Polish letters weigh 1, also when written with a combining mark (normalised first)', async () => {
    expect(await lengthMessages('ż'.repeat(280), 'x')).toEqual([]);
    expect(await lengthMessages(A_OGONEK_COMBINING.repeat(280), 'x')).toEqual([]);
    expect(await lengthMessages(A_OGONEK_COMBINING.repeat(281), 'x')).toEqual(['part 1 is 281/280 weighted characters on x']);
  });
});

describe('LinkedIn: 3,000 characters', () => {
  it('3,000 pass, 3,001 fail', async () => {
    expect(await lengthMessages('ł'.repeat(3000), 'linkedin')).toEqual([]);
    expect(await lengthMessages('ł'.repeat(3001), 'linkedin')).toEqual(['part 1 is 3001/3000 characters on linkedin']);
  });
});

describe('graphemes', () => {
  it('plain ASCII, tabs and newlines count one each; CR LF counts one; emoji and marks as the segmenter says', () => {
    expect(graphemes('Fresh bread\tat 7:00\n')).toBe(20);
    expect(graphemes('a\r\nb')).toBe(3);
    expect(graphemes(`x${FAMILY}${A_OGONEK_COMBINING}ż`)).toBe(4);
  });
});

describe('threads', () => {
  it('each part is counted on its own, and the message names the part', async () => {
    const post = postFrom(`Short first part.\n---\n${'w'.repeat(301)}\n---\nShort last part.`, { channels: '[bluesky]' }, config);
    const [d, ...rest] = await lengthRule(post, ctx);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ line: 8, message: 'part 2 is 301/300 graphemes on bluesky' });
    expect(d!.fix).toBe('Shorten part 2 by 1 graphemes, or split it into a thread with a line containing only `---`.');
  });
});

describe('Threads: 500 characters, links count as written', () => {
  it('500 characters pass, 501 fail; an emoji family is one', async () => {
    expect(await lengthMessages('ż'.repeat(499) + FAMILY, 'threads')).toEqual([]);
    expect(await lengthMessages('ż'.repeat(501), 'threads')).toEqual(['part 1 is 501/500 characters on threads']);
  });
  it('a long link is counted in full (Mastodon would count it as 23)', async () => {
    const url = `https://example.com/${'a'.repeat(100)}`;
    const text = `${'b'.repeat(400)} ${url}`;
    expect(await lengthMessages(text, 'mastodon')).toEqual([]);
    expect(await lengthMessages(text, 'threads')).toEqual([`part 1 is ${text.length}/500 characters on threads`]);
  });
});
