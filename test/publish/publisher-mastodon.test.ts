/**
 * The publisher with the real Mastodon channel against the strict Mastodon fake: what the shop's
 * followers would see. Every test counts the statuses the instance holds, and the fake fails any
 * undocumented request (`violations`).
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Channel } from '../../src/publish/channel.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import type { PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import type { Post } from '../../src/post/post.ts';
import { at, post, tempDir, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const TOKEN = 'mstdn-publisher-SECRET-4b5c6d';

let fake: MastodonFake;
let dir: string;
let store: StateStore;
let constructed: number;

beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN, now: T });
  dir = await tempDir('pubmast');
  store = createDirStore(dir);
  constructed = 0;
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  expect(fake.violations).toEqual([]);
});

function channel(): Channel {
  constructed++;
  return createMastodonChannel({ instance: fake.url, token: TOKEN, timeoutMs: 400 });
}

function run(posts: Post[], now: number, runId: string): Promise<PublishReport> {
  return publish({ posts, store, channels: channel, config: testConfig(), now: () => new Date(now), runId, dryRun: false, log: () => {} });
}

describe('publisher with the Mastodon channel', () => {
  test('an idle tick makes zero requests to the instance', async () => {
    await run([post({ id: 'later', at: '2027-03-15 15:00' })], T, 'idle');
    expect(constructed).toBe(0);
    expect(fake.requests).toEqual([]);
  });

  test('killed with SIGKILL after the instance accepted: the next run reads back and posts nothing twice', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'crash-child.ts')], {
      env: { ...process.env, FAKE_URL: fake.url, FAKE_TOKEN: TOKEN, STATE_DIR: dir, NOW: new Date(T).toISOString(), POST_ID: 'crash', POST_AT: '2027-03-15 09:00' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const signal = await new Promise((res) => child.on('exit', (_code, sig) => res(sig)));
    expect(signal).toBe('SIGKILL');
    expect(output).not.toContain('survived');
    expect(fake.statuses).toHaveLength(1);
    expect((await readLedger(store)).map((e) => e.state)).toEqual(['intent']);

    // Two hours later on the instance: its idempotency memory is gone, only the read-back can save us.
    fake.now = T + 2 * HOUR;
    const report = await run([post({ id: 'crash', at: '2027-03-15 09:00' })], T + 5 * MIN, 'next');
    expect(report.sent).toBe(1);
    expect(fake.statuses).toHaveLength(1);
    const events = await readLedger(store);
    expect(events.at(-1)).toMatchObject({ state: 'sent', ref: { id: fake.statuses[0]!.id }, runId: 'next' });
  });

  test('a timeout with unknown outcome is recorded and read back on the next run, never resent', async () => {
    fake.failNextStatusPosts({ kind: 'accept-then-hang' });
    const p = post({ id: 'slow', at: '2027-03-15 09:00' });
    const first = await run([p], T, 'r1');
    expect(first.decisions[0]).toMatchObject({ kind: 'held', hold: 'unknown' });
    expect((await readLedger(store)).map((e) => e.state)).toEqual(['intent', 'unknown']);
    fake.now = T + 2 * HOUR;
    await run([p], T + 5 * MIN, 'r2');
    expect(fake.statuses).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses')).toHaveLength(1);
  });

  test('thread part 2 of 3 failing: the next run sends parts 2 and 3, replying to part 1', async () => {
    const p = post({ id: 'thread', at: '2027-03-15 09:00', text: ['First: the oven is on.', 'Second: rye at ten.', 'Third: see you soon.'] });
    let posted = 0;
    const armed = (): Channel => {
      const inner = channel();
      return { ...inner, name: 'mastodon', find: inner.find, send: (part) => (posted++ === 1 && fake.failNextStatusPosts({ kind: 'server-error', status: 503, created: false }), inner.send(part)) };
    };
    await publish({ posts: [p], store, channels: armed, config: testConfig(), now: () => new Date(T), runId: 'r1', dryRun: false, log: () => {} });
    expect(fake.statuses.map((s) => s.text)).toEqual(['First: the oven is on.']);
    fake.now = T + 5 * MIN;
    const second = await run([p], T + 5 * MIN, 'r2');
    expect(second.decisions[0]).toMatchObject({ kind: 'sent', sentThisRun: [1, 2] });
    const [one, two, three] = fake.statuses;
    expect(fake.statuses).toHaveLength(3);
    expect(two).toMatchObject({ text: 'Second: rye at ten.', in_reply_to_id: one!.id });
    expect(three).toMatchObject({ text: 'Third: see you soon.', in_reply_to_id: two!.id });
  });
});
