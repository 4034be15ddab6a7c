import { describe, expect, it } from 'vitest';
import { mastodonUrlDisplay, previewSegments } from '../../src/site/preview-segments.ts';

const TEXT = 'Rhubarb tart #SpringMenu with @anna.bsky.social and @piotr@mastodon.example https://www.example.com/menu/spring/rhubarb-tart-and-other-seasonal-bakes today';

describe('previewSegments', () => {
  it('Bluesky: links, hashtags and mentions exactly where the channel puts facets, addressed as bsky.app does', () => {
    const segs = previewSegments('bluesky', TEXT);
    expect(segs.filter((s) => s.kind !== 'text')).toEqual([
      { kind: 'tag', text: '#SpringMenu', href: 'https://bsky.app/hashtag/SpringMenu' },
      { kind: 'mention', text: '@anna.bsky.social', href: 'https://bsky.app/profile/anna.bsky.social' },
      { kind: 'link', text: 'https://www.example.com/menu/spring/rhubarb-tart-and-other-seasonal-bakes', href: 'https://www.example.com/menu/spring/rhubarb-tart-and-other-seasonal-bakes' },
    ]);
    expect(segs.map((s) => s.text).join('')).toBe(TEXT);
  });

  it('Mastodon: hashtags and mentions link to the instance, remote mentions to their server, long URLs shown cut at 30 characters', () => {
    const segs = previewSegments('mastodon', TEXT, { mastodonInstance: 'https://mastodon.example/' });
    const linked = segs.filter((s) => s.kind !== 'text');
    expect(linked.map((s) => [s.kind, s.text, 'href' in s ? s.href : ''])).toEqual([
      ['tag', '#SpringMenu', 'https://mastodon.example/tags/SpringMenu'],
      ['mention', '@anna.bsky.social', 'https://mastodon.example/@anna.bsky.social'],
      ['mention', '@piotr@mastodon.example', 'https://mastodon.example/@piotr'],
      ['link', 'https://www.example.com/menu/spring/rhubarb-tart-and-other-seasonal-bakes', 'https://www.example.com/menu/spring/rhubarb-tart-and-other-seasonal-bakes'],
    ]);
    const link = linked.at(-1)!;
    expect(link.kind === 'link' && link.display).toEqual({ prefix: 'https://www.', shown: 'example.com/menu/spring/rhubar', rest: 'b-tart-and-other-seasonal-bakes' });
    expect(segs.map((s) => s.text).join('')).toBe(TEXT);
  });

  it('a short URL is shown whole, without its scheme; a # inside a URL is not a hashtag', () => {
    expect(mastodonUrlDisplay('https://example.com/a')).toEqual({ prefix: 'https://', shown: 'example.com/a', rest: '' });
    const segs = previewSegments('mastodon', 'see https://example.com/#menu');
    expect(segs.filter((s) => s.kind === 'tag')).toEqual([]);
  });

  it('other networks show plain text', () => {
    expect(previewSegments('linkedin', 'hi #there')).toEqual([{ kind: 'text', text: 'hi #there' }]);
  });
});
