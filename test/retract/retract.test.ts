/**
 * Taking a post back (issue 13): the real publisher and the real retraction on a real state store,
 * with networks that really hold (and delete) what was sent. Attack first: what a crash, a second
 * run, an edit of the file or a network added later could make come back.
 */
import { rm } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Network } from '../../src/post/network.ts';
import type { Post } from '../../src/post/post.ts';
import { publish, type PublishReport } from '../../src/publish/publisher.ts';
import { retract, type RetractOptions, type RetractResult } from '../../src/retract/retract.ts';
import { readLedgerAppendOrder } from '../../src/schedule/ledger-write.ts';
import { plan } from '../../src/schedule/plan.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { openFailures, openRetractions, statusText } from '../../src/status/status.ts';
import { buildSiteData } from '../../src/site/data.ts';
import { buildTimeline } from '../../src/timeline/timeline.ts';
import { missedDuringFreezes } from '../../src/freeze/thaw-summary.ts';
import { at, gitFixture, post, tempDir, testConfig } from '../publish/publisher-helpers.ts';
import { removingNetwork, type RemovingNetwork } from './retract-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;

let dir: string;
let store: StateStore;
let nets: Record<'bluesky' | 'mastodon', RemovingNetwork>;

beforeEach(async () => {
  dir = await tempDir('retract');
  store = createDirStore(dir);
  nets = { bluesky: removingNetwork('bluesky'), mastodon: removingNetwork('mastodon') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const channelOf = (n: Network) => nets[n as 'bluesky' | 'mastodon'].channel();

function run(posts: Post[], now: number, runId: string, s: StateStore = store): Promise<PublishReport> {
  return publish({ posts, store: s, channels: channelOf, config: testConfig(), now: () => new Date(now), runId, dryRun: false, log: () => {} });
}

async function take(posts: Post[], now: number, runId: string, over: Partial<RetractOptions> = {}): Promise<Extract<RetractResult, { ok: true }>> {
  const r = await retract({
    postId: 'bad-date', reason: 'wrong date: the market is on Saturday', by: 'ana', store, channels: (n) => channelOf(n), posts, config: testConfig(),
    now: () => new Date(now), runId, dryRun: false, log: () => {}, waitMs: 0, ...over,
  });
  if (!r.ok) throw new Error(r.error);
  return r;
}

const thread = (over: Partial<Parameters<typeof post>[0]> = {}) =>
  post({ id: 'bad-date', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'], text: ['Market on Sunday!', 'Bring a bag.'], ...over });

const decisionsNow = async (posts: Post[], now: number) => plan({ posts, events: await readLedgerAppendOrder(store), freezes: [], freezeLog: [], config: testConfig(), now, credentials: 'outbox' });

describe('copydesk retract: exactly once', () => {
  test('every part on every network comes down once; the ledger says who, why and when', async () => {
    const p = thread();
    await run([p], T, 'pub1');
    expect(nets.bluesky.delivered).toHaveLength(2);
    expect(nets.mastodon.delivered).toHaveLength(2);

    const r = await take([p], T + 30 * MIN, 'ret1');
    expect(r.complete).toBe(true);
    expect(r.parts.map((x) => `${x.network}:${x.part}:${x.outcome}`)).toEqual(['bluesky:0:removed', 'bluesky:1:removed', 'mastodon:0:removed', 'mastodon:1:removed']);
    expect(nets.bluesky.delivered).toEqual([]);
    expect(nets.mastodon.delivered).toEqual([]);
    const events = await readLedgerAppendOrder(store);
    expect(events.filter((e) => e.state === 'retract')).toEqual([
      expect.objectContaining({ network: 'bluesky', by: 'ana', reason: 'wrong date: the market is on Saturday', allNetworks: true, runId: 'ret1' }),
      expect.objectContaining({ network: 'mastodon', by: 'ana', allNetworks: true }),
    ]);
    expect(events.filter((e) => e.state === 'retracted')).toHaveLength(4);

    // A rerun finds nothing left to do and asks no network anything.
    const again = await take([p], T + 40 * MIN, 'ret2');
    expect(again.complete).toBe(true);
    expect(again.decidedNow).toBe(false);
    expect(again.parts.every((x) => x.outcome === 'was-removed')).toBe(true);
    expect(nets.bluesky.removeCalls).toHaveLength(2);
    expect(nets.mastodon.removeCalls).toHaveLength(2);
  });

  test('after a retraction the publisher sends nothing: not on a rerun, not after an edit, not on a network added later', async () => {
    const p = thread({ channels: ['mastodon'] });
    await run([p], T, 'pub1');
    await take([p], T + 10 * MIN, 'ret1');
    const sends = nets.mastodon.sends;

    // The same file, a rerun of the publisher.
    await run([p], T + 15 * MIN, 'pub2');
    // The file edited (new text, new time, a new network): still nothing.
    const edited = post({ id: 'bad-date', at: '2027-03-15 12:00', channels: ['mastodon', 'bluesky'], text: ['Market on Saturday!', 'Bring a bag.'] });
    const report = await run([edited], at('2027-03-15T11:05:00Z'), 'pub3');
    expect(nets.mastodon.sends).toBe(sends);
    expect(nets.bluesky.sends).toBe(0);
    expect(nets.bluesky.delivered).toEqual([]);
    expect(nets.mastodon.delivered).toEqual([]);
    expect(report.decisions.map((d) => [d.network, d.kind, d.category])).toEqual([['bluesky', 'retracted', 'retracted'], ['mastodon', 'retracted', 'retracted']]);
    expect(report.sent).toBe(0);
  });

  test('a thread retracted mid-way: the parts not yet sent are never sent', async () => {
    const p = thread({ channels: ['mastodon'], text: ['One.', 'Two.', 'Three.'] });
    nets.mastodon.behave = (_part, n) => (n === 1 ? 'retry' : 'ok');
    await run([p], T, 'pub1');
    expect(nets.mastodon.delivered.map((d) => d.text)).toEqual(['One.']);
    const r = await take([p], T + 2 * MIN, 'ret1');
    expect(r.parts.map((x) => x.outcome)).toEqual(['removed']);
    nets.mastodon.behave = undefined;
    await run([p], T + 10 * MIN, 'pub2');
    expect(nets.mastodon.delivered).toEqual([]);
    expect(nets.mastodon.sends).toBe(2);
  });

  test('retracted before it went out: nothing is deleted and nothing is ever sent', async () => {
    const p = thread();
    const r = await take([p], T - 60 * MIN, 'ret1');
    expect(r.parts).toEqual([]);
    expect(r.complete).toBe(true);
    await run([p], T + MIN, 'pub1');
    expect(nets.bluesky.sends + nets.mastodon.sends).toBe(0);
    expect((await decisionsNow([p], T + MIN)).map((d) => d.kind)).toEqual(['retracted', 'retracted']);
  });

  test('--network limits it: the other network keeps the post and goes on with it', async () => {
    const p = thread();
    await run([p], T, 'pub1');
    const r = await take([p], T + 5 * MIN, 'ret1', { networks: ['mastodon'] });
    expect(r.networks).toEqual(['mastodon']);
    expect(nets.mastodon.delivered).toEqual([]);
    expect(nets.bluesky.delivered).toHaveLength(2);
    const d = await decisionsNow([p], T + 6 * MIN);
    expect(d.map((x) => [x.network, x.kind])).toEqual([['bluesky', 'sent'], ['mastodon', 'retracted']]);
  });

  test('a part already gone on the network (deleted by hand, 404) counts as removed', async () => {
    const p = thread({ channels: ['mastodon'] });
    await run([p], T, 'pub1');
    nets.mastodon.delivered.splice(0, 1); // someone deleted part 1 in the app
    const r = await take([p], T + 5 * MIN, 'ret1');
    expect(r.parts.map((x) => x.outcome)).toEqual(['already-gone', 'removed']);
    expect(r.complete).toBe(true);
    const events = await readLedgerAppendOrder(store);
    expect(events.filter((e) => e.state === 'retracted').map((e) => [e.part, e.alreadyGone ?? false])).toEqual([[1, false], [0, true]]);
  });

  test('a revoked token: failed with the action, open in the status; retried on the next run, deleted once', async () => {
    const p = thread({ channels: ['mastodon'], text: 'One part.' });
    await run([p], T, 'pub1');
    nets.mastodon.removeFaults.push({ status: 'failed', error: 'Mastodon DELETE answered HTTP 401: The access token is invalid', action: 'Issue a new Mastodon access token.' });
    const first = await take([p], T + 5 * MIN, 'ret1');
    expect(first.complete).toBe(false);
    expect(first.newFailures).toBe(1);
    expect(first.parts[0]).toMatchObject({ outcome: 'failed', action: 'Issue a new Mastodon access token.' });
    expect(nets.mastodon.delivered).toHaveLength(1);
    const events = await readLedgerAppendOrder(store);
    // Status and plan say it is not finished, and what to do.
    const status = statusText({ now: T + 6 * MIN, zone: 'UTC', freezes: [], freezeLog: [], lastSuccess: { status: 'missing' }, lastRun: { status: 'missing' }, ledger: events, quietPeriods: [], storeDescription: 'test' });
    expect(status).toMatch(/Retracted: +1 post\/network, 1 with parts not confirmed removed/);
    expect(status).toContain('bad-date on mastodon: retracted 2027-03-15T08:05Z by ana: wrong date: the market is on Saturday; part 1 not removed (Mastodon DELETE answered HTTP 401');
    const [d] = await decisionsNow([p], T + 6 * MIN);
    expect(d).toMatchObject({ kind: 'retracted', action: expect.stringContaining('copydesk retract bad-date') });
    // Still never sent again meanwhile.
    await run([p], T + 7 * MIN, 'pub2');
    expect(nets.mastodon.sends).toBe(1);

    const second = await take([p], T + 20 * MIN, 'ret2');
    expect(second.complete).toBe(true);
    expect(second.parts[0]!.outcome).toBe('removed');
    expect(nets.mastodon.removedIds).toHaveLength(1);
    expect(openRetractions(await readLedgerAppendOrder(store))[0]!.complete).toBe(true);
  });

  test('a rate limit: not deleted, retried after the reset, never before', async () => {
    const p = thread({ channels: ['mastodon'], text: 'One part.' });
    await run([p], T, 'pub1');
    nets.mastodon.removeFaults.push({ status: 'retry', error: 'HTTP 429', retryAt: T + 30 * MIN });
    expect((await take([p], T + 5 * MIN, 'ret1')).parts[0]!.outcome).toBe('retry');
    expect((await take([p], T + 10 * MIN, 'ret2')).parts[0]!.outcome).toBe('retry');
    expect(nets.mastodon.removeCalls).toHaveLength(1);
    expect((await take([p], T + 31 * MIN, 'ret3')).parts[0]!.outcome).toBe('removed');
  });

  test('a crash after the delete and before its record: the next run deletes nothing twice and records it removed', async () => {
    const p = thread({ channels: ['mastodon'], text: 'One part.' });
    await run([p], T, 'pub1');
    // The run dies the moment the network has deleted it: its record never lands (the kill -9
    // version, with a child process and the Mastodon fake: retract-mastodon.test.ts).
    const inner = store;
    const dying: StateStore = { ...inner, update: (msg, change) => (/removed/.test(msg) ? Promise.reject(new Error('SIGKILL')) : inner.update(msg, change)) };
    await expect(take([p], T + 5 * MIN, 'doomed', { store: dying })).rejects.toThrow('SIGKILL');
    expect(nets.mastodon.removedIds).toHaveLength(1);
    expect((await readLedgerAppendOrder(store)).map((e) => e.state)).toEqual(['intent', 'sent', 'retract', 'retract-intent']);
    // Right away, a second run leaves the part to the first (it may still be deleting)...
    const soon = await take([p], T + 6 * MIN, 'ret2');
    expect(soon.parts[0]!.outcome).toBe('in-flight');
    expect(soon.complete).toBe(false);
    // ...after the window, it asks again: already gone, recorded removed; taken down once in all.
    const later = await take([p], T + 8 * MIN, 'ret3');
    expect(later.parts[0]!.outcome).toBe('already-gone');
    expect(later.complete).toBe(true);
    expect(nets.mastodon.removedIds).toHaveLength(1);
  });

  test('a send whose result was never recorded (the publisher died): read back, found, and deleted', async () => {
    const p = thread({ channels: ['mastodon'], text: 'One part.' });
    nets.mastodon.behave = () => 'accept-then-lose';
    await run([p], T, 'pub1');
    expect((await readLedgerAppendOrder(store)).map((e) => e.state)).toEqual(['intent', 'unknown']);
    const r = await take([p], T + 10 * MIN, 'ret1');
    expect(r.parts.map((x) => x.outcome)).toEqual(['removed']);
    expect(nets.mastodon.delivered).toEqual([]);
    expect(nets.mastodon.finds).toBe(1);
  });

  test('a send another publisher run has in flight is waited for, then deleted', async () => {
    const p = thread({ channels: ['mastodon'], text: 'One part.' });
    // The publisher claims the part and is "sending" when the retraction starts.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let claimed!: () => void;
    const started = new Promise<void>((r) => (claimed = r));
    nets.mastodon.behave = async () => {
      claimed();
      await gate;
      return 'ok' as const;
    };
    const publishing = run([p], T, 'pub1');
    await started;
    let slept = 0;
    const r = await take([p], T + MIN, 'ret1', {
      waitMs: 60_000,
      sleep: async () => {
        if (slept++ === 0) {
          release();
          await publishing;
        }
      },
    });
    expect(r.parts.map((x) => x.outcome)).toEqual(['removed']);
    expect(nets.mastodon.delivered).toEqual([]);
  });

  test('two retractions at the same moment (two machines, one git state branch): each part deleted once', async () => {
    const f = await gitFixture(2);
    try {
      const a = createGitStore({ repoDir: f.clones[0]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
      const b = createGitStore({ repoDir: f.clones[1]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
      const p = thread();
      await run([p], T, 'pub1', a);
      // Whichever run claims the parts holds its first delete until the other run has finished
      // (at most 3 s): the two really overlap, whatever the timing of the two git pushes.
      const done: Record<string, () => void> = {};
      const finished = Object.fromEntries(['retA', 'retB'].map((id) => [id, new Promise<void>((r) => (done[id] = r))]));
      const holding = (runId: string, other: string): RetractOptions['channels'] => {
        let first = true;
        return (n) => {
          const ch = channelOf(n);
          return { ...ch, remove: async (ref, net) => {
            if (first) {
              first = false;
              await Promise.race([finished[other], new Promise((r) => setTimeout(r, 3_000))]);
            }
            return ch.remove!(ref, net);
          } };
        };
      };
      const both = await Promise.all([
        take([p], T + 5 * MIN, 'retA', { store: a, by: 'ana', channels: holding('retA', 'retB') }).finally(() => done.retA!()),
        take([p], T + 5 * MIN, 'retB', { store: b, by: 'bo', channels: holding('retB', 'retA') }).finally(() => done.retB!()),
      ]);
      // One run deleted everything; the other saw it in flight and deleted nothing.
      expect(both.map((r) => r.parts.every((x) => x.outcome === 'in-flight')).sort()).toEqual([false, true]);
      expect(nets.bluesky.removeCalls.sort()).toEqual(['bluesky-1', 'bluesky-2']);
      expect(nets.mastodon.removeCalls.sort()).toEqual(['mastodon-1', 'mastodon-2']);
      expect(nets.bluesky.delivered).toEqual([]);
      expect(nets.mastodon.delivered).toEqual([]);
      // One decision stands (the first stored); the other run finished it or saw it in flight.
      await b.refresh();
      const events = await readLedgerAppendOrder(b);
      expect(new Set(events.filter((e) => e.state === 'retract').map((e) => e.runId)).size).toBe(1);
      expect(events.filter((e) => e.state === 'retract-intent')).toHaveLength(4);
      expect(both.filter((r) => r.decidedNow)).toHaveLength(1);
    } finally {
      await f.cleanup();
    }
  });

  test('a publisher racing the retraction loses the compare-and-swap: nothing goes out after it is stored', async () => {
    const p = thread({ channels: ['mastodon'] });
    // The publisher planned part 1 before the retraction; the retraction is stored before its intent.
    const inner = store;
    let once = false;
    store = {
      ...inner,
      update: async (msg, change) => {
        if (!once && /intent/.test(msg)) {
          once = true;
          await retract({ postId: 'bad-date', reason: 'pulled', by: 'ana', store: inner, channels: channelOf, posts: [p], config: testConfig(), now: () => new Date(T), runId: 'ret', dryRun: false, log: () => {}, waitMs: 0 });
        }
        return inner.update(msg, change);
      },
    };
    const report = await run([p], T, 'pub1');
    expect(nets.mastodon.sends).toBe(0);
    expect(report.sent).toBe(0);
  });
});

describe('every reader of the ledger understands a retraction', () => {
  test('plan, status, site, timeline and thaw summary', async () => {
    const p = thread({ channels: ['mastodon'] });
    nets.mastodon.behave = (_part, n) => (n === 1 ? 'failed' : 'ok');
    await run([p], T, 'pub1');
    const before = await readLedgerAppendOrder(store);
    expect(openFailures(before, T + MIN)).toHaveLength(1);
    await take([p], T + 5 * MIN, 'ret1');
    const events = await readLedgerAppendOrder(store);
    // The failed part 2 is moot now: never sent, not an open failure.
    expect(openFailures(events, T + 6 * MIN)).toEqual([]);

    const site = buildSiteData({ posts: [p], events, freezes: [], config: testConfig(), now: T + 6 * MIN });
    expect(site.posts[0]).toMatchObject({ status: 'retracted', reason: expect.stringContaining('by ana: wrong date: the market is on Saturday') });
    expect(site.posts[0]!.networks[0]!.links).toEqual([]);
    expect(site.counts.retracted).toBe(1);
    expect(site.retractions).toEqual([expect.objectContaining({ postId: 'bad-date', network: 'mastodon', by: 'ana', complete: true, text: expect.stringContaining('its part was removed') })]);

    const tl = buildTimeline({ since: T - 60 * MIN, until: T + 60 * MIN, commits: [], ledger: events, freezeLog: [], active: [], now: T + 6 * MIN, holdingLog: [], posts: [p] });
    expect(tl.filter((e) => e.kind === 'retracted')).toEqual([expect.objectContaining({ by: 'ana', what: expect.stringContaining('**Retracted** `bad-date` on every network: wrong date') })]);
    expect(tl.filter((e) => e.kind === 'removed')).toEqual([expect.objectContaining({ what: expect.stringContaining('`bad-date` deleted on mastodon') })]);

    // A freeze that held it and was thawed: a retracted network is not "missed".
    const freeze = { id: 'f1', since: new Date(T - 60 * MIN).toISOString(), by: 'ana', reason: 'storm', terms: [], tags: [], source: 'cli' as const };
    expect(missedDuringFreezes([freeze as never], T + 60 * MIN, [p], events)).toEqual([]);
  });
});
