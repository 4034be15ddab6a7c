/**
 * Link cards on the real local Bluesky server (TestNetworkNoAppView) with pages from a local web
 * server. What a reader of the post sees: the record carries `app.bsky.embed.external` with the
 * page's title, description and a thumb blob of at most 1,000,000 bytes; a card fetched ahead is
 * used even when the page is down at send time; without one, the post still goes out, without a
 * card, and the run report says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { AtUri } from '@atproto/api';
import { prefetchCards } from '../../src/card/card-prefetch.ts';
import { cardForSend } from '../../src/card/card-for-send.ts';
import { readCard } from '../../src/card/card-store.ts';
import { cardFetcher, fetchCard, type CardLimits } from '../../src/card/fetch-card.ts';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import type { OutgoingPart } from '../../src/publish/channel.ts';
import { formatReportText } from '../../src/publish/format-report.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startBlueskyServer, type BlueskyServer } from '../helpers/bluesky-server.ts';
import { startCardServer, type CardServer } from '../helpers/card-server.ts';
import { at, post, tempDir, testConfig } from './publisher-helpers.ts';

let pds: BlueskyServer;
let web: CardServer;
const dirs: string[] = [];
beforeAll(async () => {
  [pds, web] = await Promise.all([startBlueskyServer(), startCardServer()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([pds?.close(), web?.close(), ...dirs.map((d) => rm(d, { recursive: true, force: true }))]);
});

const fast = { connectTimeoutMs: 1000, totalTimeoutMs: 3000, maxBytes: 1_000_000, maxRedirects: 5 };
const limits: CardLimits = { page: fast, image: { ...fast, maxBytes: 5_000_000 } };
/** Posts link to cafe.example.com (a name the URL extractor accepts), answered by the local server. */
const permission = () => ({ http: true, addresses: ['127.0.0.1'], hosts: { 'cafe.example.com': '127.0.0.1' } });
const link = (path: string) => `http://cafe.example.com:${web.port}${path}`;
const upFetcher = (now: () => Date) => cardFetcher({ now, limits, permission: permission() });
/** The page is down: the same link, but nothing listens where the name points (port 9). */
const downFetcher = (now: () => Date) => (url: string) => fetchCard(url.replace(`:${web.port}`, ':9'), { now: now(), limits, permission: permission() });

async function store(): Promise<StateStore> {
  const dir = await tempDir('copydesk-cards-');
  dirs.push(dir);
  return createDirStore(dir);
}

async function recordOf(uri: string) {
  const u = new AtUri(uri);
  const res = await pds.agent.com.atproto.repo.getRecord({ repo: u.host, collection: u.collection, rkey: u.rkey });
  return res.data.value as { text: string; embed?: { $type: string; external?: { uri: string; title: string; description: string; thumb?: { size: number; mimeType: string; ref: { toString(): string } } } } };
}

async function blobBytes(cid: string): Promise<number> {
  const res = await pds.agent.com.atproto.sync.getBlob({ did: pds.did, cid });
  return res.data.byteLength;
}

function channel() {
  return createBlueskyChannel({ service: pds.service, identifier: pds.handle, password: pds.password });
}

describe('the Bluesky channel with a card', () => {
  it('writes app.bsky.embed.external with the title, description and a thumb blob ≤ 1,000,000 bytes (from an og:image over 1 MB)', async () => {
    expect(web.sizes.huge).toBeGreaterThan(1_000_000);
    const got = await fetchCard(link('/huge'), { now: new Date(), limits, permission: permission() });
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    const part: OutgoingPart = {
      postId: 'card-direct', part: 0, partsTotal: 1, text: `Our big picture ${link('/huge')}`, lang: 'en', media: [],
      idempotencyKey: 'card-direct:bluesky:0', scheduledAt: Date.UTC(2026, 5, 1, 9), now: new Date(), card: got.card,
    };
    const sent = await channel().send(part);
    expect(sent.status).toBe('sent');
    if (sent.status !== 'sent') return;
    const rec = await recordOf(sent.ref.uri!);
    expect(rec.embed?.$type).toBe('app.bsky.embed.external');
    expect(rec.embed?.external).toMatchObject({ uri: link('/huge'), title: 'Huge picture', description: '' });
    const thumb = rec.embed!.external!.thumb!;
    expect(thumb.mimeType).toBe('image/jpeg');
    expect(thumb.size).toBeLessThanOrEqual(1_000_000);
    expect(await blobBytes(thumb.ref.toString())).toBe(thumb.size);
  });
});

describe('the publisher: cards fetched ahead, and a page down at 9:00', () => {
  const T = at('2027-03-15T08:00:00Z'); // 09:00 in Warsaw
  const p = (id: string, path: string) => post({ id, at: '2027-03-15 09:00', channels: ['bluesky'], text: `Spring menu today: ${link(path)}` });

  it('uses the card fetched a day ahead when the page is down at send time', async () => {
    const s = await store();
    const posts = [p('card-ahead', '/full')];
    const dayBefore = () => new Date(T - 24 * 3600_000);
    const pre = await prefetchCards({ posts, store: s, fetchCard: upFetcher(dayBefore), now: dayBefore().getTime(), log: () => {}, runId: 'tick-1' });
    expect(pre).toEqual({ stored: 1, failed: 0 });
    expect((await readCard(s, 'card-ahead', link('/full')))?.title).toBe('Rhubarb tart & coffee');

    const now = () => new Date(T + 5 * 60_000);
    const lines: string[] = [];
    const report = await publish({
      posts, store: s, channels: () => channel(), config: testConfig(), now, runId: 'tick-2', dryRun: false, log: (l) => lines.push(l),
      linkCard: (post, part) => cardForSend({ store: s, post, part, fetchCard: downFetcher(now), runId: 'tick-2' }),
    });
    expect(report.sent).toBe(1);
    const d = report.decisions[0]!;
    expect(d.notes).toBeUndefined();
    const rec = await recordOf(d.refs[0]!.uri!);
    expect(rec.embed?.external).toMatchObject({ uri: link('/full'), title: 'Rhubarb tart & coffee', description: 'Our spring menu, every morning.' });
    expect(rec.embed!.external!.thumb!.size).toBeLessThanOrEqual(1_000_000);
    expect(lines.some((l) => l.includes('with its link card'))).toBe(true);
  });

  it('sends without a card when none was stored and the page is down, and the run report says so', async () => {
    const s = await store();
    const posts = [p('card-down', '/full')];
    const now = () => new Date(T + 5 * 60_000);
    const report = await publish({
      posts, store: s, channels: () => channel(), config: testConfig(), now, runId: 'tick-3', dryRun: false, log: () => {},
      linkCard: (post, part) => cardForSend({ store: s, post, part, fetchCard: downFetcher(now), runId: 'tick-3' }),
    });
    expect(report.sent).toBe(1);
    expect(report.failed).toBe(0);
    const d = report.decisions[0]!;
    expect(d.notes?.[0]).toMatch(/part 1: sent without a link card: no link card for .*ECONNREFUSED/);
    expect(formatReportText(report, 'Europe/Warsaw')).toContain('sent without a link card');
    const rec = await recordOf(d.refs[0]!.uri!);
    expect(rec.text).toBe(`Spring menu today: ${link('/full')}`);
    expect(rec.embed).toBeUndefined();
  });

  it('fetches once at send time when nothing was stored and the page is up, and keeps the card', async () => {
    const s = await store();
    const posts = [p('card-late', '/no-og')];
    const now = () => new Date(T + 5 * 60_000);
    const report = await publish({
      posts, store: s, channels: () => channel(), config: testConfig(), now, runId: 'tick-4', dryRun: false, log: () => {},
      linkCard: (post, part) => cardForSend({ store: s, post, part, fetchCard: upFetcher(now), runId: 'tick-4' }),
    });
    expect(report.sent).toBe(1);
    const rec = await recordOf(report.decisions[0]!.refs[0]!.uri!);
    expect(rec.embed?.external).toMatchObject({ title: 'Spring menu | Café', description: 'From the page description' });
    expect(rec.embed?.external?.thumb).toBeUndefined();
    expect(await readCard(s, 'card-late', link('/no-og'))).toBeDefined();
  });
});
