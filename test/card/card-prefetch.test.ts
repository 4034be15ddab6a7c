/**
 * The publisher's tick fetches cards ahead: once per (post, link), only for posts due soon, within
 * a per-run budget; a failed fetch writes nothing (an idle tick stays idle) and is retried next
 * tick; a stored card is never replaced, and a card stored for another link is never used.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { prefetchCards } from '../../src/card/card-prefetch.ts';
import { cardForSend } from '../../src/card/card-for-send.ts';
import { cardPath, readCard } from '../../src/card/card-store.ts';
import type { CardAttempt } from '../../src/card/card.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import { post, tempDir } from '../publish/publisher-helpers.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function store(): Promise<StateStore> {
  const d = await tempDir('copydesk-prefetch-');
  dirs.push(d);
  return createDirStore(d);
}
/** A store that counts writes. */
function counting(s: StateStore): StateStore & { writes: number } {
  const c = { ...s, writes: 0 };
  c.update = async (m, change) => s.update(m, async (read) => {
    const w = await change(read);
    if (w) c.writes++;
    return w;
  });
  return c;
}

const NOW = Date.parse('2027-03-10T08:00:00Z');
const ok = (url: string): CardAttempt => ({ ok: true, problems: [], card: { uri: url, finalUrl: url, title: `Title of ${url}`, titleFrom: 'og:title', description: '', domain: 'shop.example.com', fetchedAt: new Date(NOW).toISOString() } });
const down = (url: string): CardAttempt => ({ ok: false, problem: { reason: `no link card for ${url}: shop.example.com answered 503`, fix: 'later' } });
const p = (id: string, at: string, text: string | string[], channels: ('bluesky' | 'mastodon')[] = ['bluesky']) => post({ id, at, channels, text });

describe('prefetchCards', () => {
  it('fetches each due-soon Bluesky link once, skips far-off, past and Mastodon-only posts, and writes once', async () => {
    const s = counting(await store());
    const calls: string[] = [];
    const posts = [
      p('soon', '2027-03-12 09:00', ['See https://shop.example.com/a', 'And https://shop.example.com/b']),
      p('far', '2027-06-01 09:00', 'See https://shop.example.com/far'),
      p('past', '2027-03-09 09:00', 'See https://shop.example.com/past'),
      p('masto', '2027-03-12 10:00', 'See https://shop.example.com/m', ['mastodon']),
    ];
    const r = await prefetchCards({ posts, store: s, fetchCard: async (u) => (calls.push(u), ok(u)), now: NOW, log: () => {}, runId: 'r1' });
    expect(r).toEqual({ stored: 2, failed: 0 });
    expect(calls).toEqual(['https://shop.example.com/a', 'https://shop.example.com/b']);
    expect(s.writes).toBe(1);
    // The next tick: nothing to fetch, nothing written.
    const again = await prefetchCards({ posts, store: s, fetchCard: async (u) => (calls.push(u), ok(u)), now: NOW + 60_000, log: () => {}, runId: 'r2' });
    expect(again).toEqual({ stored: 0, failed: 0 });
    expect(calls).toHaveLength(2);
    expect(s.writes).toBe(1);
  });

  it('writes nothing when the page is down, tries again next tick, and stays within its budget', async () => {
    const s = counting(await store());
    const posts = Array.from({ length: 8 }, (_, i) => p(`post-${i}`, '2027-03-12 09:00', `See https://shop.example.com/${i}`));
    const calls: string[] = [];
    const r = await prefetchCards({ posts, store: s, fetchCard: async (u) => (calls.push(u), down(u)), now: NOW, log: () => {}, runId: 'r1', maxFetches: 3 });
    expect(r).toEqual({ stored: 0, failed: 3 });
    expect(calls).toHaveLength(3);
    expect(s.writes).toBe(0);
  });

  it('never replaces a stored card, and never uses a card stored under another link', async () => {
    const s = await store();
    const post1 = p('keep', '2027-03-12 09:00', 'See https://shop.example.com/a');
    await prefetchCards({ posts: [post1], store: s, fetchCard: async (u) => ok(u), now: NOW, log: () => {}, runId: 'r1' });
    // Someone copies that card file to where another link's card would be.
    const text = await s.read(cardPath('keep', 'https://shop.example.com/a'));
    await s.update('tamper', async () => ({ [cardPath('keep', 'https://shop.example.com/other')]: text! }));
    expect(await readCard(s, 'keep', 'https://shop.example.com/other')).toBeUndefined();
    const sent = await cardForSend({ store: s, post: p('keep', '2027-03-12 09:00', 'See https://shop.example.com/other'), part: 0, fetchCard: async (u) => down(u), runId: 'r2' });
    expect(sent.card).toBeUndefined();
    expect(sent.note).toMatch(/^sent without a link card: .*answered 503/);
    // A later, different answer for the stored link does not replace what the site showed.
    const later = await cardForSend({ store: s, post: post1, part: 0, fetchCard: async (u) => ({ ...ok(u), card: { ...(ok(u) as Extract<CardAttempt, { ok: true }>).card, title: 'Changed' } } as CardAttempt), runId: 'r3' });
    expect(later.card?.title).toBe('Title of https://shop.example.com/a');
  });

  it('a fetcher that throws still lets the post go, with a note', async () => {
    const s = await store();
    const r = await cardForSend({ store: s, post: p('boom', '2027-03-12 09:00', 'See https://shop.example.com/x'), part: 0, fetchCard: async () => { throw new Error('socket hang up'); }, runId: 'r' });
    expect(r).toEqual({ note: 'sent without a link card: socket hang up' });
  });
});
