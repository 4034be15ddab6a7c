/**
 * The retraction against a real Bluesky PDS (TestNetworkNoAppView, as test/publish/ starts it):
 * the publisher sends a thread with the real channel, `retract` takes it down, and the records are
 * read back from the PDS: gone, each deleted once, nothing sent again.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import { publish } from '../../src/publish/publisher.ts';
import { retract, type RetractResult } from '../../src/retract/retract.ts';
import { readLedgerAppendOrder } from '../../src/schedule/ledger-write.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startBlueskyServer, type BlueskyServer } from '../helpers/bluesky-server.ts';
import { at, post, tempDir, testConfig } from '../publish/publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;

let pds: BlueskyServer;
beforeAll(async () => {
  pds = await startBlueskyServer('retract');
}, 120_000);
afterAll(async () => {
  await pds?.close();
});

function counting(): { fetch: typeof fetch; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      calls.push(new URL(input instanceof Request ? input.url : String(input)).pathname.replace('/xrpc/', ''));
      return fetch(input, init);
    },
  };
}

describe('retract on Bluesky (real PDS)', () => {
  test('the thread is gone from the PDS after retract; a rerun deletes nothing; the publisher never posts it again', async () => {
    const dir = await tempDir('retbsky');
    try {
      const store = createDirStore(dir);
      const net = counting();
      let password = pds.password;
      const channel = () => createBlueskyChannel({ service: pds.service, identifier: pds.handle, password, fetch: net.fetch });
      const p = post({ id: 'bsky-bad', at: '2027-03-15 09:00', channels: ['bluesky'], text: ['Market on Sunday!', 'Bring a bag.'] });
      const config = testConfig({ channels: { ...testConfig().channels, enabled: ['bluesky'] } });
      await publish({ posts: [p], store, channels: channel, config, now: () => new Date(T), runId: 'pub1', dryRun: false, log: () => {} });
      const list = async () => (await pds.agent.com.atproto.repo.listRecords({ repo: pds.did, collection: 'app.bsky.feed.post' })).data.records.filter((r) => /Market on Sunday|Bring a bag/.test((r.value as { text: string }).text));
      expect(await list()).toHaveLength(2);

      const take = async (now: number, runId: string) => {
        const r: RetractResult = await retract({ postId: 'bsky-bad', reason: 'wrong date', by: 'ana', store, channels: channel, posts: [p], config, now: () => new Date(now), runId, dryRun: false, log: () => {}, waitMs: 0 });
        if (!r.ok) throw new Error(r.error);
        return r;
      };

      // A wrong app password first: failed with the renew action, nothing deleted.
      password = 'xxxx-xxxx-xxxx-xxxx';
      const refused = await take(T + 5 * MIN, 'ret0');
      expect(refused.parts.map((x) => x.outcome)).toEqual(['failed', 'failed']);
      expect(refused.parts[0]!.action).toMatch(/app password/);
      expect(await list()).toHaveLength(2);

      password = pds.password;
      net.calls.length = 0;
      const r = await take(T + 10 * MIN, 'ret1');
      expect(r.complete).toBe(true);
      expect(r.parts.map((x) => x.outcome)).toEqual(['removed', 'removed']);
      expect(await list()).toEqual([]);
      expect(net.calls.filter((c) => c === 'com.atproto.repo.deleteRecord')).toHaveLength(2);

      // Someone reruns: nothing left to do, no request at all.
      net.calls.length = 0;
      const again = await take(T + 20 * MIN, 'ret2');
      expect(again.parts.map((x) => x.outcome)).toEqual(['was-removed', 'was-removed']);
      expect(net.calls).toEqual([]);

      // The publisher sees it retracted: nothing is created again.
      await publish({ posts: [p], store, channels: channel, config, now: () => new Date(T + 30 * MIN), runId: 'pub2', dryRun: false, log: () => {} });
      expect(net.calls.filter((c) => c === 'com.atproto.repo.createRecord')).toEqual([]);
      expect(await list()).toEqual([]);
      expect((await readLedgerAppendOrder(store)).filter((e) => e.state === 'retracted').map((e) => e.alreadyGone ?? false)).toEqual([false, false]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  test('a record already deleted in the app counts as removed (getRecord: RecordNotFound)', async () => {
    const ch = createBlueskyChannel({ service: pds.service, identifier: pds.handle, password: pds.password });
    const created = await pds.agent.com.atproto.repo.createRecord({ repo: pds.did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: 'gone soon', createdAt: new Date(T).toISOString() } });
    const rkey = created.data.uri.split('/').pop()!;
    await pds.agent.com.atproto.repo.deleteRecord({ repo: pds.did, collection: 'app.bsky.feed.post', rkey });
    expect(await ch.remove!({ id: rkey, uri: created.data.uri, cid: created.data.cid }, 'bluesky')).toEqual({ status: 'removed', alreadyGone: true });
  }, 30_000);

  test("another account's record is never deleted", async () => {
    const other = await pds.createAccount('stranger');
    const agent = new (await import('@atproto/api')).AtpAgent({ service: pds.service });
    await agent.login({ identifier: other.handle, password: other.appPassword });
    const theirs = await agent.com.atproto.repo.createRecord({ repo: other.did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: 'not yours', createdAt: new Date(T).toISOString() } });
    const ch = createBlueskyChannel({ service: pds.service, identifier: pds.handle, password: pds.password });
    const r = await ch.remove!({ id: theirs.data.uri.split('/').pop()!, uri: theirs.data.uri, cid: theirs.data.cid }, 'bluesky');
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('belongs to') });
    const still = await agent.com.atproto.repo.getRecord({ repo: other.did, collection: 'app.bsky.feed.post', rkey: theirs.data.uri.split('/').pop()! });
    expect((still.data.value as { text: string }).text).toBe('not yours');
  }, 30_000);
});
