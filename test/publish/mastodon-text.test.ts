/** Read-back matching of Mastodon statuses: mentions lose their domain as Mastodon renders them. */
import { describe, expect, it } from 'vitest';
import { contentMatchesText, normaliseStatusText } from '../../src/publish/mastodon-text.ts';

describe('normaliseStatusText', () => {
  it('drops the domain of remote mentions, also with dots and dashes in the username', () => {
    expect(normaliseStatusText('Thanks @anna-nowak@bakery.example.social and @piotr.z@mastodon.social!')).toBe('Thanks @anna-nowak and @piotr.z!');
  });
  it('leaves e-mail addresses alone', () => {
    expect(normaliseStatusText('mail orders@bakery.example.com')).toBe('mail orders@bakery.example.com');
  });
  it('a posted text with a dashed remote mention matches its rendered content', () => {
    const html = '<p>Thanks <span class="h-card"><a href="https://bakery.example.social/@anna-nowak" class="u-url mention">@<span>anna-nowak</span></a></span>!</p>';
    expect(contentMatchesText(html, 'Thanks @anna-nowak@bakery.example.social!')).toBe(true);
  });
});
