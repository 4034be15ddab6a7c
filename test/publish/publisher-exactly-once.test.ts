/**
 * Exactly once, even late (issue 9, section 5): the real publisher, the real Mastodon channel
 * against the strict Mastodon fake (which pages its timelines as documented and forgets an
 * `Idempotency-Key` after one hour), and the real git state store on a bare remote.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Post } from '../../src/post/post.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import type { PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { clearFailures } from '../../src/publish/retry.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { plan } from '../../src/schedule/plan.ts';
import { readLedgerAppendOrder } from '../../src/schedule/ledger-write.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import { at, gitFixture, post, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const TOKEN = 'mstdn-exactly-once-SECRET-77aa';

let fake: MastodonFake;
let store: StateStore;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN, now: T });
  const f = await gitFixture(1);
  cleanup = f.cleanup;
  store = createGitStore({ repoDir: f.clones[0]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
});
afterEach(async () => {
  await fake.close();
  await cleanup();
  expect(fake.violations).toEqual([]);
});

function run(posts: Post[], now: number, runId: string): Promise<PublishReport> {
  return publish({
    posts, store, channels: () => createMastodonChannel({ instance: fake.url, token: TOKEN, timeoutMs: 400 }), config: testConfig(),
    now: () => new Date(now), runId, dryRun: false, log: () => {},
  });
}

/** The shop's other app (or a person) posting on the same account, through the documented API. */
async function postOthers(n: number, from: number): Promise<void> {
  fake.now = from;
  for (let i = 0; i < n; i += 25) {
    const batch = Array.from({ length: Math.min(25, n - i) }, (_, j) =>
      fetch(`${fake.url}/api/v1/statuses`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Idempotency-Key': `other-${from}-${i + j}` },
        body: JSON.stringify({ status: `Other news number ${i + j}.` }),
      }).then((res) => res.status),
    );
    expect(new Set(await Promise.all(batch))).toEqual(new Set([200]));
  }
}

const copies = (text: string) => fake.statuses.filter((s) => s.text === text).length;
const statusPosts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses' && !r.idempotencyKey?.startsWith('other-')).length;

describe('Mastodon read-back pages back through the timeline', () => {
  test('first read-back after the key window, 45 statuses posted since: found, never posted twice', async () => {
    const p = post({ id: 'bread', at: '2027-03-15 09:00', text: 'Rye bread is out of the oven.' });
    fake.failNextStatusPosts({ kind: 'accept-then-hang' });
    const first = await run([p], T, 'r1');
    expect(first.decisions[0]).toMatchObject({ kind: 'held', hold: 'unknown' });
    await postOthers(45, T + 10 * MIN);
    // Two hours later: the instance has forgotten the Idempotency-Key, only the read-back can tell.
    fake.now = T + 2 * HOUR;
    const second = await run([p], T + 2 * HOUR, 'r2');
    expect(copies('Rye bread is out of the oven.')).toBe(1);
    expect(statusPosts()).toBe(1);
    expect(second.decisions[0]).toMatchObject({ kind: 'sent' });
    // It followed the Link header: more than one page was asked for.
    expect(fake.requests.filter((r) => r.path.endsWith('/statuses') && r.method === 'GET' && r.query.max_id).length).toBeGreaterThan(0);
  });

  test('absent for certain (the timeline reaches back before the attempt): sent once', async () => {
    const p = post({ id: 'buns', at: '2027-03-15 09:00', text: 'Buns at noon.' });
    fake.failNextStatusPosts({ kind: 'server-error', status: 503, created: false });
    // 503 on the status post is "unknown": it may have been created.
    await run([p], T, 'r1');
    await postOthers(50, T + 10 * MIN);
    fake.now = T + 2 * HOUR;
    await run([p], T + 2 * HOUR, 'r2');
    expect(copies('Buns at noon.')).toBe(1);
  });

  test('not certain (more statuses than the page limit since the attempt): never resent, a person decides', async () => {
    const p = post({ id: 'cake', at: '2027-03-15 09:00', text: 'Cake of the day: plum.' });
    fake.failNextStatusPosts({ kind: 'server-error', status: 503, created: false });
    await run([p], T, 'r1');
    await postOthers(410, T + 10 * MIN);
    // 90 min later: past the key window, still inside max_lateness (120 min).
    fake.now = T + 90 * MIN;
    const second = await run([p], T + 90 * MIN, 'r2');
    expect(copies('Cake of the day: plum.')).toBe(0);
    expect(statusPosts()).toBe(1);
    expect(second.decisions[0]).toMatchObject({ kind: 'held', hold: 'read-back' });
    expect(second.decisions[0]!.action).toMatch(/--retry/);
    expect((await readLedger(store)).at(-1)).toMatchObject({ state: 'unknown', action: expect.stringMatching(/Look at the Mastodon account/) });
    // The next tick neither reads 10 pages again nor sends.
    const gets = fake.requests.length;
    const third = await run([p], T + 95 * MIN, 'r3');
    expect(third.decisions[0]).toMatchObject({ kind: 'held', hold: 'read-back' });
    expect(fake.requests.length).toBe(gets);
    // A person looked: it is not there. --retry sends it, once.
    const cleared = await clearFailures(store, 'cake', { runId: 'manual', now: new Date(T + 96 * MIN), by: 'anna', known: true });
    expect(cleared.ok && cleared.cleared).toHaveLength(1);
    await run([p], T + 96 * MIN, 'r4');
    expect(copies('Cake of the day: plum.')).toBe(1);
  });
});

describe('a change to a post that already went out never publishes anything on its own', () => {
  test('a published post edited into a thread: the added part is not sent as a late reply', async () => {
    const v1 = post({ id: 'open', at: '2027-03-15 09:00', text: 'We are open today.' });
    await run([v1], T, 'r1');
    expect(fake.statuses).toHaveLength(1);
    const v2 = post({ id: 'open', at: '2027-03-15 09:00', text: ['We are open today.', 'And tomorrow we bake pretzels.'] });
    fake.now = T + 30 * MIN;
    const report = await run([v2], T + 30 * MIN, 'r2');
    expect(fake.statuses).toHaveLength(1);
    expect(report.decisions[0]).toMatchObject({ kind: 'held', hold: 'changed', sent: [0], send: [1] });
    expect(report.decisions[0]!.reason).toMatch(/it had 1 part when part 1 went out, now 2/);
    // The plan (copydesk plan / status) says the same.
    const d = plan({ posts: [v2], events: await readLedgerAppendOrder(store), freezes: [], freezeLog: [], config: testConfig(), now: T + 35 * MIN, credentials: 'outbox' });
    expect(d[0]).toMatchObject({ kind: 'held', hold: 'changed' });
    expect(d[0]!.action).toMatch(/new post/);
  });

  test('a thread whose sent part was edited before the rest went out: nothing more is sent', async () => {
    const v1 = post({ id: 'th', at: '2027-03-15 09:00', text: ['One: rye.', 'Two: spelt.', 'Three: see you.'] });
    // Part 2 is refused for now (nothing created): the thread stops after part 1.
    let posted = 0;
    const armed = () => {
      const inner = createMastodonChannel({ instance: fake.url, token: TOKEN, timeoutMs: 400 });
      return { ...inner, name: 'mastodon' as const, send: (part: Parameters<typeof inner.send>[0]) => (posted++ === 1 && fake.failNextStatusPosts({ kind: 'rate-limited', reset: new Date(T + MIN).toISOString() }), inner.send(part)) };
    };
    await publish({ posts: [v1], store, channels: armed, config: testConfig(), now: () => new Date(T), runId: 'r1', dryRun: false, log: () => {} });
    expect(fake.statuses.map((s) => s.text)).toEqual(['One: rye.']);
    const v2 = post({ id: 'th', at: '2027-03-15 09:00', text: ['One: rye and a correction.', 'Two: spelt.', 'Three: see you.'] });
    fake.now = T + 10 * MIN;
    const report = await run([v2], T + 10 * MIN, 'r2');
    expect(fake.statuses.map((s) => s.text)).toEqual(['One: rye.']);
    expect(report.decisions[0]).toMatchObject({ kind: 'held', hold: 'changed' });
    expect(report.decisions[0]!.reason).toMatch(/part 1 changed after it went out/);
  });

  test('a fully published post edited afterwards: nothing sent, the change is reported', async () => {
    const v1 = post({ id: 'done', at: '2027-03-15 09:00', text: 'Closed on Monday.' });
    await run([v1], T, 'r1');
    const v2 = post({ id: 'done', at: '2027-03-15 09:00', text: 'Closed on Tuesday.' });
    const report = await run([v2], T + 10 * MIN, 'r2');
    expect(fake.statuses.map((s) => s.text)).toEqual(['Closed on Monday.']);
    expect(report.decisions[0]).toMatchObject({ kind: 'sent' });
    expect(report.decisions[0]!.reason).toMatch(/edited after it went out.*not published/);
  });
});
