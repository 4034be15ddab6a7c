/**
 * The Threads channel against the strict Threads fake (test/fakes/threads-fake.ts): what the
 * shop's followers would see. Every test ends with no violation (no undocumented request).
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Channel, OutgoingMedia, OutgoingPart } from '../../src/publish/channel.ts';
import type { PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createThreadsChannel, publicMediaUrl } from '../../src/publish/threads.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { Post } from '../../src/post/post.ts';
import type { ThreadsFake } from '../fakes/threads-fake.ts';
import { startThreadsFake } from '../fakes/threads-fake.ts';
import { at, post, tempDir, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const TOKEN = 'THAAfake-long-lived-SECRET-9f8e7d';
const SITE = 'https://little-oven.github.io/social';
const base = testConfig();
const CONFIG = testConfig({ channels: { ...base.channels, enabled: ['threads'] } });
const tpost = (spec: Parameters<typeof post>[0]) => post(spec, CONFIG);

let fake: ThreadsFake;
let dir: string;
let store: StateStore;

beforeEach(async () => {
  fake = await startThreadsFake({ token: TOKEN, now: T });
  dir = await tempDir('threads');
  store = createDirStore(dir);
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  expect(fake.violations).toEqual([]);
});

function channel(over: Partial<Parameters<typeof createThreadsChannel>[0]> = {}): Channel {
  return createThreadsChannel({ api: fake.url, userId: fake.userId, token: TOKEN, siteUrl: SITE, timeoutMs: 2000, pollMs: 0, pollMax: 3, sleep: async () => {}, now: () => fake.now, ...over });
}

function part(over: Partial<OutgoingPart> = {}): OutgoingPart {
  return { postId: 'p', part: 0, partsTotal: 1, text: 'Fresh rye at seven.', lang: 'en', media: [], idempotencyKey: 'k', scheduledAt: T, now: new Date(T), ...over };
}

const image = (name: string, alt: string): OutgoingMedia => ({ repoPath: `posts/media/${name}`, absPath: `/repo/posts/media/${name}`, bytes: new Uint8Array([1, 2, 3]), alt, mime: 'image/png' });

function run(posts: Post[], now: number, runId: string, ch: () => Channel = () => channel()): Promise<PublishReport> {
  return publish({ posts, store, channels: ch, config: CONFIG, now: () => new Date(now), runId, dryRun: false, log: () => {} });
}

describe('Threads channel', () => {
  test('a text post: one TEXT container, published, with its permalink', async () => {
    const claims: string[] = [];
    const r = await channel().send(part({ claim: async (h) => void claims.push(h) }));
    expect(r.status).toBe('sent');
    expect(fake.threads).toHaveLength(1);
    expect(fake.threads[0]).toMatchObject({ text: 'Fresh rye at seven.', mediaType: 'TEXT_POST' });
    expect(r).toMatchObject({ ref: { id: fake.threads[0]!.id, url: fake.threads[0]!.permalink } });
    // The container was claimed before it was published.
    expect(claims).toEqual([fake.containers[0]!.id]);
    expect(fake.requests.every((q) => q.auth === 'valid')).toBe(true);
  });

  test('an image with alt text goes as IMAGE from the site\'s public address; several as a carousel', async () => {
    const one = await channel().send(part({ media: [image('tart.png', 'A rhubarb tart on marble')] }));
    expect(one.status).toBe('sent');
    expect(fake.threads[0]!.images).toEqual([{ url: `${SITE}/media/posts/media/tart.png`, alt: 'A rhubarb tart on marble' }]);
    const many = await channel().send(part({ text: 'Three loaves.', media: [image('a.png', 'Rye'), image('b c.png', 'Spelt'), image('c.png', 'Sourdough')] }));
    expect(many.status).toBe('sent');
    expect(fake.threads[1]).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', text: 'Three loaves.' });
    expect(fake.threads[1]!.images.map((i) => i.alt)).toEqual(['Rye', 'Spelt', 'Sourdough']);
    expect(fake.threads[1]!.images[1]!.url).toBe(publicMediaUrl(SITE, 'posts/media/b c.png'));
    expect(fake.threads[1]!.images[1]!.url).toContain('b%20c.png');
  });

  test('images without a public site address: nothing is created, the reason names the setting', async () => {
    const r = await channel({ siteUrl: undefined }).send(part({ media: [image('tart.png', 'A tart')] }));
    expect(r).toMatchObject({ status: 'failed', action: expect.stringContaining('channels.threads.site_url') });
    expect(fake.requests).toEqual([]);
  });

  test('an image Threads cannot fetch: the container goes to ERROR and the post fails with the reason', async () => {
    const r = await channel({ siteUrl: 'http://intranet.local' }).send(part({ media: [image('tart.png', 'A tart')] }));
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('ERROR') });
    expect(fake.threads).toEqual([]);
  });

  test('an expired token: failed, "renew the token", marked as a credential problem, secret never shown', async () => {
    fake.expireToken();
    const r = await channel().send(part());
    expect(r).toMatchObject({ status: 'failed', credential: true, action: expect.stringContaining('Renew the token for threads') });
    if (r.status === 'failed') {
      expect(r.action).toContain('th_refresh_token');
      expect(JSON.stringify(r)).not.toContain(TOKEN);
    }
    expect(fake.threads).toEqual([]);
  });

  test('the 250 posts a day limit answers retry with a time, nothing lost', async () => {
    for (let i = 0; i < 250; i++) expect((await channel().send(part({ text: `Post ${i}` }))).status).toBe('sent');
    const r = await channel().send(part({ text: 'One too many' }));
    expect(r).toMatchObject({ status: 'retry', retryAt: T + 60 * MIN });
    expect(fake.threads).toHaveLength(250);
  }, 60_000);

  test('remove deletes the post; a post already gone counts as removed', async () => {
    const r = await channel().send(part());
    if (r.status !== 'sent') throw new Error('not sent');
    expect(await channel().remove!(r.ref, 'threads')).toEqual({ status: 'removed', alreadyGone: false });
    expect(fake.threads[0]!.deleted).toBe(true);
    expect(await channel().remove!(r.ref, 'threads')).toEqual({ status: 'removed', alreadyGone: true });
  });
});

describe('publisher with the Threads channel', () => {
  test('a thread of 3: each part replies to the previous one', async () => {
    const p = tpost({ id: 'thread', at: '2027-03-15 09:00', channels: ['threads'], text: ['One.', 'Two.', 'Three.'] });
    const report = await run([p], T + 5 * MIN, 'run-1');
    expect(report.sent).toBe(1);
    expect(fake.threads.map((t) => t.text)).toEqual(['One.', 'Two.', 'Three.']);
    expect(fake.threads[1]!.replyToId).toBe(fake.threads[0]!.id);
    expect(fake.threads[2]!.replyToId).toBe(fake.threads[1]!.id);
    const events = await readLedger(store);
    expect(events.filter((e) => e.state === 'sent').map((e) => e.ref?.id)).toEqual(fake.threads.map((t) => t.id));
    // Each part's container is in the ledger (claimed) before it was published.
    expect(events.filter((e) => e.claim).map((e) => e.claim)).toEqual(fake.threads.map((t) => t.containerId));
  });

  test('crash between publish and the ledger: the rerun publishes nothing new and records the post', async () => {
    const p = tpost({ id: 'crash', at: '2027-03-15 09:00', channels: ['threads'] });
    // The process dies right after Threads published: the "sent" line never reaches the ledger.
    const dying: StateStore = { ...store, update: async (message, change) => { if (/sent/.test(message)) throw new Error('killed'); return store.update(message, change); } };
    const first = await publish({ posts: [p], store: dying, channels: () => channel(), config: CONFIG, now: () => new Date(T + 5 * MIN), runId: 'run-1', dryRun: false, log: () => {} });
    expect(first.completed).toBe(false);
    expect(fake.threads).toHaveLength(1);
    expect((await readLedger(store)).map((e) => e.state)).toEqual(['intent', 'intent']);

    const creates = () => fake.requests.filter((q) => q.method === 'POST').length;
    const before = creates();
    const second = await run([p], T + 15 * MIN, 'run-2');
    expect(second.sent).toBe(1);
    expect(creates()).toBe(before);
    expect(fake.threads).toHaveLength(1);
    expect((await readLedger(store)).at(-1)).toMatchObject({ state: 'sent', ref: { id: fake.threads[0]!.id } });
    // And a third run has nothing to do.
    await run([p], T + 45 * MIN, 'run-3');
    expect(fake.threads).toHaveLength(1);
  });

  test('killed with SIGKILL right after Threads published: the next run publishes nothing new', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'threads-crash-child.ts')], {
      env: { ...process.env, FAKE_URL: fake.url, FAKE_USER: fake.userId, FAKE_TOKEN: TOKEN, STATE_DIR: dir, NOW: new Date(T + 5 * MIN).toISOString(), POST_ID: 'killed', POST_AT: '2027-03-15 09:00' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const signal = await new Promise((res) => child.on('exit', (_code, sig) => res(sig)));
    expect(output).not.toContain('survived');
    expect(signal).toBe('SIGKILL');
    expect(fake.threads).toHaveLength(1);
    const events = await readLedger(store);
    expect(events.map((e) => e.state)).toEqual(['intent', 'intent']);
    expect(events[1]!.claim).toBe(fake.threads[0]!.containerId);

    const posts = fake.requests.filter((q) => q.method === 'POST').length;
    const report = await run([tpost({ id: 'killed', at: '2027-03-15 09:00', channels: ['threads'] })], T + 15 * MIN, 'next');
    expect(report.sent).toBe(1);
    expect(fake.requests.filter((q) => q.method === 'POST').length).toBe(posts);
    expect(fake.threads).toHaveLength(1);
    expect((await readLedger(store)).at(-1)).toMatchObject({ state: 'sent', ref: { id: fake.threads[0]!.id, url: fake.threads[0]!.permalink }, runId: 'next' });
  });

  test('crash after the container was claimed, before publishing: the rerun publishes THAT container', async () => {
    const p = tpost({ id: 'half', at: '2027-03-15 09:00', channels: ['threads'] });
    const dying: StateStore = { ...store, update: async (message, change) => { const r = await store.update(message, change); if (/claims/.test(message)) throw new Error('killed'); return r; } };
    await publish({ posts: [p], store: dying, channels: () => channel(), config: CONFIG, now: () => new Date(T + 5 * MIN), runId: 'run-1', dryRun: false, log: () => {} });
    expect(fake.threads).toHaveLength(0);
    expect(fake.containers).toHaveLength(1);
    const second = await run([p], T + 15 * MIN, 'run-2');
    expect(second.sent).toBe(1);
    expect(fake.containers).toHaveLength(1);
    expect(fake.threads).toEqual([expect.objectContaining({ containerId: fake.containers[0]!.id })]);
  });

  test('a container stuck IN_PROGRESS: retried later, the same container is published then', async () => {
    fake.processingPolls = Infinity;
    const p = tpost({ id: 'slow', at: '2027-03-15 09:00', channels: ['threads'] });
    const first = await run([p], T + 5 * MIN, 'run-1');
    expect(first.decisions[0]).toMatchObject({ kind: 'held', hold: 'retry' });
    expect(fake.threads).toHaveLength(0);
    fake.containers[0]!.pollsLeft = 0;
    const second = await run([p], T + 35 * MIN, 'run-2');
    expect(second.sent).toBe(1);
    expect(fake.containers).toHaveLength(1);
    expect(fake.threads).toHaveLength(1);
  });

  test('an expired container (24 hours) is replaced by a new one, never published twice', async () => {
    fake.processingPolls = Infinity;
    const p = tpost({ id: 'old', at: '2027-03-15 09:00', channels: ['threads'] });
    await run([p], T + 5 * MIN, 'run-1');
    fake.now = T + 25 * 3600_000;
    fake.processingPolls = 1;
    const config = { ...CONFIG, maxLatenessMinutes: 26 * 60 };
    const report = await publish({ posts: [p], store, channels: () => channel(), config, now: () => new Date(T + 25 * 3600_000), runId: 'run-2', dryRun: false, log: () => {} });
    expect(report.sent).toBe(1);
    expect(fake.containers).toHaveLength(2);
    expect(fake.threads).toHaveLength(1);
  });

  test('publish answer lost: unknown, then the read-back finds it and nothing is sent twice', async () => {
    const p = tpost({ id: 'lost', at: '2027-03-15 09:00', channels: ['threads'] });
    fake.failNextPublish({ kind: 'publish-then-close' });
    const first = await run([p], T + 5 * MIN, 'run-1');
    expect(first.decisions[0]).toMatchObject({ hold: 'unknown' });
    const second = await run([p], T + 35 * MIN, 'run-2');
    expect(second.sent).toBe(1);
    expect(fake.threads).toHaveLength(1);
  });
});
