/** The outbox (what a fresh clone "publishes" to) and the secret redactor. */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { OutgoingPart } from '../../src/publish/channel.ts';
import { createOutboxChannel } from '../../src/publish/outbox.ts';
import { idempotencyKey } from '../../src/publish/outgoing.ts';
import { createRedactor } from '../../src/publish/redact.ts';
import { tempDir } from './publisher-helpers.ts';

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const part = (over: Partial<OutgoingPart> = {}): OutgoingPart => ({
  postId: 'menu', part: 0, partsTotal: 2, text: 'Rhubarb tart is back.', lang: 'en', media: [], idempotencyKey: idempotencyKey('menu', 'mastodon', 0),
  scheduledAt: Date.parse('2027-03-15T08:00:00Z'), now: new Date('2027-03-15T08:05:00Z'), ...over,
});

describe('outbox channel', () => {
  test('writes a JSON and a readable text file per part; a second send writes nothing new', async () => {
    dir = await tempDir('outbox');
    const ch = createOutboxChannel(join(dir, 'outbox'), 'mastodon');
    expect(ch.name).toBe('outbox');
    expect(await ch.find(part())).toEqual({ status: 'absent' });
    const first = await ch.send(part());
    expect(first.status).toBe('sent');
    const reply = await ch.send(part({ part: 1, text: 'Until the end of March.', parent: first.status === 'sent' ? first.ref : undefined }));
    expect(reply.status).toBe('sent');
    expect((await readdir(join(dir, 'outbox/mastodon'))).sort()).toEqual(['menu.0.json', 'menu.0.txt', 'menu.1.json', 'menu.1.txt']);
    expect(await readFile(join(dir, 'outbox/mastodon/menu.1.txt'), 'utf8')).toContain('part 2 of 2 · reply to mastodon/menu.0\nscheduled 2027-03-15T08:00:00.000Z');
    const before = await readFile(join(dir, 'outbox/mastodon/menu.0.json'), 'utf8');
    const again = await ch.send(part({ text: 'changed', now: new Date('2027-03-15T09:00:00Z') }));
    expect(again).toEqual(first);
    expect(await readFile(join(dir, 'outbox/mastodon/menu.0.json'), 'utf8')).toBe(before);
    expect(await ch.find(part())).toEqual({ status: 'found', ref: first.status === 'sent' ? first.ref : undefined });
  });

  test('an unwritable outbox is a failure with a next step, not a crash', async () => {
    dir = await tempDir('outbox');
    await writeFile(join(dir, 'outbox'), 'a file where the folder should be');
    const r = await createOutboxChannel(join(dir, 'outbox'), 'bluesky').send(part());
    expect(r).toMatchObject({ status: 'failed', action: expect.stringMatching(/writable/) });
  });

  test('the idempotency key is the same on every run and differs per network and part', () => {
    expect(idempotencyKey('menu', 'mastodon', 0)).toBe(idempotencyKey('menu', 'mastodon', 0));
    expect(new Set([idempotencyKey('menu', 'mastodon', 0), idempotencyKey('menu', 'bluesky', 0), idempotencyKey('menu', 'mastodon', 1)]).size).toBe(3);
    expect(idempotencyKey('menu', 'mastodon', 0)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('redactor', () => {
  test('removes every secret value, also URL-encoded, and leaves other text alone', () => {
    const redact = createRedactor(['p@ss/word+1', 'tok_ABCDEF', '']);
    expect(redact('auth p@ss/word+1 then https://x/?t=p%40ss%2Fword%2B1 and tok_ABCDEF.')).toBe('auth *** then https://x/?t=*** and ***.');
    expect(redact('nothing secret')).toBe('nothing secret');
  });
});
