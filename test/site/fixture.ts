/**
 * A throwaway repository for the site tests: a copy of the real playbook (so the accessibility
 * checks run on the real pages) plus one fixture page, a small config, posts in every state, and a
 * state folder written with the real ledger and store functions.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Freeze, FreezeLogEvent } from '../../src/freeze/freeze-state.ts';
import { FREEZE_FILE, FREEZE_LOG } from '../../src/freeze/freeze-state.ts';
import { recordEvents, type LedgerEvent } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { storeCards } from '../../src/card/card-store.ts';
import { makeThumbnail } from '../../src/card/thumbnail.ts';

export const PROJECT = join(import.meta.dirname, '..', '..');

/** The fixture's clock: Wednesday 10 March 2027, 11:00 in Warsaw. */
export const NOW = '2027-03-10T10:00:00Z';

export const SEARCH_WORD = 'quokkabread';
export const SEARCH_PAGE_TITLE = 'Sourdough starter care';
export const ALT = 'A rhubarb tart with a lattice crust, photographed from above on a marble counter.';
export const SENT_URLS = { bluesky: 'https://bsky.app/profile/bakery.example/post/3lsentpost', mastodon: 'https://mastodon.example/@bakery/110000000000000001' };
/** Part 1 of the queued post: 30 characters of text, then a URL Mastodon counts as 23. */
export const QUEUED_PART1 = 'Rhubarb tart is back on Friday https://example.com/menu/spring/rhubarb-tart-and-other-seasonal-bakes';
export const FREEZE: Freeze = { id: 'f-20270310T0930Z', reason: 'Flooding in the old town: pause all posts', by: 'anna', since: '2027-03-10T09:30:00Z', terms: [], tags: [], source: 'cli' };
/** As a runner writes it: a code and a path of the publish machine, neither of which a person should see raw. */
export const FAILURE = { error: 'HTTP 401: the access token is invalid (read from /home/runner/work/social/social/.copydesk/credentials.json)', action: 'Rotate MASTODON_TOKEN (see the credentials register), then re-run the publisher.' };
/** Words of a private (direct) message in the inbox: they must never appear in the built site. */
export const INBOX_PRIVATE_WORDS = 'my-private-words-7d1e';
/** A public complaint in the inbox, shown on the inbox page. */
export const INBOX_PUBLIC_TEXT = 'The croissants were stale and the staff was rude';

/** The link card the publisher stored ahead for part 2 of the queued post (what the page said). */
export const CARD = { uri: 'https://example.com/opening-hours-of-the-little-oven-bakery', title: 'Opening hours <Little Oven>', description: 'Open every day from 7:00; fresh bread at 8.' };
/** A value planted in the build's environment: it must never appear in the built site. */
export const PLANTED_SECRET = 'do-not-leak-5f7c2b19e8';

const CONFIG = `timezone: Europe/Warsaw
lang: en
channels:
  bluesky:
    service: https://bsky.social
    identifier: bakery.example
  mastodon:
    instance: https://mastodon.example
    max_characters: 500
publish:
  max_lateness_minutes: 120
quiet_periods:
  - from: "2027-03-13 00:00"
    until: "2027-03-14 00:00"
    reason: Stocktaking day
credentials:
  - account: "@bakery.example"
    network: bluesky
    owner: Anna Nowak
    backup: Piotr Zieliński
    secret: BLUESKY_APP_PASSWORD
    rotated: "2026-10-01"
    revoke: "bsky.app → Settings → Privacy and security → App passwords → delete copydesk."
  - account: "@bakery@mastodon.example"
    network: mastodon
    owner: Anna Nowak
    backup: Piotr Zieliński
    secret: MASTODON_TOKEN
    rotated: "2025-01-15"
    revoke: "Preferences → Development → copydesk → Regenerate access token."
roster:
  - {name: Piotr Zieliński, role: backup, contact: "mobile, in the vault"}
  - {name: Anna Nowak, role: owner, github: anna-nowak}
  - {name: Ola Wiśniewska, role: schedule}
`;

/** The repository the thawed build names in its config (the frozen build gets it from GITHUB_REPOSITORY). */
export const REPOSITORY = { config: 'little-oven/social', env: 'little-oven/frozen-social' };

const POSTS: Record<string, string> = {
  'posts/2027/03-queued.md': `---
id: 2027-03-queued-tart
publish_at: "2027-03-12 09:00"
channels: [bluesky, mastodon]
tags: [menu]
media:
  - path: ../media/tart.png
    alt: ${ALT}
---
${QUEUED_PART1}
---
Second part, hours: ${CARD.uri}
`,
  'posts/2027/03-sent.md': `---
id: 2027-03-sent-opening
publish_at: "2027-03-09 09:00"
channels: [bluesky, mastodon]
---
We open at seven every weekday this month.
`,
  'posts/2027/03-held.md': `---
id: 2027-03-held-stocktaking
publish_at: "2027-03-13 12:00"
channels: [bluesky]
---
Our Saturday loaf special, half price after two.
`,
  'posts/2027/03-failed.md': `---
id: 2027-03-failed-hours
publish_at: "2027-03-10 09:00"
channels: [bluesky, mastodon]
---
New Sunday hours: eight to two.
`,
  'posts/2027/03-missed.md': `---
id: 2027-03-missed-pancakes
publish_at: "2027-03-01 09:00"
channels: [mastodon]
---
Pancake day is coming.
`,
  'posts/drafts/idea.md': `---
id: draft-idea
draft: true
channels: [bluesky]
---
An idea for later.
`,
};

/** A busy day (Tuesday 16 March 2027): twelve posts an hour apart, on Bluesky, Mastodon or both. */
export const BUSY_DAY = '2027-03-16';
export const BUSY_COUNT = 12;
const BUSY_NETWORKS = ['[bluesky]', '[mastodon]', '[bluesky, mastodon]'];
for (let i = 0; i < BUSY_COUNT; i++) {
  const n = String(i + 1).padStart(2, '0');
  POSTS[`posts/2027/03-busy-${n}.md`] = `---
id: 2027-03-busy-${n}
publish_at: "${BUSY_DAY} ${String(8 + i).padStart(2, '0')}:00"
channels: ${BUSY_NETWORKS[i % 3]}
---
Busy day post ${n}: fresh rolls from the oven.
`;
}

const SEARCH_PAGE = `---
title: ${SEARCH_PAGE_TITLE}
description: How we keep the starter alive over holidays.
sidebar:
  order: 90
---

Feed the starter twice a day. The ${SEARCH_WORD} method: discard half, add flour and water, wait.
`;

const HOLDING = `---
id: holding-oven-fire
channels: [bluesky, mastodon]
---
We are closed today after a small fire in the kitchen. Everyone is safe.
`;

/** A small solid PNG (real, decodable), so the post page shows a picture. */
export function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const ev = (e: Omit<LedgerEvent, 'runId'>): LedgerEvent => ({ runId: '123455', ...e });

export interface Fixture {
  root: string;
  cleanup(): Promise<void>;
}

/** Build the fixture repository; `frozen` adds an active full freeze to its state. */
export async function makeFixture(frozen: boolean): Promise<Fixture> {
  const root = await mkdtemp(join(tmpdir(), `copydesk-site-${frozen ? 'frozen' : 'thawed'}-`));
  const real = join(PROJECT, 'playbook');
  if (existsSync(real)) await cp(real, join(root, 'playbook'), { recursive: true, filter: (src) => !src.startsWith(join(real, 'holding')) });
  await mkdir(join(root, 'playbook', 'holding'), { recursive: true });
  if (!existsSync(join(root, 'playbook', 'index.md'))) await writeFile(join(root, 'playbook', 'index.md'), '---\ntitle: Playbook\ndescription: Fixture home.\n---\n\nHome.\n');
  await writeFile(join(root, 'playbook', 'fixture-sourdough.md'), SEARCH_PAGE);
  await writeFile(join(root, 'playbook', 'holding', 'oven-fire.md'), HOLDING);
  await writeFile(join(root, 'copydesk.config.yaml'), frozen ? CONFIG : `repository: ${REPOSITORY.config}\n${CONFIG}`);
  for (const [file, text] of Object.entries(POSTS)) {
    await mkdir(join(root, file, '..'), { recursive: true });
    await writeFile(join(root, file), text);
  }
  await mkdir(join(root, 'posts', 'media'), { recursive: true });
  await writeFile(join(root, 'posts', 'media', 'tart.png'), png(64, 40, [176, 64, 80]));

  const store = createDirStore(join(root, '.copydesk', 'state'));
  const thumb = await makeThumbnail(png(120, 63, [45, 130, 240]));
  if (!thumb.ok) throw new Error(thumb.reason);
  await storeCards(store, [{ postId: '2027-03-queued-tart', card: { ...CARD, finalUrl: CARD.uri, titleFrom: 'og:title', domain: 'example.com', thumb: thumb.thumb, fetchedAt: '2027-03-09T08:07:00.000Z' } }], 'cards: fixture');
  await recordEvents(store, [
    ev({ at: '2027-03-09T08:01:00.000Z', postId: '2027-03-sent-opening', network: 'bluesky', part: 0, state: 'intent', via: 'bluesky' }),
    ev({ at: '2027-03-09T08:01:01.000Z', postId: '2027-03-sent-opening', network: 'bluesky', part: 0, state: 'sent', via: 'bluesky', ref: { id: '3lsentpost', uri: 'at://did:plc:bakery/app.bsky.feed.post/3lsentpost', url: SENT_URLS.bluesky } }),
    ev({ at: '2027-03-09T08:01:02.000Z', postId: '2027-03-sent-opening', network: 'mastodon', part: 0, state: 'sent', via: 'mastodon', ref: { id: '110000000000000001', url: SENT_URLS.mastodon } }),
    ev({ at: '2027-03-10T08:01:00.000Z', postId: '2027-03-failed-hours', network: 'bluesky', part: 0, state: 'sent', via: 'bluesky', ref: { id: '3lhours', uri: 'at://did:plc:bakery/app.bsky.feed.post/3lhours' } }),
    ev({ at: '2027-03-10T08:01:05.000Z', postId: '2027-03-failed-hours', network: 'mastodon', part: 0, state: 'failed', via: 'mastodon', ...FAILURE }),
  ], 'fixture ledger');
  const success = JSON.stringify({ at: '2027-03-10T09:45:00.000Z', runId: '123456', counts: { sent: 0, alreadySent: 2, missed: 0, expired: 0, held: 0, failed: 0 } });
  const log: FreezeLogEvent[] = [{ at: FREEZE.since, action: 'freeze', freeze: FREEZE }];
  await store.update('fixture state', async () => ({
    ...inboxFixture(),
    'runs/last-success.json': success,
    'runs/last-run.json': success,
    ...(frozen ? { [FREEZE_FILE]: JSON.stringify({ active: [FREEZE] }), [FREEZE_LOG]: log.map((e) => JSON.stringify(e)).join('\n') + '\n' } : {}),
  }));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/**
 * Conversations as the collector writes them (src/feedback/conversation.ts), at NOW (Wednesday
 * 11:00 in Warsaw, 9–17 Mon–Fri, 2 h target): a public complaint with 1 h 30 min left, a private
 * urgent message past its target, and two answered this week (45 min and 1 h 15 min: median 1 h).
 */
function inboxFixture(): Record<string, string> {
  const at = (iso: string) => Date.parse(iso);
  const msg = (n: number, text: string, when: string, visibility: 'public' | 'direct', handle: string) => ({
    notificationId: `n${n}`, ref: { id: `11000000000000010${n}`, url: `https://mastodon.example/@${handle}/11000000000000010${n}` },
    author: { handle: `${handle}@mastodon.example`, accountId: `a${n}` }, text, createdAt: at(when), seenAt: at(when), reason: 'mention', visibility,
  });
  const conv = (n: number, text: string, when: string, extra: Record<string, unknown> = {}, visibility: 'public' | 'direct' = 'public', handle = 'maria') => {
    const m = msg(n, text, when, visibility, handle);
    return { id: `mastodon:${m.ref.id}`, network: 'mastodon', root: m.ref, messages: [m], visibility, openedAt: m.seenAt, tone: { level: 'neutral', because: [] }, status: 'open', ...extra };
  };
  const list = [
    conv(1, INBOX_PUBLIC_TEXT, '2027-03-10T09:30:00Z', { issue: 41 }),
    conv(2, `I got sick after your cake, ${INBOX_PRIVATE_WORDS}`, '2027-03-10T07:00:00Z', { issue: 42 }, 'direct', 'quiet-customer'),
    conv(3, 'Lovely tart, thank you!', '2027-03-09T08:00:00Z', { status: 'answered', answered: { at: at('2027-03-09T08:45:00Z'), by: 'network' }, issue: 40 }),
    conv(4, 'Do you open on Sunday?', '2027-03-08T08:00:00Z', { status: 'answered', answered: { at: at('2027-03-08T09:15:00Z'), by: 'network' }, issue: 39 }),
  ];
  return Object.fromEntries(list.map((c) => [`feedback/conversations/${encodeURIComponent(c.id)}.json`, JSON.stringify(c)]));
}
