/** `contentProblems`: the errors the publisher re-checks, from the check's own rules. */
import { describe, expect, it } from 'vitest';
import { contentProblems } from '../../src/check/content-problems.ts';
import { defaultConfig } from '../../src/config/config.ts';
import { postFrom } from './helpers.ts';

const config = defaultConfig();

describe('contentProblems', () => {
  it('is empty for a clean post, and ignores warnings (a reviewer saw those)', async () => {
    expect(await contentProblems(postFrom('Our damn good rye is back on Church Street.'), config)).toEqual([]);
  });
  it('reports length, profanity and watch-list errors with their rule ids', async () => {
    const c = { ...defaultConfig(), watchlist: [{ term: 'flood', reason: 'floods' }] };
    const list = await contentProblems(postFrom(`Shit, a flood of orders. ${'y'.repeat(300)}`, { channels: '[bluesky]' }, c), c);
    expect(list.map((d) => d.ruleId).sort()).toEqual(['length', 'shit', 'watchlist']);
  });
  it('skips the English profanity list on Polish text', async () => {
    expect(await contentProblems(postFrom('Świeży chleb na zakwasie już jest, przyjdźcie wcześnie rano, shit happens.', { lang: 'pl' }), config)).toEqual([]);
  });
});
