/**
 * The Bluesky channel against a real PDS (TestNetworkNoAppView, started once for this file). Every
 * test reads the records back from the PDS and checks what a reader of the post would see.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { AtUri } from '@atproto/api';
import { TID } from '@atproto/common-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aspectRatioOf } from '../../src/publish/bluesky-aspect-ratio.ts';
import { createBlueskyChannel, recordKeyFor } from '../../src/publish/bluesky.ts';
import type { OutgoingMedia, OutgoingPart, SentRef } from '../../src/publish/channel.ts';
import { startBlueskyServer } from '../helpers/bluesky-server.ts';
import type { BlueskyServer, TestAccount } from '../helpers/bluesky-server.ts';

const SCHEDULED = Date.UTC(2026, 2, 2, 9, 0, 0);
/** Seven minutes after the schedule: the record must carry this, not the scheduled time. */
const NOW = new Date(Date.UTC(2026, 2, 2, 9, 7, 13, 250));

function part(postId: string, overrides: Partial<OutgoingPart> = {}): OutgoingPart {
  const index = overrides.part ?? 0;
  return {
    postId,
    part: index,
    partsTotal: 1,
    text: `Hello from ${postId}`,
    lang: 'en',
    media: [],
    idempotencyKey: `${postId}:bluesky:${index}`,
    scheduledAt: SCHEDULED,
    now: NOW,
    ...overrides,
  };
}

/** A fetch that records the XRPC method of every request before passing it on. */
function countingFetch(inner: typeof fetch = fetch): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  const wrapped: typeof fetch = (input, init) => {
    calls.push(xrpcMethod(input));
    return inner(input, init);
  };
  return { fetch: wrapped, calls };
}

function xrpcMethod(input: Parameters<typeof fetch>[0]): string {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return url.pathname.replace('/xrpc/', '');
}

/** A real PNG of the given size (RGB, all pixels orange). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0xf0, 0x82, 0x2d]))]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('recordKeyFor', () => {
  it('gives the same valid TID for the same part, and distinct ordered TIDs for the parts of a thread', () => {
    const keys = [0, 1, 2].map((i) => recordKeyFor(part('spring-sale', { part: i })));
    expect(recordKeyFor(part('spring-sale', { part: 1 }))).toBe(keys[1]);
    expect(new Set(keys).size).toBe(3);
    expect([...keys].sort()).toEqual(keys);
    for (const [i, key] of keys.entries()) {
      expect(key).toMatch(/^[234567abcdefghij][234567a-z]{12}$/);
      expect(TID.fromStr(key).timestamp()).toBe(SCHEDULED * 1000 + i);
    }
  });

  it('separates two posts scheduled for the same instant by clock id', () => {
    const a = TID.fromStr(recordKeyFor(part('spring-sale')));
    const b = TID.fromStr(recordKeyFor(part('summer-hours')));
    expect(a.timestamp()).toBe(b.timestamp());
    expect(a.clockid()).not.toBe(b.clockid());
  });

  it('refuses a schedule no TID can encode, and the channel turns that into a failed result without any request', async () => {
    expect(() => recordKeyFor(part('old', { scheduledAt: 1000 }))).toThrow(RangeError);
    const counter = countingFetch(() => Promise.reject(new Error('no request expected')));
    const ch = createBlueskyChannel({ service: 'http://127.0.0.1:9', identifier: 'x.test', password: 'p', fetch: counter.fetch });
    expect(await ch.send(part('old', { scheduledAt: 1000 }))).toMatchObject({ status: 'failed', action: expect.stringContaining('schedule') });
    expect(await ch.find(part('old', { scheduledAt: 1000 }))).toMatchObject({ status: 'unknown' });
    expect(counter.calls).toEqual([]);
  });
});

describe('aspectRatioOf', () => {
  it('reads PNG, GIF, JPEG and WebP headers and gives up on anything else', () => {
    expect(aspectRatioOf(png(3, 2))).toEqual({ width: 3, height: 2 });
    expect(aspectRatioOf(Buffer.from([...Buffer.from('GIF89a'), 0x40, 0x01, 0xf0, 0x00, 0, 0]))).toEqual({ width: 320, height: 240 });
    // SOI, an APP0 segment of length 4, then SOF0 with height 480 and width 640.
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, 0, 0, 0]);
    expect(aspectRatioOf(jpeg)).toEqual({ width: 640, height: 480 });
    const webp = Buffer.alloc(30);
    webp.write('RIFF', 0, 'latin1');
    webp.write('WEBPVP8X', 8, 'latin1');
    webp.writeUIntLE(1199, 24, 3);
    webp.writeUIntLE(799, 27, 3);
    expect(aspectRatioOf(webp)).toEqual({ width: 1200, height: 800 });
    expect(aspectRatioOf(Buffer.from('not an image at all, just some text'))).toBeUndefined();
  });
});

describe('Bluesky channel against a local PDS', () => {
  let server: BlueskyServer;
  let bob: TestAccount;
  let mediaDir: string;

  beforeAll(async () => {
    mediaDir = await mkdtemp(path.join(os.tmpdir(), 'copydesk-bsky-media-'));
    server = await startBlueskyServer();
    bob = await server.createAccount('bob');
  });

  afterAll(async () => {
    await server?.close();
    if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
  });

  const channel = (extra: { fetch?: typeof fetch; timeoutMs?: number; password?: string } = {}) =>
    createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password, ...extra });

  /** The post record at a ref's uri, as the PDS stores it. */
  async function readPost(ref: SentRef): Promise<Record<string, any>> {
    const uri = new AtUri(ref.uri!);
    const res = await server.agent.com.atproto.repo.getRecord({ repo: uri.host, collection: uri.collection, rkey: uri.rkey });
    expect(res.data.cid).toBe(ref.cid);
    return res.data.value as Record<string, any>;
  }

  /** How many posts in the account carry this exact text. */
  async function postsWithText(text: string): Promise<number> {
    const res = await server.agent.com.atproto.repo.listRecords({ repo: server.did, collection: 'app.bsky.feed.post', limit: 100 });
    return res.data.records.filter((r) => (r.value as { text?: string }).text === text).length;
  }

  it('makes no request while idle (constructed, never used)', async () => {
    const counter = countingFetch();
    const ch = channel({ fetch: counter.fetch });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ch.name).toBe('bluesky');
    expect(counter.calls).toEqual([]);
  });

  it('publishes plain text with the real send time and language; find is absent before and found after; one login', async () => {
    const counter = countingFetch();
    const ch = channel({ fetch: counter.fetch });
    const p = part('plain', { text: 'Open until 6pm today.', lang: 'en' });
    expect(await ch.find(p)).toEqual({ status: 'absent' });

    const sent = await ch.send(p);
    expect(sent.status).toBe('sent');
    if (sent.status !== 'sent') return;
    const rkey = recordKeyFor(p);
    expect(sent.ref).toMatchObject({ id: rkey, uri: `at://${server.did}/app.bsky.feed.post/${rkey}`, url: `https://bsky.app/profile/${server.handle}/post/${rkey}` });

    const record = await readPost(sent.ref);
    expect(record.text).toBe('Open until 6pm today.');
    expect(record.langs).toEqual(['en']);
    expect(record.createdAt).toBe(NOW.toISOString());
    expect(record.facets).toBeUndefined();
    expect(record.reply).toBeUndefined();

    expect(await ch.find(p)).toEqual({ status: 'found', ref: sent.ref });
    expect(counter.calls.filter((m) => m === 'com.atproto.server.createSession')).toHaveLength(1);
  });

  it('links, hashtags and mentions after emoji and Polish diacritics point at exactly the right bytes; unknown handles stay text', async () => {
    const text = 'Cześć 👋🏽 zażółć gęślą jaźń! Nowości: https://example.com/wiosna?x=1 #WiosennaWyprzedaż z @bob.test i @ghost.test.';
    const sent = await channel().send(part('facets', { text, lang: 'pl' }));
    expect(sent.status).toBe('sent');
    if (sent.status !== 'sent') return;
    const record = await readPost(sent.ref);
    const bytes = Buffer.from(record.text as string, 'utf8');
    const covered = (record.facets as any[]).map((f) => ({
      text: bytes.subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'),
      feature: f.features[0],
    }));
    expect(covered).toEqual([
      { text: 'https://example.com/wiosna?x=1', feature: { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/wiosna?x=1' } },
      { text: '#WiosennaWyprzedaż', feature: { $type: 'app.bsky.richtext.facet#tag', tag: 'WiosennaWyprzedaż' } },
      { text: '@bob.test', feature: { $type: 'app.bsky.richtext.facet#mention', did: bob.did } },
    ]);
    expect(record.langs).toEqual(['pl']);
  });

  it('uploads an image with its alt text and size, and the PDS serves the same bytes back', async () => {
    const image = png(3, 2);
    const absPath = path.join(mediaDir, 'storefront.png');
    await writeFile(absPath, image);
    const media: OutgoingMedia[] = [{ repoPath: 'posts/media/storefront.png', absPath, bytes: image, alt: 'Our storefront at dusk, lights on', mime: 'image/png' }];
    const sent = await channel().send(part('image', { text: 'New sign is up!', media }));
    expect(sent.status).toBe('sent');
    if (sent.status !== 'sent') return;

    const record = await readPost(sent.ref);
    expect(record.embed.$type).toBe('app.bsky.embed.images');
    expect(record.embed.images).toHaveLength(1);
    const [img] = record.embed.images;
    expect(img.alt).toBe('Our storefront at dusk, lights on');
    expect(img.aspectRatio).toEqual({ width: 3, height: 2 });
    expect(img.image.mimeType).toBe('image/png');
    const blob = await server.agent.com.atproto.sync.getBlob({ did: server.did, cid: img.image.ref.toString() });
    expect(Buffer.from(blob.data)).toEqual(image);
  });

  it('refuses an image over the 2 MB limit before making any request', async () => {
    const absPath = path.join(mediaDir, 'huge.png');
    const counter = countingFetch();
    const result = await channel({ fetch: counter.fetch }).send(part('huge', { media: [{ repoPath: 'posts/media/huge.png', absPath, bytes: Buffer.alloc(2_000_001), alt: 'x', mime: 'image/png' }] }));
    expect(result).toMatchObject({ status: 'failed', action: expect.stringContaining('smaller') });
    expect(counter.calls).toEqual([]);
  });

  it('threads parts 2 and 3 under part 1 with the right root and parent', async () => {
    const ch = channel();
    const thread = (i: number, extra: Partial<OutgoingPart> = {}) =>
      part('thread', { part: i, partsTotal: 3, text: `Thread part ${i + 1}/3`, ...extra });
    const first = await ch.send(thread(0));
    if (first.status !== 'sent') throw new Error(`part 1: ${JSON.stringify(first)}`);
    const second = await ch.send(thread(1, { root: first.ref, parent: first.ref }));
    if (second.status !== 'sent') throw new Error(`part 2: ${JSON.stringify(second)}`);
    const third = await ch.send(thread(2, { root: first.ref, parent: second.ref }));
    if (third.status !== 'sent') throw new Error(`part 3: ${JSON.stringify(third)}`);

    const strong = (r: SentRef) => ({ uri: r.uri, cid: r.cid });
    expect((await readPost(first.ref)).reply).toBeUndefined();
    expect((await readPost(second.ref)).reply).toEqual({ root: strong(first.ref), parent: strong(first.ref) });
    expect((await readPost(third.ref)).reply).toEqual({ root: strong(first.ref), parent: strong(second.ref) });
  });

  it('sending the same part twice (a rerun after a crash) leaves ONE post and returns the same ref', async () => {
    const p = part('twice', { text: 'Only once, please.' });
    const first = await channel().send(p);
    const again = await channel().send({ ...p, now: new Date(NOW.getTime() + 60_000) });
    expect(first.status).toBe('sent');
    expect(again).toEqual(first);
    expect(await postsWithText('Only once, please.')).toBe(1);
    expect((await readPost((first as { ref: SentRef }).ref)).createdAt).toBe(NOW.toISOString());
  });

  it('recognises a post the PDS wrote when the answer was lost on the way back', async () => {
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (xrpcMethod(input) !== 'com.atproto.repo.createRecord') return res;
      await res.arrayBuffer();
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    };
    const p = part('lost-answer', { text: 'Written, answer lost.' });
    const result = await channel({ fetch: lossy }).send(p);
    expect(result).toMatchObject({ status: 'sent', ref: { id: recordKeyFor(p) } });
    expect(await postsWithText('Written, answer lost.')).toBe(1);
  });

  it('after a timeout, reports sent when the post is there and unknown when it is not', async () => {
    // Passes createRecord to the PDS (or not), then never answers: only the channel's timeout ends the wait.
    const stalling = (forward: boolean): typeof fetch => async (input, init) => {
      if (xrpcMethod(input) !== 'com.atproto.repo.createRecord') return fetch(input, init);
      if (forward) await (await fetch(input, { ...init, signal: null })).arrayBuffer();
      const signal = init!.signal!;
      return new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const written = part('timeout-written', { text: 'Slow but written.' });
    expect(await channel({ fetch: stalling(true), timeoutMs: 2000 }).send(written)).toMatchObject({ status: 'sent' });

    const lost = part('timeout-lost', { text: 'Never arrived.' });
    const result = await channel({ fetch: stalling(false), timeoutMs: 2000 }).send(lost);
    expect(result).toMatchObject({ status: 'unknown', error: expect.stringContaining('createRecord') });
    expect(await channel().find(lost)).toEqual({ status: 'absent' });
  });

  it('on 429 asks to retry at the time in ratelimit-reset and publishes nothing', async () => {
    const limited: typeof fetch = async (input, init) => {
      if (xrpcMethod(input) !== 'com.atproto.repo.createRecord') return fetch(input, init);
      // Shape documented at https://docs.bsky.app/docs/advanced-guides/rate-limits
      return new Response(JSON.stringify({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }), {
        status: 429,
        headers: {
          'content-type': 'application/json',
          'ratelimit-limit': '5000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': '1772443800',
          'ratelimit-policy': '5000;w=3600',
        },
      });
    };
    const p = part('limited', { text: 'Too many posts today.' });
    expect(await channel({ fetch: limited }).send(p)).toMatchObject({ status: 'retry', retryAt: 1772443800_000 });
    expect(await channel().find(p)).toEqual({ status: 'absent' });
  });

  it('rejects a post Bluesky finds invalid (over 300 characters) as failed, with nothing published', async () => {
    const p = part('too-long', { text: 'ą'.repeat(301) });
    const result = await channel().send(p);
    expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('400'), action: expect.stringContaining('change the text') });
    expect(await channel().find(p)).toEqual({ status: 'absent' });
  });

  it('a wrong app password fails with an action naming BLUESKY_APP_PASSWORD, never the password, and logs in only once', async () => {
    const wrong = 'wxyz-abcd-efgh-ijkl';
    const counter = countingFetch();
    const ch = channel({ fetch: counter.fetch, password: wrong });
    const sent = await ch.send(part('wrong-password'));
    expect(sent).toMatchObject({ status: 'failed', action: expect.stringContaining('BLUESKY_APP_PASSWORD') });
    const found = await ch.find(part('wrong-password'));
    expect(found).toMatchObject({ status: 'unknown', error: expect.stringContaining('BLUESKY_APP_PASSWORD') });
    for (const result of [sent, found]) {
      expect(JSON.stringify(result)).not.toContain(wrong);
      expect(JSON.stringify(result)).not.toContain(server.password);
    }
    expect(counter.calls).toEqual(['com.atproto.server.createSession']);
  });
});
