/** What the site says about each post, and its calendar arithmetic (pure, no build, no browser). */
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../src/config/config.ts';
import type { Freeze } from '../../src/freeze/freeze-state.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import type { Post } from '../../src/post/post.ts';
import type { LedgerEvent } from '../../src/schedule/ledger.ts';
import { byDate, isoWeekKey, localDateTime, monthGrid, shiftMonth, weekStart } from '../../src/site/calendar.ts';
import { calendarIndex } from '../../src/site/calendar-index.ts';
import { buildSiteData, type SiteDataInput } from '../../src/site/data.ts';
import { checkRunRecord } from '../../src/site/run-record.ts';
import { openFailures, statusText } from '../../src/status/status.ts';

const NOW = Date.parse('2027-03-10T10:00:00Z');
const config: Config = { ...defaultConfig(), timezone: 'Europe/Warsaw', maxLatenessMinutes: 120, channels: { ...defaultConfig().channels, enabled: ['bluesky', 'mastodon', 'x'] } };

function post(id: string, front: string, body = 'Hello from the bakery.'): Post {
  const r = parsePost({ file: `posts/${id}.md`, root: '/repo', bytes: new TextEncoder().encode(`---\nid: ${id}\n${front}\n---\n${body}\n`), config });
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.post;
}
const ev = (postId: string, network: 'bluesky' | 'mastodon', part: number, state: LedgerEvent['state'], extra: Partial<LedgerEvent> = {}): LedgerEvent => ({
  at: '2027-03-10T08:00:00.000Z', postId, network, part, state, via: network, runId: '1', ...extra,
});
const site = (i: Partial<SiteDataInput> & { posts: Post[] }) => buildSiteData({ events: [], freezes: [], config, now: NOW, ...i });
const one = (i: Partial<SiteDataInput> & { posts: Post[] }) => site(i).posts[0]!;
const FULL: Freeze = { id: 'f1', reason: 'flooding in town', by: 'anna', since: '2027-03-10T09:00:00Z', terms: [], tags: [], source: 'cli' };

describe('post status on the site', () => {
  it('a post sent on every network is sent, with links from the ledger refs (Bluesky derived from the AT URI)', () => {
    const p = post('a', 'publish_at: "2027-03-09 09:00"\nchannels: [bluesky, mastodon]');
    const s = one({ posts: [p], events: [
      ev('a', 'bluesky', 0, 'intent'),
      ev('a', 'bluesky', 0, 'sent', { ref: { id: 'rk', uri: 'at://did:plc:x/app.bsky.feed.post/rk' } }),
      ev('a', 'mastodon', 0, 'sent', { ref: { id: '9', url: 'https://m.example/@b/9' } }),
    ] });
    expect(s.status).toBe('sent');
    expect(s.networks.map((n) => n.links[0]?.url)).toEqual(['https://bsky.app/profile/did:plc:x/post/rk', 'https://m.example/@b/9']);
  });

  it('a thread with only its first part sent is still queued while in time, and says so', () => {
    const p = post('t', 'publish_at: "2027-03-10 10:30"\nchannels: [bluesky]', 'one\n---\ntwo');
    const s = one({ posts: [p], events: [ev('t', 'bluesky', 0, 'sent', { ref: { id: '1' }, at: '2027-03-10T09:30:00.000Z' })] });
    expect(s.status).toBe('queued');
    expect(s.reason).toContain('1 of 2 parts sent');
    expect(s.networks[0]!.links.map((l) => l.part)).toEqual([0]);
  });

  it('a post past its time by more than the allowed lateness is missed; within it, due now', () => {
    const late = post('late', 'publish_at: "2027-03-10 08:59"\nchannels: [bluesky]');
    const due = post('due', 'publish_at: "2027-03-10 09:01"\nchannels: [bluesky]');
    const d = site({ posts: [late, due] });
    expect(d.posts.find((p) => p.post.id === 'late')?.status).toBe('missed');
    expect(d.posts.find((p) => p.post.id === 'due')).toMatchObject({ status: 'queued', reason: 'due now: goes out with the next publisher run' });
  });

  it('recorded missed/expired events stand, with their reason; a rescheduled post gets a new chance', () => {
    const p = post('m', 'publish_at: "2027-03-10 09:30"\nchannels: [mastodon]');
    const missed = ev('m', 'mastodon', 0, 'missed', { reason: 'fell due during a freeze', at: '2027-03-10T08:45:00.000Z' });
    expect(one({ posts: [p], events: [missed] })).toMatchObject({ status: 'missed', reason: 'fell due during a freeze' });
    const later = post('m', 'publish_at: "2027-03-12 09:00"\nchannels: [mastodon]');
    expect(one({ posts: [later], events: [missed] }).status).toBe('queued');
    const e = post('e', 'publish_at: "2027-03-11 09:00"\nexpires: "2027-03-10 09:00"\nchannels: [mastodon]');
    expect(one({ posts: [e] }).status).toBe('expired');
  });

  it('a full freeze holds every future post; a partial freeze holds only tagged or matching posts', () => {
    const promo = post('promo', 'publish_at: "2027-03-12 09:00"\nchannels: [bluesky]\ntags: [Promo]');
    const flood = post('flood', 'publish_at: "2027-03-12 10:00"\nchannels: [bluesky]', 'Our cellar had a Flood!');
    const plain = post('plain', 'publish_at: "2027-03-12 11:00"\nchannels: [bluesky]', 'Floods of bread.');
    const full = site({ posts: [promo, flood, plain], freezes: [FULL] });
    expect(full.posts.map((p) => p.status)).toEqual(['held', 'held', 'held']);
    expect(full.posts[0]!.reason).toContain('flooding in town');
    expect(full.fullFreeze).toBe(true);
    const partial = site({ posts: [promo, flood, plain], freezes: [{ ...FULL, tags: ['promo'], terms: ['flood'] }] });
    expect(partial.posts.map((p) => [p.post.id, p.status])).toEqual([['promo', 'held'], ['flood', 'held'], ['plain', 'queued']]);
    expect(partial.fullFreeze).toBe(false);
  });

  it('a post in a quiet period is held with the period named', () => {
    const q = { from: Date.parse('2027-03-13T00:00:00+01:00'), until: Date.parse('2027-03-14T00:00:00+01:00'), reason: 'Stocktaking' };
    const p = post('q', 'publish_at: "2027-03-13 12:00"\nchannels: [bluesky]');
    const s = buildSiteData({ posts: [p], events: [], freezes: [], config: { ...config, quietPeriods: [q] }, now: NOW });
    expect(s.posts[0]).toMatchObject({ status: 'held' });
    expect(s.posts[0]!.reason).toContain('"Stocktaking"');
  });

  it('a failed send is the post status (most pressing network wins) and an open failure; a later sent closes it', () => {
    const p = post('f', 'publish_at: "2027-03-10 09:00"\nchannels: [bluesky, mastodon]');
    const failed = ev('f', 'mastodon', 0, 'failed', { error: 'HTTP 401', action: 'rotate the token', at: '2027-03-10T08:01:00.000Z' });
    const d = site({ posts: [p], events: [ev('f', 'bluesky', 0, 'sent', { ref: { id: '1' } }), failed] });
    expect(d.posts[0]!.status).toBe('failed');
    expect(d.posts[0]!.reason).toContain('HTTP 401');
    expect(d.posts[0]!.networks[1]!.action).toContain('rotate the token');
    expect(d.posts[0]!.networks.map((n) => n.status)).toEqual(['sent', 'failed']);
    expect(d.failures).toEqual([expect.objectContaining({ postId: 'f', network: 'mastodon', part: 0, state: 'failed', error: 'HTTP 401', action: 'rotate the token' })]);
    const later = site({ posts: [p], events: [failed, ev('f', 'mastodon', 0, 'sent', { at: '2027-03-10T08:30:00.000Z', ref: { id: '2' } })] });
    expect(later.failures).toEqual([]);
    // An intent with nothing after it: the outcome is unknown.
    const unknown = site({ posts: [p], events: [ev('f', 'mastodon', 0, 'intent')] });
    expect(unknown.posts[0]!.status).toBe('unknown');
    expect(unknown.failures[0]!.state).toBe('unknown');
  });

  it('while frozen, a half-sent thread with a failed part stays Failed, and the site lists exactly the failures `copydesk status` prints', () => {
    const p = post('h', 'publish_at: "2027-03-10 09:30"\nchannels: [bluesky, mastodon]', 'one\n---\ntwo');
    const events = [
      ev('h', 'bluesky', 0, 'sent', { ref: { id: 'a' } }),
      ev('h', 'bluesky', 1, 'failed', { error: 'the server refused the image (400)', action: 'fix the image, then run copydesk publish --retry h' }),
      ev('h', 'mastodon', 0, 'intent', { at: '2027-03-10T09:00:00.000Z' }),
    ];
    const d = site({ posts: [p], events, freezes: [FULL] });
    expect(d.posts[0]).toMatchObject({ status: 'failed' });
    expect(d.posts[0]!.networks.map((n) => n.status)).toEqual(['failed', 'unknown']);
    expect(d.posts[0]!.reason).toContain('part 2 failed: the server refused the image');
    const cli = openFailures(events, NOW);
    expect(d.failures.map((f) => `${f.postId}/${f.network}/${f.part}`).sort()).toEqual(cli.map((e) => `${e.postId}/${e.network}/${e.part}`).sort());
    const text = statusText({ now: NOW, zone: 'UTC', freezes: [FULL], freezeLog: [], lastSuccess: { status: 'missing' }, lastRun: { status: 'missing' }, ledger: events, quietPeriods: [], storeDescription: 'test' });
    expect(text).toContain(`Failures:   ${d.failures.length} open`);
  });

  it('drafts are drafts; a length-only network is "by hand"; counts add up', () => {
    const d = post('d', 'draft: true\nchannels: [bluesky]');
    const x = post('x', 'publish_at: "2027-03-12 09:00"\nchannels: [x]');
    const data = site({ posts: [d, x] });
    expect(data.posts.map((p) => [p.post.id, p.status])).toEqual([['x', 'manual'], ['d', 'draft']]);
    expect(data.counts).toMatchObject({ draft: 1, manual: 1, queued: 0 });
  });

  it('lengths are counted per network as the check counts them', () => {
    const text = 'Menu: https://example.com/a/very/long/path/that/mastodon/counts/as/twenty-three';
    const p = post('l', 'publish_at: "2027-03-12 09:00"\nchannels: [bluesky, mastodon]', text);
    const [b, m] = one({ posts: [p] }).networks;
    expect(b!.lengths[0]).toMatchObject({ used: text.length, limit: 300, unit: 'graphemes' });
    expect(m!.lengths[0]).toMatchObject({ used: 6 + 23, limit: 500 });
  });
});

describe('run records', () => {
  it('reads the documented shape and refuses anything else', () => {
    expect(checkRunRecord({ at: '2027-03-10T09:45:00Z', runId: '42', counts: { sent: 2 } })).toEqual({ at: '2027-03-10T09:45:00Z', runId: '42', counts: { sent: 2, alreadySent: 0, missed: 0, expired: 0, held: 0, failed: 0 } });
    expect(checkRunRecord({ runId: '42' })).toBeUndefined();
    expect(checkRunRecord({ at: 'yesterday' })).toBeUndefined();
    expect(checkRunRecord(undefined)).toBeUndefined();
  });
});

describe('calendar arithmetic', () => {
  it('numbers ISO weeks across a year boundary and finds their Mondays', () => {
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
    expect(isoWeekKey('2027-01-04')).toBe('2027-W01');
    expect(weekStart('2026-W53')).toBe('2026-12-28');
    expect(weekStart('2027-W10')).toBe('2027-03-08');
    expect(weekStart('2027-W53')).toBeUndefined();
  });

  it('lays out months Monday first with whole weeks', () => {
    expect(monthGrid('2027-02').map((r) => r[0])).toEqual(['2027-02-01', '2027-02-08', '2027-02-15', '2027-02-22']);
    const march = monthGrid('2027-03');
    expect(march).toHaveLength(5);
    expect(march[4]).toEqual(['2027-03-29', '2027-03-30', '2027-03-31', '2027-04-01', '2027-04-02', '2027-04-03', '2027-04-04']);
    expect(shiftMonth('2027-01', -1)).toBe('2026-12');
    expect(shiftMonth('2027-12', 1)).toBe('2028-01');
  });

  it('puts posts on their local day in the team zone, across the DST change', () => {
    expect(localDateTime(Date.parse('2027-03-28T00:30:00Z'), 'Europe/Warsaw')).toEqual({ date: '2027-03-28', time: '01:30' });
    expect(localDateTime(Date.parse('2027-03-28T01:30:00Z'), 'Europe/Warsaw')).toEqual({ date: '2027-03-28', time: '03:30' });
    expect(localDateTime(Date.parse('2027-03-27T23:30:00Z'), 'Europe/Warsaw')).toEqual({ date: '2027-03-28', time: '00:30' });
    const days = byDate([3, 1, 2], (h) => Date.parse(`2027-03-10T0${h}:00:00Z`), 'UTC');
    expect(days.get('2027-03-10')?.map((d) => d.item)).toEqual([1, 2, 3]);
  });

  it('has a page for every month and week from the first post to the last, including today', () => {
    const a = post('a', 'publish_at: "2027-01-30 09:00"\nchannels: [bluesky]');
    const b = post('b', 'publish_at: "2027-04-02 09:00"\nchannels: [bluesky]');
    const cal = calendarIndex(site({ posts: [a, b] }));
    expect(cal.today).toBe('2027-03-10');
    expect(cal.months).toEqual(['2027-01', '2027-02', '2027-03', '2027-04']);
    expect(cal.weeks[0]).toBe('2027-W04');
    expect(cal.weeks.at(-1)).toBe('2027-W13');
    expect(cal.weeks).toHaveLength(10);
  });
});
