/**
 * The freeze wins every race (issue 9, section 4), through the real publisher and the real git
 * state store (two clones of one bare remote: the publisher's and a team member's phone/laptop that
 * pulls the freeze with the real freeze change, `freezeChange` / `thawChange`).
 *
 * - a freeze stored while the run is checking a post's approval stops that post;
 * - a freeze stored by a machine whose clock is ahead (its `since` is in the future) stops the next send;
 * - a post that was due and was stopped by a freeze never goes out after the thaw on its own: missed,
 *   listed in the thaw summary, even when no tick ran during the freeze.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { freezeChange, thawChange, type FreezeOutcome, type ThawOutcome } from '../../src/freeze/freeze-apply.ts';
import { missedDuringFreezes } from '../../src/freeze/thaw-summary.ts';
import type { Post } from '../../src/post/post.ts';
import type { Network } from '../../src/post/network.ts';
import type { PublishOptions, PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { at, countingNetwork, gitFixture, post, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((c) => c()));
  cleanups = [];
});

async function rig() {
  const f = await gitFixture(2);
  cleanups.push(f.cleanup);
  const store = createGitStore({ repoDir: f.clones[0]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
  // The team member's machine: its own clone, its own clock.
  const phone = createGitStore({ repoDir: f.clones[1]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
  const nets = { mastodon: countingNetwork('mastodon'), bluesky: countingNetwork('bluesky') };
  let n = 0;
  const run = (posts: Post[], now: number, over: Partial<PublishOptions> = {}): Promise<PublishReport> =>
    publish({ posts, store: out.store, channels: (net: Network) => nets[net as 'mastodon'].channel(), config: testConfig(), now: () => new Date(now), runId: `run-${++n}`, dryRun: false, log: () => {}, ...over });
  const freeze = async (clock: number, over: { terms?: string[]; tags?: string[] } = {}) => {
    let out: FreezeOutcome | undefined;
    await phone.refresh();
    await phone.update('freeze', freezeChange({ reason: 'flood in town', by: 'anna', at: new Date(clock), terms: over.terms ?? [], tags: over.tags ?? [], source: 'cli' }, (o) => (out = o)));
    return out!;
  };
  const thaw = async (clock: number) => {
    let out: ThawOutcome | undefined;
    await phone.refresh();
    await phone.update('thaw', thawChange({ by: 'anna', at: new Date(clock) }, (o) => (out = o)));
    return out!;
  };
  const out: { store: StateStore; phone: StateStore; nets: typeof nets; run: typeof run; freeze: typeof freeze; thaw: typeof thaw } = { store, phone, nets, run, freeze, thaw };
  return out;
}

const delivered = (r: Awaited<ReturnType<typeof rig>>) => [...r.nets.mastodon.delivered, ...r.nets.bluesky.delivered].map((d) => `${d.postId}.${d.part}`);

describe('the freeze wins every race', () => {
  test('a freeze stored while the run checks the approval stops that post (every network, every part)', async () => {
    const r = await rig();
    const p = post({ id: 'a', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'], text: ['one', 'two'] });
    let asked = 0;
    const approve = async () => {
      asked++;
      // A team member pulls the freeze from another machine while GitHub is being asked.
      await r.freeze(T);
      return { approved: true } as const;
    };
    const report = await r.run([p], T, { approve });
    expect(asked).toBe(1);
    expect(delivered(r)).toEqual([]);
    // No intent was written (nothing to read back, nothing half-started): it is missed for good.
    expect((await readLedger(r.store)).filter((e) => e.postId === 'a').map((e) => [e.network, e.state])).toEqual([['bluesky', 'missed'], ['mastodon', 'missed']]);
    expect(report.decisions.map((d) => [d.network, d.kind])).toEqual([['bluesky', 'missed'], ['mastodon', 'missed']]);
  });

  test('a freeze stored while the intent is being recorded stops the send; the part is missed, never sent later', async () => {
    const r = await rig();
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    const inner = r.store;
    // The freeze lands right after the intent commit, before the request leaves.
    r.store = { ...inner, update: async (msg, change) => {
      await inner.update(msg, change);
      if (/\(intent, /.test(msg)) await r.freeze(T);
    } };
    const report = await r.run([p], T);
    r.store = inner;
    expect(delivered(r)).toEqual([]);
    expect(report.decisions[0]).toMatchObject({ kind: 'missed', recordedNow: true });
    expect(report.decisions[0]!.reason).toMatch(/was stored just before part 1 was sent; nothing was sent/);
    expect((await readLedger(r.store)).map((e) => e.state)).toEqual(['intent', 'missed']);
    await r.thaw(T + 10 * MIN);
    const after = await r.run([p], T + 15 * MIN);
    expect(delivered(r)).toEqual([]);
    expect(after.decisions[0]).toMatchObject({ kind: 'missed' });
  });

  test('a freeze stored between two parts of a thread stops the next part', async () => {
    const r = await rig();
    const p = post({ id: 't', at: '2027-03-15 09:00', text: ['one', 'two', 'three'] });
    r.nets.mastodon.onSent = async (part) => {
      if (part.part === 0) await r.freeze(T);
    };
    const report = await r.run([p], T);
    expect(delivered(r)).toEqual(['t.0']);
    expect(report.decisions[0]).toMatchObject({ kind: 'missed', sent: [0] });
  });

  test('a freeze stored by a machine whose clock is 5 minutes ahead stops the next send', async () => {
    const r = await rig();
    const f = await r.freeze(T + 5 * MIN);
    expect(f.status).toBe('frozen');
    const report = await r.run([post({ id: 'a', at: '2027-03-15 08:58' }), post({ id: 'b', at: '2027-03-15 09:00', channels: ['bluesky'] })], T);
    expect(delivered(r)).toEqual([]);
    expect(report.decisions.map((d) => d.kind)).toEqual(['missed', 'missed']);
    expect(report.decisions[0]!.reason).toMatch(/was due while frozen \(full freeze\).*flood in town/);
  });

  test('a post due and stopped by a freeze (ahead clock) is missed after the thaw, and listed in the thaw summary', async () => {
    const r = await rig();
    const p = post({ id: 'due', at: '2027-03-15 08:58' });
    // Due at 07:58Z; the phone's clock is 5 min ahead, so the freeze says since 08:05Z.
    await r.freeze(T + 5 * MIN);
    expect((await r.run([p], T)).decisions[0]).toMatchObject({ kind: 'missed' });
    const thawed = await r.thaw(T + 10 * MIN);
    expect(thawed.status).toBe('thawed');
    await r.store.refresh();
    const summary = missedDuringFreezes(thawed.status === 'thawed' ? thawed.thawed : [], T + 10 * MIN, [p], await readLedger(r.store));
    expect(summary.map((m) => m.post.id)).toEqual(['due']);
    // Well inside max_lateness (120 min): before the fix it went out here on its own.
    const after = await r.run([p], T + 15 * MIN);
    expect(delivered(r)).toEqual([]);
    expect(after.decisions[0]).toMatchObject({ kind: 'missed' });
    expect(after.decisions[0]!.reason).toMatch(/was due while frozen/);
  });

  test('ticks skipped during the freeze: a post due just before it began is missed after the thaw', async () => {
    const r = await rig();
    const p = post({ id: 'early', at: '2027-03-15 09:00' });
    const q = post({ id: 'later', at: '2027-03-15 09:30' });
    // Due at 08:00Z; no tick ran before the freeze at 08:01Z nor during it; thawed at 08:20Z.
    await r.freeze(T + 1 * MIN);
    await r.thaw(T + 20 * MIN);
    const report = await r.run([p, q], T + 35 * MIN);
    expect(delivered(r)).toEqual(['later.0']);
    expect(report.decisions.find((d) => d.postId === 'early')).toMatchObject({ kind: 'missed' });
  });

  test('a thread stopped half-way by a freeze does not finish after the thaw on its own', async () => {
    const r = await rig();
    const p = post({ id: 't', at: '2027-03-15 09:00', text: ['one', 'two', 'three'] });
    r.nets.mastodon.onSent = async (part) => {
      if (part.part === 0) await r.freeze(T);
    };
    await r.run([p], T);
    r.nets.mastodon.onSent = undefined;
    await r.thaw(T + 10 * MIN);
    const report = await r.run([p], T + 15 * MIN);
    expect(delivered(r)).toEqual(['t.0']);
    expect(report.decisions[0]).toMatchObject({ kind: 'missed', sent: [0] });
    expect(report.decisions[0]!.reason).toMatch(/parts 2, 3 of 3 were never sent/);
  });

  test('a post due after the thaw goes out as usual', async () => {
    const r = await rig();
    await r.freeze(T);
    await r.thaw(T + 10 * MIN);
    await r.run([post({ id: 'after', at: '2027-03-15 09:12' })], T + 15 * MIN);
    expect(delivered(r)).toEqual(['after.0']);
  });
});
