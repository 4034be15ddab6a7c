/**
 * The Mastodon channel against the strict local fake: what a shop owner would see on their
 * account (one status per part, alt text, threads, no double posts) and what the publisher is told
 * when the instance misbehaves.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { OutgoingPart } from '../../src/publish/channel.ts';
import { createMastodonChannel, fetchMastodonLimits } from '../../src/publish/mastodon.ts';
import type { MastodonChannelOptions } from '../../src/publish/mastodon.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';

const TOKEN = 'mstdn-SECRET-token-7f3a9c2e5b1d';
const HOUR = 60 * 60_000;

let dir: string;
let photo: string;
const PHOTO = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
let fake: MastodonFake;
/** Every result any channel returned in the current test: none may contain the token. */
let seen: unknown[];
let sleeps: number[];
/** The fake's clock when the test started: the parts' scheduled time. */
let t0: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'copydesk-mastodon-'));
  photo = join(dir, 'shop-window.png');
  // The PNG signature and a few bytes: the fake, like Mastodon, goes by the declared MIME type.
  await writeFile(photo, PHOTO);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN });
  seen = [];
  sleeps = [];
  t0 = fake.now;
});
afterEach(async () => {
  await fake.close();
  expect(fake.violations).toEqual([]);
  expect(JSON.stringify(seen)).not.toContain(TOKEN);
});

function channel(extra: Partial<MastodonChannelOptions> = {}) {
  const ch = createMastodonChannel({
    instance: fake.url,
    token: TOKEN,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    mediaPollMs: 7,
    timeoutMs: 2_000,
    ...extra,
  });
  return {
    send: async (p: OutgoingPart) => {
      const r = await ch.send(p);
      seen.push(r);
      return r;
    },
    find: async (p: OutgoingPart) => {
      const r = await ch.find(p);
      seen.push(r);
      return r;
    },
  };
}

function part(overrides: Partial<OutgoingPart> = {}): OutgoingPart {
  return {
    postId: 'spring-sale',
    part: 0,
    partsTotal: 1,
    text: 'Spring sale starts today: 20% off all plants!',
    lang: 'en-GB',
    media: [],
    idempotencyKey: 'copydesk-spring-sale-mastodon-0',
    scheduledAt: t0,
    now: new Date(t0),
    ...overrides,
  };
}

const statusPosts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');

describe('publishing', () => {
  test('text with a photo becomes one public status whose photo carries the alt text', async () => {
    const result = await channel().send(
      part({ media: [{ repoPath: 'posts/media/shop-window.png', absPath: photo, bytes: PHOTO, alt: 'Our shop window full of tulips', mime: 'image/png' }] }),
    );

    expect(fake.statuses).toHaveLength(1);
    const [status] = fake.statuses;
    expect(result).toEqual({ status: 'sent', ref: { id: status?.id, url: status?.url } });
    expect(status?.text).toBe('Spring sale starts today: 20% off all plants!');
    expect(status?.visibility).toBe('public');
    expect(status?.language).toBe('en');
    expect(status?.in_reply_to_id).toBeNull();
    expect(status?.media.map((m) => [m.description, m.mime, m.filename])).toEqual([
      ['Our shop window full of tulips', 'image/png', 'shop-window.png'],
    ]);
    expect(statusPosts()[0]?.idempotencyKey).toBe('copydesk-spring-sale-mastodon-0');
    expect(fake.requests.every((r) => r.auth === 'valid')).toBe(true);
  });

  test('a thread goes out as replies, each part answering the previous one', async () => {
    const ch = channel();
    const texts = ['1/3 We are moving!', '2/3 New address: 12 Mill Lane.', '3/3 Opening party on Saturday.'];
    let parent: OutgoingPart['parent'];
    const ids: string[] = [];
    for (const [i, text] of texts.entries()) {
      const r = await ch.send(
        part({ text, part: i, partsTotal: 3, parent, idempotencyKey: `copydesk-move-mastodon-${i}`, visibility: 'unlisted' }),
      );
      expect(r.status).toBe('sent');
      if (r.status !== 'sent') return;
      parent = r.ref;
      ids.push(r.ref.id);
    }
    expect(fake.statuses.map((s) => s.text)).toEqual(texts);
    expect(fake.statuses.map((s) => s.in_reply_to_id)).toEqual([null, ids[0], ids[1]]);
    expect(fake.statuses.every((s) => s.visibility === 'unlisted')).toBe(true);
  });

  test('an upload still processing (202) is polled until ready before the status is posted', async () => {
    fake.mediaProcessingPolls = 2;
    const result = await channel().send(part({ media: [{ repoPath: 'posts/media/shop-window.png', absPath: photo, bytes: PHOTO, alt: 'Tulips', mime: 'image/png' }] }));

    expect(result.status).toBe('sent');
    const mediaGets = fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/media/'));
    expect(mediaGets).toHaveLength(3); // 206, 206, then 200 with a url
    expect(sleeps).toEqual([7, 7, 7]);
    const order = fake.requests.map((r) => `${r.method} ${r.path.replace(/\d+$/, ':id')}`);
    expect(order).toEqual([
      'POST /api/v2/media',
      'GET /api/v1/media/:id',
      'GET /api/v1/media/:id',
      'GET /api/v1/media/:id',
      'POST /api/v1/statuses',
    ]);
    expect(fake.statuses[0]?.media[0]?.description).toBe('Tulips');
  });

  test('media that never finishes processing is retried later and posts nothing', async () => {
    fake.mediaProcessingPolls = 10;
    const result = await channel({ mediaPollMax: 3 }).send(
      part({ media: [{ repoPath: 'posts/media/shop-window.png', absPath: photo, bytes: PHOTO, alt: 'Tulips', mime: 'image/png' }] }),
    );
    expect(result.status).toBe('retry');
    expect(fake.statuses).toHaveLength(0);
    expect(statusPosts()).toHaveLength(0);
  });
});

describe('exactly once', () => {
  test('the same part sent twice within the hour makes one status', async () => {
    const ch = channel();
    const first = await ch.send(part());
    fake.now += 59 * 60_000;
    const second = await ch.send(part());

    expect(fake.statuses).toHaveLength(1);
    expect(second).toEqual(first);
    expect(statusPosts().map((r) => r.idempotencyKey)).toEqual([
      'copydesk-spring-sale-mastodon-0',
      'copydesk-spring-sale-mastodon-0',
    ]);
  });

  test('after the one-hour key window, find reads the part back so it is not sent again', async () => {
    const ch = channel();
    const first = await ch.send(part());
    fake.now += 3 * HOUR;

    const found = await ch.find(part());
    expect(found).toEqual({ status: 'found', ref: first.status === 'sent' ? first.ref : undefined });
    expect(fake.statuses).toHaveLength(1);

    // Why the read-back matters: the key alone no longer protects after an hour.
    await ch.send(part());
    expect(fake.statuses).toHaveLength(2);
  });

  test('find recognises rendered HTML: links, hashtags, mentions, entities and line breaks', async () => {
    const text =
      "Tom & Jo's <3 for plants\nSee https://example.com/shop/spring-collection-2025/tulips?ref=masto\n\n" +
      '#gardening with @friend@other.example';
    const ch = channel();
    const sent = await ch.send(part({ text }));
    expect(fake.statuses[0]?.content).toContain('<br />');
    expect(fake.statuses[0]?.content).toContain('&amp;');

    fake.now += 2 * HOUR;
    expect(await ch.find(part({ text }))).toEqual({
      status: 'found',
      ref: sent.status === 'sent' ? sent.ref : undefined,
    });
    expect(await ch.find(part({ text: `${text} (updated)` }))).toEqual({ status: 'absent' });
  });

  test('find only matches a reply with the same parent, and never last week’s identical post', async () => {
    const ch = channel();
    const root = await ch.send(part({ text: 'Open today 9–5!' }));
    if (root.status !== 'sent') throw new Error('root not sent');
    await ch.send(part({ text: 'Come by', parent: root.ref, idempotencyKey: 'k-1', part: 1, partsTotal: 2 }));

    expect((await ch.find(part({ text: 'Come by', parent: root.ref }))).status).toBe('found');
    expect(await ch.find(part({ text: 'Come by' }))).toEqual({ status: 'absent' });

    fake.now += 7 * 24 * HOUR;
    expect(await ch.find(part({ text: 'Open today 9–5!', idempotencyKey: 'next-week', scheduledAt: fake.now }))).toEqual({
      status: 'absent',
    });
  });
});

describe('when the instance misbehaves', () => {
  test('422 fails with the server’s reason and what to do', async () => {
    fake.failNextStatusPosts({ kind: 'unprocessable', error: 'Validation failed: Text character limit of 500 exceeded' });
    const result = await channel().send(part());
    expect(result).toMatchObject({ status: 'failed' });
    if (result.status !== 'failed') return;
    expect(result.error).toContain('Validation failed: Text character limit of 500 exceeded');
    expect(result.action).toMatch(/change the text/i);
    expect(fake.statuses).toHaveLength(0);
  });

  test('a media file the instance refuses fails with a media action, and no status is posted', async () => {
    const result = await channel().send(part({ media: [{ repoPath: 'posts/media/shop-window.png', absPath: photo, bytes: PHOTO, alt: 'x', mime: 'text/plain' }] }));
    expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('File content type is invalid') });
    expect(result.status === 'failed' && result.action).toMatch(/media file/);
    expect(statusPosts()).toHaveLength(0);
  });

  test('429 is retried at the time in X-RateLimit-Reset', async () => {
    const reset = '2025-03-01T09:05:00.019685Z';
    fake.failNextStatusPosts({ kind: 'rate-limited', reset });
    const result = await channel().send(part());
    expect(result).toMatchObject({ status: 'retry', retryAt: Date.parse('2025-03-01T09:05:00.019Z') });
    expect(fake.statuses).toHaveLength(0);
  });

  test('401 fails and names the secret to rotate, never its value', async () => {
    fake.failNextStatusPosts({ kind: 'unauthorized' });
    const result = await channel().send(part());
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.action).toContain('MASTODON_TOKEN');

    fake.revokeToken();
    const found = await channel().find(part());
    expect(found.status).toBe('unknown');
    expect(found.status === 'unknown' && found.error).toContain('MASTODON_TOKEN');
  });

  test('a 500 after the status was created is unknown, and find then reports it (no double post)', async () => {
    fake.failNextStatusPosts({ kind: 'server-error', status: 500, created: true });
    const ch = channel();
    expect((await ch.send(part())).status).toBe('unknown');
    const found = await ch.find(part());
    expect(found).toEqual({ status: 'found', ref: { id: fake.statuses[0]?.id, url: fake.statuses[0]?.url } });
    expect(fake.statuses).toHaveLength(1);
  });

  test('a 503 before anything was created is unknown, and find then reports it absent', async () => {
    fake.failNextStatusPosts({ kind: 'server-error', status: 503, created: false });
    const ch = channel();
    expect((await ch.send(part())).status).toBe('unknown');
    expect(await ch.find(part())).toEqual({ status: 'absent' });
  });

  test('accepted then connection dropped is unknown, and find then reports it found', async () => {
    fake.failNextStatusPosts({ kind: 'accept-then-close' });
    const ch = channel();
    const result = await ch.send(part());
    expect(result.status).toBe('unknown');
    expect(fake.statuses).toHaveLength(1);
    expect((await ch.find(part())).status).toBe('found');
    expect(fake.statuses).toHaveLength(1);
  });

  test('accepted then no answer times out as unknown, and find then reports it found', async () => {
    fake.failNextStatusPosts({ kind: 'accept-then-hang' });
    const ch = channel({ timeoutMs: 300 });
    const started = performance.now();
    const result = await ch.send(part());
    expect(result).toMatchObject({ status: 'unknown', error: expect.stringContaining('300 ms') });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await ch.find(part())).status).toBe('found');
    expect(fake.statuses).toHaveLength(1);
  });

  test('a refused connection (nothing sent) is a plain retry', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const ch = createMastodonChannel({ instance: `http://127.0.0.1:${port}`, token: TOKEN });
    const sent = await ch.send(part());
    const found = await ch.find(part());
    seen.push(sent, found);
    expect(sent).toMatchObject({ status: 'retry', error: expect.stringContaining('ECONNREFUSED') });
    expect(found.status).toBe('unknown');
  });

  test('a bad instance setting fails with an action instead of throwing', async () => {
    const ch = createMastodonChannel({ instance: 'mastodon.social', token: TOKEN });
    const sent = await ch.send(part());
    seen.push(sent);
    expect(sent).toMatchObject({ status: 'failed', action: expect.stringContaining('https://') });
  });
});

describe('quiet and safe', () => {
  test('creating a channel and leaving it idle makes no request at all', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    createMastodonChannel({ instance: fake.url, token: TOKEN, fetch: counting });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  test('find asks for the account once per channel, then only reads statuses', async () => {
    const ch = channel();
    await ch.find(part());
    await ch.find(part());
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/api/v1/accounts/verify_credentials',
      `/api/v1/accounts/${fake.accountId}/statuses`,
      `/api/v1/accounts/${fake.accountId}/statuses`,
    ]);
    expect(fake.requests[1]?.query).toEqual({ limit: '40' });
  });

  test('the fake rejects what a real client must never do', async () => {
    const noAuth = await fetch(`${fake.url}/api/v1/statuses`, { method: 'POST', body: 'status=hi' });
    const unknown = await fetch(`${fake.url}/api/v1/timelines/home`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const scheduled = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Idempotency-Key': 'k', 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'hi', scheduled_at: '2025-03-02T09:00:00Z' }),
    });
    expect([noAuth.status, unknown.status, scheduled.status]).toEqual([599, 599, 599]);
    expect(fake.violations).toHaveLength(3);
    expect(fake.statuses).toHaveLength(0);
    fake.violations.length = 0;
  });
});

describe('fetchMastodonLimits', () => {
  test('reads the instance’s own limits', async () => {
    await fake.close();
    fake = await startMastodonFake({ token: TOKEN, maxCharacters: 1000, maxMediaAttachments: 6 });
    expect(await fetchMastodonLimits({ instance: `${fake.url}/` })).toEqual({
      maxCharacters: 1000,
      charactersReservedPerUrl: 23,
      maxMediaAttachments: 6,
    });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual(['GET /api/v2/instance missing']);
  });

  test('answers an error instead of throwing when the instance cannot be asked', async () => {
    const result = await fetchMastodonLimits({ instance: 'http://127.0.0.1:9', token: TOKEN });
    seen.push(result);
    expect(result).toMatchObject({ error: expect.stringContaining('/api/v2/instance') });
  });
});
