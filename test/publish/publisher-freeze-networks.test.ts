/**
 * The freeze wins against the real channels: the real Bluesky channel on a local PDS
 * (`@atproto/dev-env`, own TMPDIR), the real Mastodon channel on the strict Mastodon fake, the real
 * git state store, and the freeze pulled from a second clone with the real freeze change.
 * What counts is what the followers would see: the records on the PDS and the statuses on the fake.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { freezeChange, thawChange } from '../../src/freeze/freeze-apply.ts';
import type { Post } from '../../src/post/post.ts';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import type { Network } from '../../src/post/network.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import type { ApprovalVerdict, PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createGitStore } from '../../src/state/git-store.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { BlueskyServer } from '../helpers/bluesky-server.ts';
import { startBlueskyServer } from '../helpers/bluesky-server.ts';
import type { MastodonFake } from '../fakes/mastodon-fake.ts';
import { startMastodonFake } from '../fakes/mastodon-fake.ts';
import { at, gitFixture, post, testConfig } from './publisher-helpers.ts';

const T = at('2027-03-15T08:00:00Z');
const MIN = 60_000;
const TOKEN = 'mstdn-freeze-net-SECRET-1f2e';

let bsky: BlueskyServer;
let fake: MastodonFake;
let store: StateStore;
let phone: StateStore;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  bsky = await startBlueskyServer();
}, 120_000);
afterAll(async () => {
  await bsky?.close();
});
beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN, now: T });
  const f = await gitFixture(2);
  cleanup = f.cleanup;
  store = createGitStore({ repoDir: f.clones[0]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
  phone = createGitStore({ repoDir: f.clones[1]!, branch: 'copydesk-state', remote: 'origin', sleep: async () => {} });
});
afterEach(async () => {
  await fake.close();
  await cleanup();
  expect(fake.violations).toEqual([]);
});

const channels = (n: Network) =>
  n === 'bluesky' ? createBlueskyChannel({ service: bsky.service, identifier: bsky.handle, password: bsky.password }) : createMastodonChannel({ instance: fake.url, token: TOKEN, timeoutMs: 2000 });

function run(posts: Post[], now: number, runId: string, approve?: (p: Post) => Promise<ApprovalVerdict>): Promise<PublishReport> {
  return publish({ posts, store, channels, config: testConfig(), now: () => new Date(now), runId, dryRun: false, log: () => {}, ...(approve ? { approve } : {}) });
}

async function freezeAt(clock: number): Promise<void> {
  await phone.refresh();
  await phone.update('freeze', freezeChange({ reason: 'flood in town', by: 'anna', at: new Date(clock), terms: [], tags: [], source: 'cli' }, () => {}));
}

async function onBluesky(text: string): Promise<number> {
  const res = await bsky.agent.com.atproto.repo.listRecords({ repo: bsky.did, collection: 'app.bsky.feed.post', limit: 100 });
  return res.data.records.filter((r) => (r.value as { text?: string }).text === text).length;
}

describe('the freeze wins against the real channels', () => {
  test('a freeze stored while the approval is checked: nothing on Bluesky, nothing on Mastodon, nothing after the thaw', async () => {
    const p = post({ id: 'promo', at: '2027-03-15 09:00', channels: ['bluesky', 'mastodon'], text: ['Cakes half price today.', 'Come early.'] });
    const approve = async () => {
      await freezeAt(T);
      return { approved: true } as const;
    };
    const report = await run([p], T, 'r1', approve);
    expect(report.sent).toBe(0);
    expect(await onBluesky('Cakes half price today.')).toBe(0);
    expect(fake.statuses).toHaveLength(0);
    await phone.refresh();
    await phone.update('thaw', thawChange({ by: 'anna', at: new Date(T + 10 * MIN) }, () => {}));
    fake.now = T + 15 * MIN;
    await run([p], T + 15 * MIN, 'r2', async () => ({ approved: true }));
    expect(await onBluesky('Cakes half price today.')).toBe(0);
    expect(fake.statuses).toHaveLength(0);
  });

  test('a freeze stored by a machine 5 minutes ahead stops the next send on both networks', async () => {
    await freezeAt(T + 5 * MIN);
    const p = post({ id: 'ahead', at: '2027-03-15 08:59', channels: ['bluesky', 'mastodon'], text: 'Fresh rolls.' });
    await run([p], T, 'r1');
    expect(await onBluesky('Fresh rolls.')).toBe(0);
    expect(fake.statuses).toHaveLength(0);
  });
});
