/**
 * The plan decides what goes out now. These cases are what a shop owner would notice: a post that
 * goes out late or twice, a backlog fired as a burst, a post sent into a crisis.
 */
import { describe, expect, test } from 'vitest';
import type { Freeze, FreezeLogEvent } from '../../src/freeze/freeze-state.ts';
import type { Network } from '../../src/post/network.ts';
import type { LedgerEvent } from '../../src/schedule/ledger.ts';
import { partKey } from '../../src/schedule/ledger.ts';
import type { Decision, PlanInput } from '../../src/schedule/plan.ts';
import { plan } from '../../src/schedule/plan.ts';
import { at, post, testConfig } from '../publish/publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z'); // 09:00 in Warsaw
const MIN = 60_000;

function run(over: Partial<PlanInput> & Pick<PlanInput, 'posts'>): Decision[] {
  return plan({ events: [], freezes: [], freezeLog: [], config: testConfig(), now: T, credentials: 'outbox', ...over });
}
const one = (ds: Decision[], id: string, network: Network = 'mastodon') => {
  const d = ds.find((x) => x.postId === id && x.network === network);
  if (!d) throw new Error(`no decision for ${id}/${network}`);
  return d;
};
const ev = (e: Partial<LedgerEvent> & Pick<LedgerEvent, 'postId' | 'state'>): LedgerEvent => ({ at: new Date(T).toISOString(), network: 'mastodon', part: 0, via: 'mastodon', runId: 'r0', ...e });
const freeze = (f: Partial<Freeze> = {}): Freeze => ({ id: 'f1', reason: 'flood in town', by: 'anna', since: '2027-03-15T07:00:00Z', terms: [], tags: [], source: 'cli', ...f });

describe('due and not due', () => {
  test('a post is due at publish_at, not a minute before', () => {
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    expect(one(run({ posts: [p], now: T - MIN }), 'a').kind).toBe('wait');
    expect(one(run({ posts: [p], now: T }), 'a')).toMatchObject({ kind: 'send', send: [0], readBack: [] });
  });

  test('one decision per network; a thread sends its parts in order', () => {
    const p = post({ id: 't', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'], text: ['one', 'two', 'three'] });
    const ds = run({ posts: [p] });
    expect(ds.map((d) => [d.network, d.kind, d.send])).toEqual([['bluesky', 'send', [0, 1, 2]], ['mastodon', 'send', [0, 1, 2]]]);
  });

  test('sent parts are never planned again; a half-sent thread continues where it stopped', () => {
    const p = post({ id: 't', at: '2027-03-15 09:00', text: ['one', 'two', 'three'] });
    const events = [ev({ postId: 't', state: 'sent', ref: { id: 's1' } })];
    expect(one(run({ posts: [p], events }), 't')).toMatchObject({ kind: 'send', sent: [0], send: [1, 2], refs: { 0: { id: 's1' } } });
    const all = [0, 1, 2].map((part) => ev({ postId: 't', part, state: 'sent', ref: { id: `s${part}` } }));
    expect(one(run({ posts: [p], events: all }), 't').kind).toBe('sent');
  });

  test('a renamed file is not published again: the ledger is keyed by id', () => {
    const p = { ...post({ id: 'a', at: '2027-03-15 09:00' }), file: 'posts/moved/elsewhere.md' };
    expect(one(run({ posts: [p], events: [ev({ postId: 'a', state: 'sent', file: 'posts/a.md' })] }), 'a').kind).toBe('sent');
  });

  test('DST start (Europe/Warsaw 2027-03-28): 03:30 local is 01:30 UTC, due then and not an hour off', () => {
    const p = post({ id: 'dst', at: '2027-03-28 03:30' });
    expect(one(run({ posts: [p], now: at('2027-03-28T01:29:00Z') }), 'dst').kind).toBe('wait');
    expect(one(run({ posts: [p], now: at('2027-03-28T01:30:00Z') }), 'dst').kind).toBe('send');
  });

  test('DST end (2027-10-31): the second 02:30 (+01:00) is not due during the first 02:30', () => {
    const p = post({ id: 'dst2', at: '2027-10-31T02:30:00+01:00' });
    // 00:35Z is 02:35 local the first time round: the wall clock has passed 02:30, the instant has not.
    expect(one(run({ posts: [p], now: at('2027-10-31T00:35:00Z') }), 'dst2').kind).toBe('wait');
    expect(one(run({ posts: [p], now: at('2027-10-31T01:30:00Z') }), 'dst2').kind).toBe('send');
  });
});

describe('never late, never after expiry, never a draft', () => {
  test('a post more than max lateness late is missed, not sent late', () => {
    const config = testConfig({ maxLatenessMinutes: 120 });
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    expect(one(run({ posts: [p], config, now: T + 120 * MIN }), 'a').kind).toBe('send');
    const d = one(run({ posts: [p], config, now: T + 121 * MIN }), 'a');
    expect(d).toMatchObject({ kind: 'missed', recorded: false });
    expect(d.reason).toMatch(/more than 120 min late/);
  });

  test('a recorded miss stays missed; moving the post to a later time gives it a new chance', () => {
    const p = post({ id: 'a', at: '2027-03-15 09:00' });
    const events = [ev({ postId: 'a', state: 'missed', at: '2027-03-15T10:30:00Z', reason: 'late' })];
    expect(one(run({ posts: [p], events, now: T + 10 * MIN }), 'a')).toMatchObject({ kind: 'missed', recorded: true });
    const moved = post({ id: 'a', at: '2027-03-16 09:00' });
    expect(one(run({ posts: [moved], events, now: at('2027-03-16T08:01:00Z') }), 'a').kind).toBe('send');
  });

  test('expired: never sent, even a half-sent thread', () => {
    const p = post({ id: 'x', at: '2027-03-15 09:00', expires: '2027-03-15 09:30', text: ['a', 'b'] });
    expect(one(run({ posts: [p], now: T + 29 * MIN }), 'x').kind).toBe('send');
    expect(one(run({ posts: [p], now: T + 30 * MIN }), 'x')).toMatchObject({ kind: 'expired', recorded: false });
    const half = [ev({ postId: 'x', state: 'sent' })];
    expect(one(run({ posts: [p], events: half, now: T + 31 * MIN }), 'x')).toMatchObject({ kind: 'expired', sent: [0], send: [1] });
  });

  test('a draft is held, never sent', () => {
    const d = one(run({ posts: [post({ id: 'd', at: '2027-03-15 09:00', draft: true })] }), 'd');
    expect(d).toMatchObject({ kind: 'held', hold: 'draft' });
  });
});

describe('freezes and quiet periods', () => {
  const flood = post({ id: 'flood', at: '2027-03-15 09:00', text: 'Floodlight? No: flood relief bake sale.' });
  const promo = post({ id: 'promo', at: '2027-03-15 09:00', tags: ['promo'] });
  const plain = post({ id: 'plain', at: '2027-03-15 09:00', text: 'Fresh bread.' });

  test('a full freeze holds every due post', () => {
    const ds = run({ posts: [flood, promo, plain], freezes: [freeze()] });
    expect(ds.map((d) => d.hold)).toEqual(['frozen', 'frozen', 'frozen']);
    expect(one(ds, 'plain').reason).toMatch(/flood in town.*missed after the thaw/);
  });

  test('a partial freeze by term holds only posts with the whole word', () => {
    const floodlight = post({ id: 'light', at: '2027-03-15 09:00', text: 'New floodlights in the garden.' });
    const ds = run({ posts: [flood, floodlight, plain], freezes: [freeze({ terms: ['Flood'] })] });
    expect(one(ds, 'flood').hold).toBe('frozen');
    expect(one(ds, 'light').kind).toBe('send');
    expect(one(ds, 'plain').kind).toBe('send');
  });

  test('a partial freeze by tag holds only posts carrying the tag', () => {
    const ds = run({ posts: [promo, plain], freezes: [freeze({ tags: ['#promo'] })] });
    expect(one(ds, 'promo')).toMatchObject({ kind: 'held', hold: 'frozen' });
    expect(one(ds, 'plain').kind).toBe('send');
  });

  test('posts that fell due during a freeze are missed after the thaw; posts due after it go out', () => {
    const f = freeze({ since: '2027-03-15T07:30:00Z' });
    const log: FreezeLogEvent[] = [{ at: f.since, action: 'freeze', freeze: f }, { at: '2027-03-15T08:20:00Z', action: 'thaw', freeze: f, by: 'anna' }];
    const after = post({ id: 'after', at: '2027-03-15 09:25' });
    const before = post({ id: 'before', at: '2027-03-15 08:20' });
    const ds = run({ posts: [plain, after, before], freezeLog: log, now: T + 30 * MIN });
    expect(one(ds, 'plain').kind).toBe('missed');
    expect(one(ds, 'plain').reason).toMatch(/fell due during a freeze.*flood in town/);
    expect(one(ds, 'after').kind).toBe('send');
    // Due before the freeze but not out yet when it began (issue 9): the freeze stopped it too, so
    // it is missed like the others and a person decides; it never goes out late on its own.
    expect(one(ds, 'before').kind).toBe('missed');
    expect(one(ds, 'before').reason).toMatch(/was due but not yet out when a freeze began/);
  });

  test('a partial freeze in the log misses only the posts it covered', () => {
    const f = freeze({ tags: ['promo'], since: '2027-03-15T07:30:00Z' });
    const log: FreezeLogEvent[] = [{ at: f.since, action: 'freeze', freeze: f }, { at: '2027-03-15T08:20:00Z', action: 'thaw', freeze: f }];
    const ds = run({ posts: [promo, plain], freezeLog: log, now: T + 30 * MIN });
    expect(one(ds, 'promo').kind).toBe('missed');
    expect(one(ds, 'plain').kind).toBe('send');
  });

  test('a watch-list term added after review holds matching queued posts, with its reason', () => {
    const config = testConfig({ watchlist: [{ term: 'flood', reason: 'flooding in town, 2027-03-14' }] });
    const ds = run({ posts: [flood, plain], config });
    expect(one(ds, 'flood')).toMatchObject({ kind: 'held', hold: 'watchlist' });
    expect(one(ds, 'flood').reason).toContain('flooding in town');
    expect(one(ds, 'plain').kind).toBe('send');
  });

  test('a post in a quiet period is missed, never sent after it', () => {
    const config = testConfig({ quietPeriods: [{ from: T - 60 * MIN, until: T + 60 * MIN, reason: 'Christmas closure' }] });
    expect(one(run({ posts: [plain], config, now: T + 90 * MIN }), 'plain')).toMatchObject({ kind: 'missed' });
    expect(one(run({ posts: [plain], config, now: T + 90 * MIN }), 'plain').reason).toMatch(/Christmas closure/);
  });
});

describe('no burst: cap and spacing', () => {
  const backlog = [0, 10, 20, 30, 40].map((m) => post({ id: `p${m}`, at: new Date(T + m * MIN).toISOString().replace('.000Z', 'Z') }));

  test('at most maxPerRun posts per network, oldest first', () => {
    const ds = run({ posts: backlog, config: testConfig({ maxPerRun: 2 }), now: T + 60 * MIN });
    expect(ds.map((d) => [d.postId, d.kind, d.hold])).toEqual([
      ['p0', 'send', undefined], ['p10', 'send', undefined], ['p20', 'held', 'cap'], ['p30', 'held', 'cap'], ['p40', 'held', 'cap'],
    ]);
  });

  test('posts this run already started count against the cap', () => {
    const events = [ev({ postId: 'p0', state: 'sent', runId: 'run-1' })];
    const ds = run({ posts: backlog, events, config: testConfig({ maxPerRun: 2 }), now: T + 60 * MIN, runId: 'run-1' });
    expect(ds.filter((d) => d.kind === 'send').map((d) => d.postId)).toEqual(['p10']);
  });

  test('spacing: one new post per network, then wait the minimum after the last one', () => {
    const config = testConfig({ minSpacingMinutes: 60, maxPerRun: 5 });
    const ds = run({ posts: backlog, config, now: T + 60 * MIN });
    expect(ds.filter((d) => d.kind === 'send').map((d) => d.postId)).toEqual(['p0']);
    expect(one(ds, 'p10')).toMatchObject({ kind: 'held', hold: 'spacing', until: T + 120 * MIN });
    const sent = [ev({ postId: 'p0', state: 'sent', at: new Date(T + 60 * MIN).toISOString() })];
    expect(run({ posts: backlog, config, events: sent, now: T + 119 * MIN }).filter((d) => d.kind === 'send')).toEqual([]);
    expect(run({ posts: backlog, config, events: sent, now: T + 120 * MIN }).filter((d) => d.kind === 'send').map((d) => d.postId)).toEqual(['p10']);
  });

  test('spacing is per network', () => {
    const b = post({ id: 'b', at: '2027-03-15 09:00', channels: ['bluesky'] });
    const events = [ev({ postId: 'other', state: 'sent', network: 'mastodon' })];
    const ds = run({ posts: [b, post({ id: 'm', at: '2027-03-15 09:00' })], events, config: testConfig({ minSpacingMinutes: 60 }), now: T + 5 * MIN });
    expect(one(ds, 'b', 'bluesky').kind).toBe('send');
    expect(one(ds, 'm').hold).toBe('spacing');
  });
});

describe('failures, retries and read-back', () => {
  const p = post({ id: 'a', at: '2027-03-15 09:00' });

  test('a failure that needs a person is held with the next step, never retried on its own', () => {
    const events = [ev({ postId: 'a', state: 'failed', error: 'HTTP 401', action: 'Issue a new token.' })];
    const d = one(run({ posts: [p], events, now: T + 60 * MIN }), 'a');
    expect(d).toMatchObject({ kind: 'held', hold: 'failed' });
    expect(d.action).toMatch(/Issue a new token\..*copydesk publish --retry a/);
  });

  test('a retry waits for retryAt', () => {
    const events = [ev({ postId: 'a', state: 'failed', error: '429', retryAt: T + 10 * MIN })];
    expect(one(run({ posts: [p], events, now: T + 5 * MIN }), 'a')).toMatchObject({ kind: 'held', hold: 'retry', until: T + 10 * MIN });
    expect(one(run({ posts: [p], events, now: T + 10 * MIN }), 'a').kind).toBe('send');
  });

  test('an intent or unknown without a result is read back first; it is not "late", it may be out', () => {
    const events = [ev({ postId: 'a', state: 'unknown', error: 'timeout' })];
    const d = one(run({ posts: [p], events, now: T + 500 * MIN }), 'a');
    expect(d).toMatchObject({ kind: 'send', readBack: [0] });
    // Read back as absent: now it is an unsent post, and too late.
    expect(one(run({ posts: [p], events, now: T + 500 * MIN, absent: new Set([partKey('a', 'mastodon', 0)]) }), 'a').kind).toBe('missed');
  });

  test("another run's fresh intent is in flight: held, then read back once the window passes", () => {
    const events = [ev({ postId: 'a', state: 'intent', runId: 'other' })];
    expect(one(run({ posts: [p], events, now: T + 2 * MIN, runId: 'me' }), 'a')).toMatchObject({ kind: 'held', hold: 'in-flight' });
    expect(one(run({ posts: [p], events, now: T + 5 * MIN, runId: 'me' }), 'a')).toMatchObject({ kind: 'send', readBack: [0] });
  });

  test('in CI a network without credentials is held, naming the secret to add', () => {
    const b = post({ id: 'b', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'] });
    const ds = run({ posts: [b], credentials: new Set<Network>(['mastodon']) });
    expect(one(ds, 'b', 'bluesky')).toMatchObject({ kind: 'held', hold: 'no-credentials' });
    expect(one(ds, 'b', 'bluesky').reason).toBe('no credentials for bluesky: add the secret BLUESKY_APP_PASSWORD to the publish environment');
    expect(one(ds, 'b', 'mastodon').kind).toBe('send');
  });
});
