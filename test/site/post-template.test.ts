import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import { quietDays } from '../../src/site/calendar.ts';
import { postTemplate, publishedNetworks } from '../../src/site/post-template.ts';
import { repoLinks } from '../../src/site/repo-links.ts';

const NOW = Date.parse('2027-03-10T23:30:00Z'); // already 11 March in Warsaw

describe('postTemplate', () => {
  it('is a post the parser accepts as is, a week after the build day in the team zone, at 10:00', () => {
    const config = { ...defaultConfig(), timezone: 'Europe/Warsaw' };
    const t = postTemplate(config, NOW);
    expect(t.filename).toBe('2027-03-18-new-post.md');
    const r = parsePost({ file: `posts/${t.filename}`, root: '/nowhere', bytes: new TextEncoder().encode(t.text), config });
    expect(r.ok && r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.post.id).toBe('2027-03-18-new-post');
    expect(new Date(r.post.publishAt!).toISOString()).toBe('2027-03-18T09:00:00.000Z');
    expect(r.post.draft).toBeFalsy();
  });

  it('names the networks the repository publishes to', () => {
    const parsed = parseConfig('channels:\n  mastodon:\n    instance: https://mastodon.example\n');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(publishedNetworks(parsed.config)).toEqual(['mastodon']);
  });

  it('fits GitHub\'s new-file editor link: the value survives the round trip', () => {
    const t = postTemplate(defaultConfig(), NOW);
    const url = new URL(repoLinks('https://github.com/o/r').newFile('posts', t.filename, t.text));
    expect(url.pathname).toBe('/o/r/new/main/posts');
    expect(url.searchParams.get('value')).toBe(t.text);
    expect(url.searchParams.get('filename')).toBe(t.filename);
  });
});

describe('quietDays', () => {
  it('shades every local day a period touches, `until` exclusive, across a DST change', () => {
    const from = Date.parse('2027-03-27T23:00:00Z'); // 28 March 00:00 CET; DST starts that night
    const until = Date.parse('2027-03-29T22:00:00Z'); // 30 March 00:00 CEST
    expect([...quietDays([{ from, until, reason: 'Easter' }], 'Europe/Warsaw')]).toEqual([['2027-03-28', ['Easter']], ['2027-03-29', ['Easter']]]);
  });
  it('a typo of a decade is cut at a year', () => {
    expect(quietDays([{ from: Date.parse('2027-01-01T00:00:00Z'), until: Date.parse('2037-01-01T00:00:00Z'), reason: 'x' }], 'UTC').size).toBe(366);
  });
});
