/**
 * The publisher re-runs the content rules before sending (issue 10): a post that reached main
 * without passing the check — too long, a profanity, a watch-list term, a missing image — is held
 * with the reason and never reaches the network; a clean post beside it goes out.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import type { Config } from '../../src/config/config.ts';
import type { Post } from '../../src/post/post.ts';
import { publish } from '../../src/publish/publisher.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { at, countingNetwork, post, tempDir, testConfig } from './publisher-helpers.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function run(posts: Post[], config: Config = testConfig()) {
  const dir = await tempDir('pub-content');
  dirs.push(dir);
  const net = countingNetwork('mastodon');
  const logs: string[] = [];
  const report = await publish({ posts, store: createDirStore(dir), channels: () => net.channel(), config, now: () => new Date(at('2027-03-15T08:05:00Z')), runId: 'run-1', dryRun: false, log: (l) => logs.push(l) });
  return { report, net, logs };
}

describe('content re-check before sending', () => {
  test('a too-long post and a profane one are held with the reason; the clean one is sent', async () => {
    const posts = [
      post({ id: 'long', at: '2027-03-15 09:00', text: 'x'.repeat(501) }),
      post({ id: 'rude', at: '2027-03-15 09:00', text: 'No shit, the best bread in town.' }),
      post({ id: 'fine', at: '2027-03-15 09:00', text: 'Fresh bread at seven.' }),
    ];
    const { report, net, logs } = await run(posts);
    expect(net.delivered.map((d) => d.postId)).toEqual(['fine']);
    const held = Object.fromEntries(report.decisions.filter((d) => d.hold === 'content').map((d) => [d.postId, d.reason]));
    expect(held.long).toBe('the post does not pass the content checks: part 1 is 501/500 characters on mastodon (posts/long.md:6)');
    expect(held.rude).toContain('Don’t use `shit`, it’s profane');
    expect(report.held).toBe(2);
    expect(logs.some((l) => l.startsWith('held long: the post does not pass the content checks'))).toBe(true);
  });

  test('a missing image holds the post', async () => {
    const p = post({ id: 'img', at: '2027-03-15 09:00' });
    const withMedia: Post = { ...p, media: [{ path: 'gone.png', repoPath: 'posts/gone.png', absPath: '/repo/posts/gone.png', alt: 'A loaf of rye on a board.', part: 0, line: 4 }] };
    const { report, net } = await run([withMedia]);
    expect(net.sends).toBe(0);
    // The media reader holds it first, with the precise reason (the content re-check would too).
    expect(report.decisions[0]).toMatchObject({ hold: 'media', reason: expect.stringContaining('media file posts/gone.png does not exist') });
  });

  test('a watch-list term added after the merge holds it too (with the plan, before any send)', async () => {
    const config = testConfig({ watchlist: [{ term: 'flood', reason: 'flooding in the region' }] });
    const { net, report } = await run([post({ id: 'w', at: '2027-03-15 09:00', text: 'Flood of orders today!' }, config)], config);
    expect(net.sends).toBe(0);
    expect(report.decisions[0]!.kind).toBe('held');
  });
});
