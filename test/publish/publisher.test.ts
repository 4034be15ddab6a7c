/**
 * The publisher under fault injection. Every test counts what reached the network: no post twice,
 * no post lost, nothing late, nothing after a freeze. The network is a counting stand-in
 * (`countingNetwork`) that really keeps what it accepted and answers read-backs from it; the state
 * is a real folder store, or real git clones where runs overlap.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/config/config.ts';
import type { FreezeLogEvent } from '../../src/freeze/freeze-state.ts';
import { FREEZE_FILE, FREEZE_LOG } from '../../src/freeze/freeze-state.ts';
import type { Post } from '../../src/post/post.ts';
import type { Network } from '../../src/post/network.ts';
import type { PublishOptions, PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createRedactor } from '../../src/publish/redact.ts';
import { clearFailures } from '../../src/publish/retry.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { CountingNetwork } from './publisher-helpers.ts';
import { at, countingNetwork, gitFixture, post, tempDir, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

interface Rig {
  store: StateStore;
  nets: Record<'mastodon' | 'bluesky', CountingNetwork>;
  logs: string[];
  clock: { now: number };
  run: (posts: Post[], over?: Partial<PublishOptions>) => Promise<PublishReport>;
}

async function rig(config: Config = testConfig(), store?: StateStore): Promise<Rig> {
  let s = store;
  if (!s) {
    const dir = await tempDir('pub');
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    s = createDirStore(dir);
  }
  const nets = { mastodon: countingNetwork('mastodon'), bluesky: countingNetwork('bluesky') };
  const logs: string[] = [];
  const clock = { now: T };
  let n = 0;
  const r: Rig = {
    store: s,
    nets,
    logs,
    clock,
    run: (posts, over = {}) =>
      publish({ posts, store: r.store, channels: (net: Network) => nets[net as 'mastodon' | 'bluesky'].channel(), config, now: () => new Date(clock.now), runId: `run-${++n}`, dryRun: false, log: (l) => logs.push(l), ...over }),
  };
  return r;
}

const delivered = (net: CountingNetwork) => net.delivered.map((d) => `${d.postId}.${d.part}`);

describe('exactly once', () => {
  test('due posts go out once per network; the next tick sends nothing again', async () => {
    const r = await rig();
    const posts = [post({ id: 'a', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'] }), post({ id: 'b', at: '2027-03-15 08:55' })];
    const first = await r.run(posts);
    expect(first).toMatchObject({ sent: 3, alreadySent: 0, failed: 0, completed: true });
    r.clock.now += 5 * MIN;
    const second = await r.run(posts);
    expect(second).toMatchObject({ sent: 0, alreadySent: 3 });
    expect(delivered(r.nets.mastodon)).toEqual(['b.0', 'a.0']);
    expect(delivered(r.nets.bluesky)).toEqual(['a.0']);
  });

  test('an idle tick constructs no channel and makes zero network calls', async () => {
    const r = await rig();
    const posts = [post({ id: 'later', at: '2027-03-15 12:00', channels: ['bluesky', 'mastodon'] }), post({ id: 'd', at: '2027-03-15 08:00', draft: true })];
    const report = await r.run(posts);
    expect(report).toMatchObject({ sent: 0, waiting: 2, held: 1 });
    for (const net of Object.values(r.nets)) expect([net.constructed, net.sends, net.finds]).toEqual([0, 0, 0]);
  });

  test('killed after the network accepted, before the result was recorded: read back, never posted twice', async () => {
    const r = await rig();
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    const inner = r.store;
    // The process "dies" right after the send: the write of the result never happens.
    r.store = { ...inner, update: (msg, change) => (/part 1 sent/.test(msg) ? Promise.reject(new Error('SIGKILL')) : inner.update(msg, change)) };
    const crashed = await r.run([p]);
    expect(crashed.completed).toBe(false);
    expect((await readLedger(inner)).map((e) => e.state)).toEqual(['intent']);
    r.store = inner;
    r.clock.now += 5 * MIN;
    const next = await r.run([p]);
    expect(next.sent).toBe(1);
    expect(r.nets.mastodon.finds).toBe(1);
    expect(r.nets.mastodon.sends).toBe(1);
    expect(delivered(r.nets.mastodon)).toEqual(['a.0']);
    expect((await readLedger(inner)).map((e) => e.state)).toEqual(['intent', 'sent']);
  });

  test('a channel that throws after the network accepted is an unknown outcome, read back next run', async () => {
    const r = await rig();
    r.nets.mastodon.behave = (_p, n) => (n === 0 ? 'throw-after-accept' : 'ok');
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    const first = await r.run([p]);
    expect(first.decisions[0]).toMatchObject({ kind: 'held', hold: 'unknown' });
    r.clock.now += 5 * MIN;
    await r.run([p]);
    expect(r.nets.mastodon.sends).toBe(1);
    expect(delivered(r.nets.mastodon)).toEqual(['a.0']);
  });

  test('timeout with unknown outcome: read back; found → recorded, absent → sent once', async () => {
    const r = await rig();
    r.nets.mastodon.behave = (p) => (p.postId === 'landed' ? 'accept-then-lose' : r.nets.mastodon.sends <= 2 ? 'lose-before-accept' : 'ok');
    const posts = [post({ id: 'landed', at: '2027-03-15 09:00' }), post({ id: 'lost', at: '2027-03-15 09:00' })];
    const first = await r.run(posts);
    expect(first.decisions.map((d) => d.hold)).toEqual(['unknown', 'unknown']);
    r.nets.mastodon.behave = () => 'ok';
    r.clock.now += 5 * MIN;
    const second = await r.run(posts);
    expect(second.sent).toBe(2);
    expect(r.nets.mastodon.finds).toBe(2);
    expect(delivered(r.nets.mastodon).sort()).toEqual(['landed.0', 'lost.0']);
    expect(r.nets.mastodon.sends).toBe(3); // landed once, lost twice (the first never arrived)
  });
});

describe('clock skew', () => {
  test('a runner whose clock is behind never makes an unknown outcome look like a plain retry', async () => {
    const r = await rig();
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    // Run A (clock ahead) recorded a retry; run B (clock 8 s behind) then tried and lost the answer.
    const line = (o: object) => JSON.stringify({ postId: 'a', network: 'mastodon', part: 0, via: 'mastodon', ...o });
    const lines = [
      line({ at: '2027-03-15T08:00:10.000Z', state: 'failed', error: '503', retryAt: T + 5_000, runId: 'A' }),
      line({ at: '2027-03-15T08:00:05.000Z', state: 'intent', runId: 'B' }),
      line({ at: '2027-03-15T08:00:06.000Z', state: 'unknown', error: 'timeout', runId: 'B' }),
    ];
    await r.store.update('seed', async () => ({ 'ledger/a.jsonl': lines.join('\n') + '\n' }));
    r.nets.mastodon.delivered.push({ postId: 'a', part: 0, text: 'Post a.', id: 'landed' });
    r.clock.now = T + 5 * MIN;
    const report = await r.run([p]);
    expect(r.nets.mastodon.finds).toBe(1);
    expect(r.nets.mastodon.sends).toBe(0);
    expect(report.decisions[0]).toMatchObject({ kind: 'sent', refs: { 0: { id: 'landed' } } });
  });
});

describe('overlapping runs', () => {
  test('two publishers at once on two clones of the state: every part exactly once', async () => {
    const f = await gitFixture(2);
    cleanups.push(f.cleanup);
    const shared = { mastodon: countingNetwork('mastodon'), bluesky: countingNetwork('bluesky') };
    // A slow network widens the race window.
    shared.mastodon.behave = () => new Promise((res) => setTimeout(() => res('ok'), 30));
    const posts = [post({ id: 'a', at: '2027-03-15 09:00', text: ['one', 'two'] }), post({ id: 'b', at: '2027-03-15 08:58' })];
    const config = testConfig();
    const runs = f.clones.map((c, i) =>
      publish({
        posts, store: createGitStore({ repoDir: c, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} }), channels: (n) => shared[n as 'mastodon'].channel(), config,
        now: () => new Date(T), runId: `overlap-${i}`, dryRun: false, log: () => {},
      }),
    );
    const reports = await Promise.all(runs);
    expect(reports.every((r) => r.completed)).toBe(true);
    // A later tick finishes anything one run left to the other.
    const later = createGitStore({ repoDir: f.clones[0]!, branch: 'copydesk-state', remote: 'origin' });
    await publish({ posts, store: later, channels: (n) => shared[n as 'mastodon'].channel(), config, now: () => new Date(T + 10 * MIN), runId: 'later', dryRun: false, log: () => {} });
    expect(delivered(shared.mastodon).sort()).toEqual(['a.0', 'a.1', 'b.0']);
    expect(shared.mastodon.sends).toBe(3);
    const events = await readLedger(later);
    expect(events.filter((e) => e.state === 'sent').map((e) => `${e.postId}.${e.part}`).sort()).toEqual(['a.0', 'a.1', 'b.0']);
  });
});

describe('late ticks never become a burst', () => {
  test('a 3-hour gap between ticks: within max lateness goes out (cap respected), older is missed', async () => {
    const r = await rig(testConfig({ maxLatenessMinutes: 120, maxPerRun: 3 }));
    const offsets = [170, 150, 100, 60, 30, 10];
    const posts = offsets.map((m) => post({ id: `p${m}`, at: iso(T - m * MIN) }));
    r.clock.now = T - 180 * MIN;
    expect((await r.run(posts)).waiting).toBe(6);
    r.clock.now = T; // the next tick comes three hours later
    const late = await r.run(posts);
    expect(late).toMatchObject({ sent: 3, missed: 2, held: 1 });
    expect(delivered(r.nets.mastodon)).toEqual(['p100.0', 'p60.0', 'p30.0']);
    expect(late.decisions.find((d) => d.postId === 'p10')).toMatchObject({ hold: 'cap' });
    r.clock.now = T + 5 * MIN;
    const next = await r.run(posts);
    expect(next.sent).toBe(1);
    expect(delivered(r.nets.mastodon)).toEqual(['p100.0', 'p60.0', 'p30.0', 'p10.0']);
    // Missed recorded once, not on every tick.
    expect((await readLedger(r.store)).filter((e) => e.state === 'missed').map((e) => e.postId).sort()).toEqual(['p150', 'p170']);
  });

  test('with spacing, a backlog goes out one post per spacing interval', async () => {
    const r = await rig(testConfig({ minSpacingMinutes: 30, maxPerRun: 5 }));
    const posts = [60, 40, 20].map((m) => post({ id: `p${m}`, at: iso(T - m * MIN) }));
    expect((await r.run(posts)).sent).toBe(1);
    r.clock.now = T + 5 * MIN;
    expect((await r.run(posts)).sent).toBe(0);
    r.clock.now = T + 30 * MIN;
    expect((await r.run(posts)).sent).toBe(1);
    expect(delivered(r.nets.mastodon)).toEqual(['p60.0', 'p40.0']);
  });
});

describe('partial failures retry only what failed', () => {
  test('one network down while the other is up', async () => {
    const r = await rig();
    r.nets.bluesky.behave = () => 'down';
    const p = post({ id: 'a', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'] });
    const first = await r.run([p]);
    expect(first).toMatchObject({ sent: 1, held: 1 });
    expect(first.decisions.find((d) => d.network === 'bluesky')).toMatchObject({ hold: 'retry' });
    r.nets.bluesky.behave = () => 'ok';
    r.clock.now += 5 * MIN;
    await r.run([p]);
    expect(delivered(r.nets.bluesky)).toEqual(['a.0']);
    expect(r.nets.mastodon.sends).toBe(1);
  });

  test('thread part 2 of 3 failing: the next run sends parts 2 and 3, replying to part 1', async () => {
    const r = await rig();
    let failedOnce = false;
    r.nets.mastodon.behave = (p) => (p.part === 1 && !failedOnce ? ((failedOnce = true), 'retry') : 'ok');
    const p = post({ id: 't', at: '2027-03-15 09:00', text: ['one', 'two', 'three'] });
    await r.run([p]);
    expect(delivered(r.nets.mastodon)).toEqual(['t.0']);
    r.clock.now += 5 * MIN;
    const second = await r.run([p]);
    expect(second.decisions[0]!.sentThisRun).toEqual([1, 2]);
    const [one, two, three] = r.nets.mastodon.delivered;
    expect(two).toMatchObject({ part: 1, parentId: one!.id });
    expect(three).toMatchObject({ part: 2, parentId: two!.id });
    expect(r.nets.mastodon.sends).toBe(4);
  });

  test('a failure needing a person is not retried until `--retry`', async () => {
    const r = await rig();
    r.nets.mastodon.behave = () => 'failed';
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    const first = await r.run([p]);
    expect(first).toMatchObject({ failed: 1, newFailures: 1 });
    expect(first.decisions[0]!.action).toMatch(/Issue a new token/);
    r.nets.mastodon.behave = () => 'ok';
    r.clock.now += 5 * MIN;
    const second = await r.run([p]);
    expect(second).toMatchObject({ failed: 1, newFailures: 0, sent: 0 });
    expect(r.nets.mastodon.sends).toBe(1);
    const cleared = await clearFailures(r.store, 'a', { runId: 'manual', now: new Date(r.clock.now), by: 'anna', known: true });
    expect(cleared.ok && cleared.cleared).toHaveLength(1);
    expect((await r.run([p])).sent).toBe(1);
    expect(delivered(r.nets.mastodon)).toEqual(['a.0']);
  });
});

describe('time', () => {
  test('posts due across both DST changes in Europe/Warsaw go out at the right instant', async () => {
    const r = await rig();
    const spring = post({ id: 'spring', at: '2027-03-28 03:30' });
    const autumn = post({ id: 'autumn', at: '2027-10-31T02:30:00+01:00' });
    for (const [now, expected] of [
      ['2027-03-28T01:25:00Z', []],
      ['2027-03-28T01:35:00Z', ['spring.0']],
      ['2027-10-31T00:35:00Z', ['spring.0']], // 02:35 local, first pass: not yet
      ['2027-10-31T01:35:00Z', ['spring.0', 'autumn.0']],
    ] as const) {
      r.clock.now = at(now);
      await r.run([spring, autumn]);
      expect(delivered(r.nets.mastodon)).toEqual(expected);
    }
  });

  test('an expired post is never sent and its expiry is recorded once', async () => {
    const r = await rig();
    const p = post({ id: 'x', at: '2027-03-15 09:00', expires: '2027-03-15 09:30' });
    r.clock.now = T + 31 * MIN;
    expect((await r.run([p])).expired).toBe(1);
    r.clock.now += 5 * MIN;
    await r.run([p]);
    expect(r.nets.mastodon.constructed).toBe(0);
    expect((await readLedger(r.store)).map((e) => e.state)).toEqual(['expired']);
  });

  test('a draft is never sent', async () => {
    const r = await rig();
    const report = await r.run([post({ id: 'd', at: '2027-03-15 08:00', draft: true })]);
    expect(report.decisions[0]).toMatchObject({ kind: 'held', hold: 'draft' });
    expect(r.nets.mastodon.sends).toBe(0);
  });
});

describe('freeze', () => {
  const writeFreeze = (store: StateStore, f: object) => store.update('freeze', async () => ({ [FREEZE_FILE]: JSON.stringify({ active: [f] }) }));
  const full = { id: 'f1', reason: 'flood in town', by: 'anna', since: iso(T), terms: [], tags: [], source: 'cli' };

  test('a freeze landing between two sends of one run stops the rest of the run', async () => {
    const r = await rig();
    r.nets.mastodon.onSent = () => writeFreeze(r.store, full);
    const posts = [post({ id: 'a', at: '2027-03-15 08:58' }), post({ id: 'b', at: '2027-03-15 09:00' })];
    const report = await r.run(posts);
    expect(delivered(r.nets.mastodon)).toEqual(['a.0']);
    // Due and stopped by the freeze: missed for good (issue 9 §4), never sent after the thaw.
    expect(report.decisions.find((d) => d.postId === 'b')).toMatchObject({ kind: 'missed', recordedNow: true });
  });

  test('a partial freeze by tag and by term holds only the matching posts', async () => {
    const r = await rig();
    await writeFreeze(r.store, { ...full, tags: ['promo'], terms: ['flood'] });
    const posts = [post({ id: 'promo', at: '2027-03-15 09:00', tags: ['promo'] }), post({ id: 'news', at: '2027-03-15 09:00', text: 'Flood relief bake sale.' }), post({ id: 'plain', at: '2027-03-15 09:00' })];
    const report = await r.run(posts);
    expect(delivered(r.nets.mastodon)).toEqual(['plain.0']);
    // Due and held by the freeze: missed for good, recorded at once (issue 9 §4), never sent after the thaw.
    expect(report.decisions.filter((d) => d.kind === 'missed').map((d) => d.postId).sort()).toEqual(['news', 'promo']);
    expect(report.decisions.find((d) => d.postId === 'news')!.reason).toMatch(/was due while frozen \(partial freeze/);
  });

  test('posts that fell due during a freeze are missed after the thaw; later ones go out', async () => {
    const r = await rig();
    const f = { ...full, since: iso(T - 30 * MIN) };
    const log: FreezeLogEvent[] = [{ at: f.since, action: 'freeze', freeze: f }, { at: iso(T + 10 * MIN), action: 'thaw', freeze: f, by: 'anna' }];
    await r.store.update('log', async () => ({ [FREEZE_LOG]: log.map((e) => JSON.stringify(e)).join('\n') + '\n', [FREEZE_FILE]: '{"active":[]}' }));
    const posts = [post({ id: 'during', at: '2027-03-15 09:00' }), post({ id: 'after', at: '2027-03-15 09:12' })];
    r.clock.now = T + 15 * MIN;
    const report = await r.run(posts);
    expect(delivered(r.nets.mastodon)).toEqual(['after.0']);
    expect(report.decisions.find((d) => d.postId === 'during')).toMatchObject({ kind: 'missed', recordedNow: true });
  });
});

describe('approval and secrets', () => {
  test('approval is asked once per post; an unapproved post is held with the reason', async () => {
    const r = await rig();
    const asked: string[] = [];
    const approve = async (p: Post) => {
      asked.push(p.id);
      return p.id === 'ok' ? ({ approved: true } as const) : ({ approved: false, reason: 'pushed straight to main', action: 'Open a pull request.' } as const);
    };
    const posts = [post({ id: 'ok', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'], text: ['1', '2'] }), post({ id: 'nope', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'] })];
    const report = await r.run(posts, { approve });
    expect(asked.sort()).toEqual(['nope', 'ok']);
    expect(delivered(r.nets.mastodon)).toEqual(['ok.0', 'ok.1']);
    expect(report.decisions.filter((d) => d.postId === 'nope').map((d) => [d.hold, d.reason])).toEqual([['unapproved', 'pushed straight to main'], ['unapproved', 'pushed straight to main']]);
  });

  test('a secret echoed in a network error is redacted from the log and the ledger', async () => {
    const secret = 'mstdn-SECRET-9f8e7d6c';
    const r = await rig();
    const ch = r.nets.mastodon.channel();
    const posts = [post({ id: 'a', at: '2027-03-15 09:00' })];
    const report = await r.run(posts, {
      redact: createRedactor([secret]),
      channels: () => ({ ...ch, send: async () => ({ status: 'failed', error: `401 for Bearer ${secret}`, action: `replace ${secret}` }) }),
    });
    const ledger = JSON.stringify(await readLedger(r.store));
    expect(ledger).toContain('401 for Bearer ***');
    expect(ledger + JSON.stringify(report) + r.logs.join('\n')).not.toContain(secret);
  });
});
