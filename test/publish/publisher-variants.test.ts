/**
 * Per-network text through the publisher: each network gets its own `::: network` text (the
 * outbox for Bluesky, the real Mastodon channel against the strict fake, and the real Bluesky
 * channel against the local Bluesky server from @atproto/dev-env), a thread keeps its
 * replies, and an edit of one network's text after it went out is noticed, never sent as new.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parsePost } from '../../src/post/parse-post.ts';
import type { Post } from '../../src/post/post.ts';
import type { Network } from '../../src/post/network.ts';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { createOutboxChannel } from '../../src/publish/outbox.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-fake.ts';
import { startBlueskyServer, type BlueskyServer } from '../helpers/bluesky-server.ts';
import { at, tempDir, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:05:00Z');
const TOKEN = 'mstdn-variants-SECRET-9a8b7c';
let fake: MastodonFake;
let dir: string;
let store: StateStore;

beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN, now: T });
  dir = await tempDir('pubvar');
  store = createDirStore(join(dir, 'state'));
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  expect(fake.violations).toEqual([]);
});

const config = testConfig();
function parse(body: string): Post {
  const source = `---\nid: bread\npublish_at: "2027-03-15 09:00"\nchannels: [bluesky, mastodon]\n---\n${body}`;
  const r = parsePost({ file: 'posts/bread.md', root: '/repo', bytes: new TextEncoder().encode(source), config });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.post;
}
const channels = (n: Network) => (n === 'mastodon' ? createMastodonChannel({ instance: fake.url, token: TOKEN, timeoutMs: 2000 }) : createOutboxChannel(join(dir, 'outbox'), n));
const run = (p: Post, now: number, runId: string) => publish({ posts: [p], store, channels, config, now: () => new Date(now), runId, dryRun: false, log: () => {} });

const BODY = 'Rye is back 🍞\n::: mastodon\nRye is back 🍞 #bakery #fediverse\n:::\n---\nFrom 7:00 at the counter.\n::: bluesky\nFrom 7:00 at the counter (and on our Bluesky feed).\n:::\n';

describe('publisher with per-network text', () => {
  test('each network gets its own text per part, and the thread still replies in order', async () => {
    const report = await run(parse(BODY), T, 'r1');
    expect(report.decisions.map((d) => [d.network, d.kind, d.sentThisRun])).toEqual([['bluesky', 'sent', [0, 1]], ['mastodon', 'sent', [0, 1]]]);
    expect(fake.statuses.map((s) => s.text)).toEqual(['Rye is back 🍞 #bakery #fediverse', 'From 7:00 at the counter.']);
    expect(fake.statuses[1]!.in_reply_to_id).toBe(fake.statuses[0]!.id);
    const outbox = async (part: number) => JSON.parse(await readFile(join(dir, 'outbox', 'bluesky', `bread.${part}.json`), 'utf8')) as { text: string };
    expect((await outbox(0)).text).toBe('Rye is back 🍞');
    expect((await outbox(1)).text).toBe('From 7:00 at the counter (and on our Bluesky feed).');
  });

  test('a Mastodon text edited after it went out is reported, never sent again', async () => {
    await run(parse(BODY), T, 'r1');
    const edited = parse(BODY.replace('#bakery #fediverse', '#bakery #rye'));
    const second = await run(edited, T + 30 * 60_000, 'r2');
    expect(second.sent).toBe(0);
    expect(fake.statuses).toHaveLength(2);
    expect(JSON.stringify(second.decisions)).toContain('changed after it went out');
  });
});

describe('publisher with per-network text on the real local Bluesky server', () => {
  let server: BlueskyServer;
  beforeAll(async () => {
    server = await startBlueskyServer();
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });

  test('Bluesky gets its own text with its own links; Mastodon the shared text', async () => {
    const p = parse('Rye is back 🍞 #bakery\n::: bluesky\nRye is back 🍞 #bakery https://example.com/rye\n:::\n');
    const both = (n: Network) => (n === 'bluesky' ? createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password }) : channels(n));
    const report = await publish({ posts: [p], store, channels: both, config, now: () => new Date(T), runId: 'r1', dryRun: false, log: () => {} });
    expect(report.decisions.map((d) => [d.network, d.kind])).toEqual([['bluesky', 'sent'], ['mastodon', 'sent']]);
    const res = await server.agent.com.atproto.repo.listRecords({ repo: server.did, collection: 'app.bsky.feed.post', limit: 100 });
    const texts = res.data.records.map((r) => (r.value as { text: string; facets?: { features: { $type: string; uri?: string }[] }[] }));
    const mine = texts.find((r) => r.text.startsWith('Rye is back'))!;
    expect(mine.text).toBe('Rye is back 🍞 #bakery https://example.com/rye');
    expect(mine.facets?.flatMap((f) => f.features.map((x) => x.uri)).filter(Boolean)).toEqual(['https://example.com/rye']);
    expect(fake.statuses.map((st) => st.text)).toEqual(['Rye is back 🍞 #bakery']);
  }, 120_000);
});
