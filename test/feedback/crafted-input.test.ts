/**
 * What a stranger controls: the post record on Bluesky (any JSON their client writes), the HTML
 * of a status on Mastodon, and (from a hostile or broken instance) the Link header. None of it
 * may crash the collector, run, redirect the token, or backdate the response clock.
 */
import { describe, expect, test } from 'vitest';
import { fromNotification } from '../../src/feedback/bluesky-notifications.ts';
import { htmlToText, MAX_TEXT } from '../../src/feedback/html-text.ts';
import { createMastodonReader } from '../../src/feedback/mastodon-notifications.ts';
import { threadConversations } from '../../src/feedback/thread-conversations.ts';

const author = { did: 'did:plc:stranger', handle: 'stranger.test' };
const base = { uri: 'at://did:plc:stranger/app.bsky.feed.post/3k', cid: 'bafy1', reason: 'reply', author, indexedAt: '2027-03-15T09:00:00.000Z' };

describe('a crafted Bluesky record', () => {
  test('a createdAt in the future is clamped to when the AppView indexed it', () => {
    const m = fromNotification({ ...base, record: { text: 'hi', createdAt: '2099-01-01T00:00:00Z' } })!;
    expect(m.message.createdAt).toBe(Date.parse(base.indexedAt));
  });

  test('malformed reply refs make the post its own conversation; wrong types give empty text', () => {
    for (const reply of [{ root: { uri: 'https://evil.example', cid: 'x' }, parent: { uri: 'at://a/b/c', cid: 'y' } }, { root: 'nope' }, null, 42]) {
      const m = fromNotification({ ...base, record: { text: 42, reply } })!;
      expect(m.root.id).toBe(base.uri);
      expect(m.message.parent).toBeUndefined();
      expect(m.message.text).toBe('');
    }
  });

  test('a huge text is capped; a record without an author or uri is dropped; other reasons are ignored', () => {
    expect(fromNotification({ ...base, record: { text: 'x'.repeat(MAX_TEXT * 3) } })!.message.text).toHaveLength(MAX_TEXT + 1);
    expect(fromNotification({ ...base, author: { handle: 'no-did' }, record: {} })).toBeUndefined();
    expect(fromNotification({ ...base, uri: 'not-an-at-uri', record: {} })).toBeUndefined();
    expect(fromNotification({ ...base, reason: 'like', record: {} })).toBeUndefined();
  });

  test('the same notification twice in one batch is one message', () => {
    const m = fromNotification({ ...base, record: { text: 'twice' } })!;
    const convs = threadConversations('bluesky', new Map(), [m, m], 1);
    expect([...convs.values()][0]!.messages).toHaveLength(1);
  });
});

describe('Mastodon status HTML', () => {
  test('becomes plain text: paragraphs, line breaks, full link targets, mentions and hashtags as written; markup is never kept', () => {
    const html =
      '<p><span class="h-card"><a href="https://m.example/@copydesk" class="u-url mention">@<span>copydesk</span></a></span> cake &amp; <b>bread</b><br />was bad <a href="https://m.example/tags/fail" class="mention hashtag" rel="tag">#<span>fail</span></a></p>' +
      '<p><a href="https://example.com/a/very/long/path/that/is/shortened"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very/long/path/</span><span class="invisible">that/is/shortened</span></a></p><script>alert(1)</script>';
    expect(htmlToText(html)).toBe('@copydesk cake & bread\nwas bad #fail\n\nhttps://example.com/a/very/long/path/that/is/shortened\n\nalert(1)');
    expect(htmlToText('<p><a href="javascript:alert(1)">click</a></p>')).toBe('click');
  });
});

describe('a hostile Link header', () => {
  test('never sends the token to another host: only its min_id is used, on our own instance', async () => {
    const hosts: string[] = [];
    const acct = { id: '1', acct: 'maria' };
    let page = 0;
    const stub: typeof fetch = async (input) => {
      const url = new URL(String(input));
      hosts.push(url.host);
      if (url.pathname === '/api/v1/accounts/verify_credentials') return Response.json({ id: '99', acct: 'copydesk' });
      if (url.pathname === '/api/v1/notifications') {
        page += 1;
        if (page > 1) return Response.json([]);
        return Response.json([{ id: '10', type: 'mention', created_at: '2027-03-15T09:00:00Z', account: acct, status: { id: '500', content: '<p>hi</p>', visibility: 'public', account: acct, in_reply_to_id: null } }], { headers: { Link: '<https://evil.example/api/v1/notifications?min_id=10>; rel="prev"' } });
      }
      return new Response('{}', { status: 404 });
    };
    const r = await createMastodonReader({ instance: 'https://shop.example', token: 't', fetch: stub }).read('5');
    expect(r).toMatchObject({ ok: true, cursor: '10', truncated: false });
    expect(new Set(hosts)).toEqual(new Set(['shop.example']));
  });
});
