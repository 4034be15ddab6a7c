/**
 * The retraction with the real Mastodon channel against the strict Mastodon fake
 * (`DELETE /api/v1/statuses/:id`, documented at https://docs.joinmastodon.org/methods/statuses/#delete):
 * every test counts the statuses the instance still holds and the deletions it did, and the fake
 * fails any undocumented request (`violations`).
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { TOKEN_ACTION } from '../../src/publish/mastodon-outcome.ts';
import { publish } from '../../src/publish/publisher.ts';
import { retract, type RetractResult } from '../../src/retract/retract.ts';
import { readLedgerAppendOrder } from '../../src/schedule/ledger-write.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import type { Post } from '../../src/post/post.ts';
import { at, post, tempDir, testConfig } from '../publish/publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const TOKEN = 'mstdn-retract-SECRET-9f8e7d';

let fake: MastodonFake;
let dir: string;
let store: StateStore;
let token: string;

beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN, now: T });
  dir = await tempDir('retmast');
  store = createDirStore(dir);
  token = TOKEN;
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  expect(fake.violations).toEqual([]);
});

const channel = () => createMastodonChannel({ instance: fake.url, token, timeoutMs: 2_000 });
const p = (): Post => post({ id: 'bad-date', at: '2027-03-15 09:00', text: ['Market on Sunday!', 'Bring a bag.'] });

async function sendIt(): Promise<void> {
  await publish({ posts: [p()], store, channels: channel, config: testConfig(), now: () => new Date(T), runId: 'pub1', dryRun: false, log: () => {} });
  expect(fake.statuses).toHaveLength(2);
}

async function take(now: number, runId: string): Promise<Extract<RetractResult, { ok: true }>> {
  const r = await retract({ postId: 'bad-date', reason: 'wrong date', by: 'ana', store, channels: channel, posts: [p()], config: testConfig(), now: () => new Date(now), runId, dryRun: false, log: () => {}, waitMs: 0 });
  if (!r.ok) throw new Error(r.error);
  return r;
}

const deletes = () => fake.requests.filter((r) => r.method === 'DELETE');

describe('retract on Mastodon', () => {
  test('both statuses of the thread are deleted, each with one DELETE', async () => {
    await sendIt();
    const ids = fake.statuses.map((s) => s.id);
    const r = await take(T + 10 * MIN, 'ret1');
    expect(r.complete).toBe(true);
    expect(fake.statuses).toEqual([]);
    // The reply first, then the status it replies to: one DELETE each.
    expect(fake.deleted.map((s) => s.id)).toEqual([...ids].reverse());
    expect(deletes().map((d) => d.path)).toEqual([...ids].reverse().map((id) => `/api/v1/statuses/${id}`));
    // Nothing is ever posted again for it.
    await publish({ posts: [p()], store, channels: channel, config: testConfig(), now: () => new Date(T + 20 * MIN), runId: 'pub2', dryRun: false, log: () => {} });
    expect(fake.requests.filter((x) => x.method === 'POST' && x.path === '/api/v1/statuses')).toHaveLength(2);
  });

  test('a status deleted by hand on the instance (404) counts as removed', async () => {
    await sendIt();
    await fetch(`${fake.url}/api/v1/statuses/${fake.statuses[0]!.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
    const r = await take(T + 10 * MIN, 'ret1');
    expect(r.parts.map((x) => x.outcome)).toEqual(['already-gone', 'removed']);
    expect(r.complete).toBe(true);
  });

  test('a revoked token: failed with the renew action; after a new token the next run deletes it', async () => {
    await sendIt();
    fake.revokeToken();
    const first = await take(T + 10 * MIN, 'ret1');
    expect(first.complete).toBe(false);
    expect(first.parts.map((x) => [x.outcome, x.action])).toEqual([['failed', TOKEN_ACTION], ['failed', TOKEN_ACTION]]);
    expect(fake.statuses).toHaveLength(2);
    // The ledger never holds the token, whatever the instance echoed.
    expect(JSON.stringify(await readLedgerAppendOrder(store))).not.toContain(TOKEN);
    // A person issues a new token and stores it; the next run deletes both, once each.
    fake.issueToken('new-token-abc');
    token = 'new-token-abc';
    const second = await take(T + 30 * MIN, 'ret2');
    expect(second.complete).toBe(true);
    expect(second.parts.map((x) => x.outcome)).toEqual(['removed', 'removed']);
    expect(fake.statuses).toEqual([]);
    expect(fake.deleted).toHaveLength(2);
  });

  test('a 503 from the instance: not deleted, tried again on the next run', async () => {
    await sendIt();
    fake.failNextDeletes({ kind: 'server-error', status: 503 });
    const first = await take(T + 10 * MIN, 'ret1');
    // The reply is deleted first, and the 503 hits it; the first status comes down.
    expect(first.parts.map((x) => x.outcome)).toEqual(['removed', 'retry']);
    const second = await take(T + 12 * MIN, 'ret2');
    expect(second.parts.map((x) => x.outcome)).toEqual(['was-removed', 'removed']);
    expect(fake.statuses).toEqual([]);
    expect(fake.deleted).toHaveLength(2);
  });

  test('killed with SIGKILL after the instance deleted it: the next run deletes nothing twice and records it removed', async () => {
    await sendIt();
    const child = spawn(process.execPath, [join(import.meta.dirname, 'retract-crash-child.ts')], {
      env: { ...process.env, FAKE_URL: fake.url, FAKE_TOKEN: TOKEN, STATE_DIR: dir, NOW: new Date(T + 10 * MIN).toISOString(), POST_ID: 'bad-date' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const signal = await new Promise((res) => child.on('exit', (_code, sig) => res(sig)));
    expect(signal).toBe('SIGKILL');
    expect(output).not.toContain('survived');
    expect(fake.deleted).toHaveLength(1);
    expect((await readLedgerAppendOrder(store)).map((e) => e.state).slice(-3)).toEqual(['retract', 'retract-intent', 'retract-intent']);

    // The next run, after the dead run's window: part 2 (deleted first, then the kill) is asked once
    // more (404: already gone), part 1 deleted.
    const r = await take(T + 15 * MIN, 'next');
    expect(r.parts.map((x) => x.outcome)).toEqual(['removed', 'already-gone']);
    expect(r.complete).toBe(true);
    expect(fake.statuses).toEqual([]);
    expect(fake.deleted).toHaveLength(2);
    const events = await readLedgerAppendOrder(store);
    expect(events.filter((e) => e.state === 'retracted').map((e) => [e.part, e.alreadyGone ?? false, e.runId])).toEqual([[1, true, 'next'], [0, false, 'next']]);
  });
});
