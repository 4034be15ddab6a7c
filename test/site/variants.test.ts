/** The site on per-network text: each network's preview is counted on the text it gets. */
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/config/config.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import { buildSiteData } from '../../src/site/data.ts';
import { previewSegments } from '../../src/site/preview-segments.ts';
import { textFor } from '../../src/post/part-text.ts';

const config: Config = { ...defaultConfig(), timezone: 'Europe/Warsaw' };

describe('per-network text on the site', () => {
  it('counts each network on its own text and previews that text', () => {
    const body = 'Rye is back.\n::: mastodon\nRye is back! Thanks @miller@mill.example #bakery\n:::\n';
    const r = parsePost({ file: 'posts/rye.md', root: '/repo', bytes: new TextEncoder().encode(`---\nid: rye\npublish_at: "2027-03-12 09:00"\nchannels: [bluesky, mastodon]\n---\n${body}`), config });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const data = buildSiteData({ posts: [r.post], events: [], freezes: [], config, now: Date.parse('2027-03-10T10:00:00Z') });
    const [bluesky, mastodon] = data.posts[0]!.networks;
    expect(bluesky!.lengths[0]!.used).toBe('Rye is back.'.length);
    // Mastodon counts `@miller@mill.example` as `@miller`.
    expect(mastodon!.lengths[0]!.used).toBe('Rye is back! Thanks @miller #bakery'.length);
    const part = r.post.parts[0]!;
    expect(previewSegments('mastodon', textFor(part, 'mastodon'), { mastodonInstance: 'https://mastodon.example' }).map((s) => s.text).join('')).toContain('#bakery');
    expect(previewSegments('bluesky', textFor(part, 'bluesky'), {}).map((s) => s.text).join('')).toBe('Rye is back.');
  });
});
