/**
 * The freeze from the command line through to the publisher: who/when/why recorded, concurrent
 * freezes both landing (real git remote), a freeze landing mid-run, partial holds, and the thaw
 * summary of posts that fell due while frozen.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/context.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import type { Config } from '../../src/config/config.ts';
import { recordFreeze, freezeCommand, thawCommand } from '../../src/freeze/freeze-command.ts';
import { freezeHolds } from '../../src/freeze/freeze-match.ts';
import { readFreezeLog, readFreezes, type Freeze } from '../../src/freeze/freeze-state.ts';
import { loadPosts } from '../../src/post/load-posts.ts';
import type { Channel, OutgoingPart } from '../../src/publish/channel.ts';
import { publish } from '../../src/publish/publisher.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { openStateStore } from '../../src/state/open-store.ts';
import { clonesWithOrigin, context, postFile, tempRepo, TEST_CONFIG } from '../helpers/crisis-repo.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const config = (): Config => {
  const c = parseConfig(TEST_CONFIG);
  if (!c.ok) throw new Error('test config does not parse');
  return c.config;
};

async function repo(files: Record<string, string>) {
  const r = await tempRepo(files);
  cleanups.push(r.cleanup);
  return r.root;
}

const stateOf = (root: string) => createDirStore(join(root, '.copydesk/state'));

/** A channel that records what it was asked to send; `onSend` runs inside the send (e.g. a freeze). */
function recordingChannel(name: 'mastodon' | 'bluesky', onSend?: (p: OutgoingPart) => Promise<void>): { channel: Channel; sent: OutgoingPart[] } {
  const sent: OutgoingPart[] = [];
  return {
    sent,
    channel: {
      name,
      async find(p) {
        const hit = sent.find((s) => s.idempotencyKey === p.idempotencyKey);
        return hit ? { status: 'found', ref: { id: `${hit.postId}.${hit.part}` } } : { status: 'absent' };
      },
      async send(p) {
        sent.push(p);
        await onSend?.(p);
        return { status: 'sent', ref: { id: `${p.postId}.${p.part}`, url: `https://${name}.example/${p.postId}/${p.part}` } };
      },
    },
  };
}

async function runPublisher(root: string, now: string, channel: Channel) {
  const cfg = config();
  const { posts } = await loadPosts(root, cfg);
  return publish({ posts, store: stateOf(root), channels: () => channel, config: cfg, now: () => new Date(now), runId: `run-${now}`, dryRun: false, log: () => {} });
}

describe('copydesk freeze / thaw', () => {
  it('refuses a freeze without a reason, naming the flag and an example', async () => {
    const root = await repo({});
    const { ctx } = context(root, '2027-03-15T07:00:00Z');
    await expect(freezeCommand([], ctx)).rejects.toThrow(UsageError);
    await expect(freezeCommand(['--reason', '   '], ctx)).rejects.toThrow(/--reason is required.*e\.g\. --reason/);
    expect(await readFreezes(stateOf(root))).toEqual([]);
  });

  it('records who, when and why in freeze.json and the freeze log', async () => {
    const root = await repo({});
    const a = context(root, '2027-03-15T07:00:00Z', { GITHUB_ACTOR: 'ola' });
    expect(await freezeCommand(['--reason', 'Flooding in town', '--term', 'flood', '--tag', '#Promo', '--tag', 'promo'], a.ctx)).toBe(0);
    const b = context(root, '2027-03-15T07:05:00Z', { GITHUB_ACTOR: 'ola' });
    expect(await freezeCommand(['--reason', 'Second thoughts', '--by', 'anna'], b.ctx)).toBe(0);
    const c = context(root, '2027-03-15T07:06:00Z');
    expect(await freezeCommand(['--reason=Local freeze'], c.ctx)).toBe(0);

    const state = JSON.parse(await readFile(join(root, '.copydesk/state/freeze.json'), 'utf8')) as { active: Freeze[] };
    expect(state.active.map((f) => [f.by, f.since, f.reason, f.terms, f.tags, f.source])).toEqual([
      ['ola', '2027-03-15T07:00:00.000Z', 'Flooding in town', ['flood'], ['Promo'], 'cli'],
      ['anna', '2027-03-15T07:05:00.000Z', 'Second thoughts', [], [], 'cli'],
      ['local-user', '2027-03-15T07:06:00.000Z', 'Local freeze', [], [], 'cli'],
    ]);
    const log = await readFreezeLog(stateOf(root));
    expect(log.map((e) => [e.action, e.freeze.id])).toEqual(state.active.map((f) => ['freeze', f.id]));
    expect(a.out()).toContain('FROZEN');
    expect(a.out()).toContain('posts tagged `Promo`, and posts mentioning "flood"');
    expect(a.out()).toContain('2027-03-15 08:00 Europe/Warsaw (UTC+01:00)');

    // Thaw one by id; an unknown id is an error naming the active ones.
    const t = context(root, '2027-03-15T08:00:00Z', { GITHUB_ACTOR: 'piotr' });
    expect(await thawCommand(['--id', state.active[1]!.id], t.ctx)).toBe(0);
    expect(t.out()).toContain('STILL FROZEN by 2 other freezes');
    const u = context(root, '2027-03-15T08:00:00Z');
    expect(await thawCommand(['--id', 'f-nope'], u.ctx)).toBe(1);
    expect(u.err()).toContain(`No active freeze has id "f-nope". Active: ${state.active[0]!.id}, ${state.active[2]!.id}`);
    const thawLine = (await readFreezeLog(stateOf(root))).find((e) => e.action === 'thaw')!;
    expect([thawLine.by, thawLine.at, thawLine.freeze.reason]).toEqual(['piotr', '2027-03-15T08:00:00.000Z', 'Second thoughts']);
  });

  it('a damaged freeze.json fails safe (everything held) and a thaw repairs it from the freeze log', async () => {
    const root = await repo({
      'posts/a.md': postFile({ id: 'a', publish_at: '2027-03-15 08:50', channels: ['mastodon'] }, 'Hello.'),
      'posts/b.md': postFile({ id: 'b', publish_at: '2027-03-15 09:00', channels: ['mastodon'] }, 'Hello again.'),
    });
    expect(await freezeCommand(['--reason', 'Storm', '--tag', 'promo'], context(root, '2027-03-15T07:00:00Z', { GITHUB_ACTOR: 'ola' }).ctx)).toBe(0);
    await stateOf(root).update('damage', async () => ({ 'freeze.json': '{"active": [' }));

    // Only promo posts were held, but an unreadable freeze holds everything.
    const { channel, sent } = recordingChannel('mastodon');
    const held = await runPublisher(root, '2027-03-15T07:55:00Z', channel);
    expect(sent).toEqual([]);
    expect(held.decisions.find((d) => d.postId === 'a')?.reason).toContain('freeze.json in the state store cannot be read');

    const t = context(root, '2027-03-15T07:56:00Z', { GITHUB_ACTOR: 'piotr' });
    expect(await thawCommand([], t.ctx)).toBe(0);
    expect(t.out()).toContain('THAWED f-20270315T0700Z');
    expect(await readFreezes(stateOf(root))).toEqual([]);
    await runPublisher(root, '2027-03-15T08:01:00Z', channel);
    expect(sent.map((p) => p.postId)).toContain('b');
  });

  it('two freezes pulled at the same moment from two machines both land (git state branch)', async () => {
    const { clones, cleanup } = await clonesWithOrigin(2, {});
    cleanups.push(cleanup);
    const env = { COPYDESK_STATE: 'git' };
    const a = context(clones[0]!, '2027-03-15T07:00:00Z', { ...env, GITHUB_ACTOR: 'ola' });
    const b = context(clones[1]!, '2027-03-15T07:00:00Z', { ...env, GITHUB_ACTOR: 'tom' });
    const codes = await Promise.all([freezeCommand(['--reason', 'Flood'], a.ctx), freezeCommand(['--reason', 'Storm', '--tag', 'promo'], b.ctx)]);
    expect(codes).toEqual([0, 0]);

    const store = await openStateStore(context(clones[0]!, '2027-03-15T07:01:00Z', env).ctx, { readOnly: true });
    await store.refresh();
    const active = await readFreezes(store);
    expect(active.map((f) => `${f.by}:${f.reason}`).sort()).toEqual(['ola:Flood', 'tom:Storm']);
    expect(new Set(active.map((f) => f.id)).size).toBe(2);
    expect((await readFreezeLog(store)).filter((e) => e.action === 'freeze')).toHaveLength(2);
  });
});

describe('the publisher under a freeze', () => {
  it('a freeze landing between two sends of one run stops the remaining sends', async () => {
    const root = await repo({
      'posts/a.md': postFile({ id: 'a', publish_at: '2027-03-15 08:50', channels: ['mastodon'] }, 'First post.'),
      'posts/b.md': postFile({ id: 'b', publish_at: '2027-03-15 08:55', channels: ['mastodon'] }, 'Second post.'),
      'posts/c.md': postFile({ id: 'c', publish_at: '2027-03-15 08:58', channels: ['mastodon'] }, 'Third post.'),
    });
    const store = stateOf(root);
    // Someone pulls the brake while the first post is on its way.
    const { channel, sent } = recordingChannel('mastodon', async () => {
      if (sent.length === 1) await recordFreeze(store, { reason: 'Breaking news', by: 'ola', at: new Date('2027-03-15T08:00:30Z'), terms: [], tags: [], source: 'cli' });
    });
    const report = await runPublisher(root, '2027-03-15T08:01:00Z', channel);
    expect(sent.map((p) => p.postId)).toEqual(['a']);
    expect(report.sent).toBe(1);
    // Due and stopped by the freeze: missed for good at once (issue 9 §4), nothing started for them.
    expect(report.decisions.filter((d) => d.kind === 'missed').map((d) => d.postId)).toEqual(['b', 'c']);
    const ledger = await readLedger(store);
    expect(ledger.filter((e) => e.postId !== 'a').map((e) => `${e.postId}:${e.state}`)).toEqual(['b:missed', 'c:missed']);
  });

  it('a partial hold holds posts by tag (any case) and by whole-word term (any case, any thread part)', async () => {
    const root = await repo({
      'posts/promo.md': postFile({ id: 'promo', publish_at: '2027-03-15 08:40', channels: ['mastodon'], tags: ['Promo'] }, '20% off all cakes today.'),
      'posts/thread.md': postFile({ id: 'thread', publish_at: '2027-03-15 08:41', channels: ['mastodon'] }, 'A long story about our street.', 'Remember the FLOOD of 1997?'),
      'posts/light.md': postFile({ id: 'light', publish_at: '2027-03-15 08:42', channels: ['mastodon'] }, 'New floodlight over the door.'),
      'posts/plain.md': postFile({ id: 'plain', publish_at: '2027-03-15 08:43', channels: ['mastodon'] }, 'Fresh rye bread.'),
    });
    const { ctx } = context(root, '2027-03-15T07:30:00Z', { GITHUB_ACTOR: 'ola' });
    expect(await freezeCommand(['--reason', 'Floods in the region', '--tag', 'PROMO', '--term', 'flood'], ctx)).toBe(0);

    const [freeze] = await readFreezes(stateOf(root));
    const { posts } = await loadPosts(root, config());
    expect(posts.filter((p) => freezeHolds(freeze!, p)).map((p) => p.id).sort()).toEqual(['promo', 'thread']);

    const { channel, sent } = recordingChannel('mastodon');
    const report = await runPublisher(root, '2027-03-15T07:45:00Z', channel);
    expect(sent.map((p) => p.postId).sort()).toEqual(['light', 'plain']);
    expect(report.decisions.filter((d) => d.kind === 'missed').map((d) => d.postId).sort()).toEqual(['promo', 'thread']);
  });

  it('after a thaw, posts that fell due during the freeze are listed as missed and never sent', async () => {
    const root = await repo({
      'posts/early.md': postFile({ id: 'early', publish_at: '2027-03-15 09:30' }, 'Morning buns are out.'),
      'posts/mid.md': postFile({ id: 'mid', publish_at: '2027-03-15 10:00', tags: ['promo'] }, 'Two for one on tarts.'),
      'posts/later.md': postFile({ id: 'later', publish_at: '2027-03-15 11:30' }, 'Lunch menu is up.'),
    });
    const freeze = context(root, '2027-03-15T08:00:00Z', { GITHUB_ACTOR: 'ola' });
    expect(await freezeCommand(['--reason', 'Power cut in town'], freeze.ctx)).toBe(0);
    expect(freeze.out()).toContain('Held in the next 7 days: 3 posts');

    // While frozen, the publisher holds everything.
    const during = recordingChannel('mastodon');
    await runPublisher(root, '2027-03-15T08:45:00Z', during.channel);
    expect(during.sent).toEqual([]);

    const thaw = context(root, '2027-03-15T10:00:00Z', { GITHUB_ACTOR: 'piotr' });
    expect(await thawCommand([], thaw.ctx)).toBe(0);
    const text = thaw.out();
    expect(text).toContain('2 posts fell due during the freeze and are now missed');
    expect(text).toMatch(/- early \(posts\/early\.md\), due 2027-03-15 09:30 Europe\/Warsaw.*not sent on bluesky, mastodon/);
    expect(text).toMatch(/- mid \(posts\/mid\.md\), due 2027-03-15 10:00/);
    expect(text).not.toContain('later');
    expect(text).toContain('new pull request with a new `publish_at` and a new review');

    // Both are well within max lateness (120 min), yet the next run sends neither: they are missed.
    const after = recordingChannel('mastodon');
    const report = await runPublisher(root, '2027-03-15T10:05:00Z', after.channel);
    expect(after.sent).toEqual([]);
    expect(report.missed).toBe(4); // 2 posts × 2 networks
    const missed = (await readLedger(stateOf(root))).filter((e) => e.state === 'missed');
    expect(missed.map((e) => `${e.postId}/${e.network}`).sort()).toEqual(['early/bluesky', 'early/mastodon', 'mid/bluesky', 'mid/mastodon']);

    // A post due after the thaw goes out on time.
    const later = recordingChannel('mastodon');
    await runPublisher(root, '2027-03-15T10:31:00Z', later.channel);
    expect([...new Set(later.sent.map((p) => p.postId))]).toEqual(['later']);
  });
});
