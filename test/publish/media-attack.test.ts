/**
 * Attack: a pull request makes a post's image a symbolic link to /proc/self/environ or into
 * .git/config (where actions/checkout keeps the token), links the whole media folder elsewhere,
 * hides `..` in the path, or attaches a fifo or a 50 MB file. The real publisher, with the real
 * Bluesky channel against a real local PDS, the Mastodon channel against the strict fake and the
 * outbox, must upload nothing, hold the post with a reason, and go on with the other posts.
 *
 * Run with its own TMPDIR (the PDS writes there): `TMPDIR=$(mktemp -d) vitest run test/publish/media-attack.test.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { loadPosts } from '../../src/post/load-posts.ts';
import { createBlueskyChannel } from '../../src/publish/bluesky.ts';
import type { Channel } from '../../src/publish/channel.ts';
import type { Network } from '../../src/post/network.ts';
import { createMastodonChannel } from '../../src/publish/mastodon.ts';
import { createOutboxChannel } from '../../src/publish/outbox.ts';
import type { PublishReport } from '../../src/publish/publisher.ts';
import { publish } from '../../src/publish/publisher.ts';
import { readLedger } from '../../src/schedule/ledger.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { startBlueskyServer, type BlueskyServer } from '../helpers/bluesky-server.ts';
import { startMastodonFake, type MastodonFake } from '../fakes/mastodon-fake.ts';
import { at, tempDir, testConfig } from './publisher-helpers.ts';

const exec = promisify(execFile);
const NOW = at('2027-03-15T08:05:00Z');
const TOKEN = 'mstdn-media-SECRET-7e8f9a';
const GIT_TOKEN = 'ghs_CHECKOUTTOKENxxxxxxxxxxxxxxxxxxxxxx';
/** Not a real PNG decoder's delight, but PNG-signed bytes: Bluesky and Mastodon take them. */
const IMAGE = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('a harmless picture of bread')]);

let server: BlueskyServer;
let fake: MastodonFake;
let root: string;
let uploads: string[];

beforeAll(async () => {
  server = await startBlueskyServer('mediashop');
}, 120_000);
afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  fake = await startMastodonFake({ token: TOKEN, now: NOW, mediaProcessingPolls: 0 });
  root = await tempDir('media-attack');
  uploads = [];
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: root });
  // What actions/checkout leaves behind: the token in .git/config.
  await exec('git', ['config', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${GIT_TOKEN}`], { cwd: root });
  await mkdir(join(root, 'posts', 'media'), { recursive: true });
  await writeFile(join(root, 'posts', 'media', 'bread.png'), IMAGE);
});
afterEach(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
  expect(fake.violations).toEqual([]);
});

/** A post file with one image, scheduled five minutes before the run. */
async function writePost(id: string, mediaPath: string, channels: Network[], file = `posts/${id}.md`): Promise<void> {
  await mkdir(join(root, file, '..'), { recursive: true });
  await writeFile(join(root, file), `---\nid: ${id}\npublish_at: "2027-03-15 09:00"\nchannels: [${channels.join(', ')}]\nmedia:\n  - path: ${mediaPath}\n    alt: Fresh rye bread on the counter this morning.\n---\nRye is out of the oven.\n`);
}

function channels(kind: 'network' | 'outbox'): (n: Network) => Channel {
  return (network) => {
    if (kind === 'outbox') return createOutboxChannel(join(root, 'outbox'), network);
    if (network === 'bluesky') {
      const counted: typeof fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.includes('com.atproto.repo.uploadBlob')) uploads.push(url);
        return fetch(input, init);
      };
      return createBlueskyChannel({ service: server.service, identifier: server.handle, password: server.password, fetch: counted });
    }
    return createMastodonChannel({ instance: fake.url, token: TOKEN, timeoutMs: 2_000, mediaPollMs: 1 });
  };
}

/** The real loader (what `copydesk publish` does), then the real publisher. */
async function run(kind: 'network' | 'outbox' = 'network'): Promise<{ report: PublishReport; log: string[]; problems: string[] }> {
  const config = testConfig();
  const loaded = await loadPosts(root, config);
  const log: string[] = [];
  const store = createDirStore(join(root, '.copydesk', 'state'));
  const report = await publish({ root, posts: loaded.posts, store, channels: channels(kind), config, now: () => new Date(NOW), runId: 'attack', dryRun: false, log: (l) => log.push(l) });
  return { report, log, problems: loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`) };
}

async function blobsOnPds(): Promise<number> {
  const res = await server.agent.com.atproto.sync.listBlobs({ did: server.did, limit: 1000 });
  return res.data.cids.length;
}

const mastodonUploads = () => fake.requests.filter((r) => r.path === '/api/v2/media').length;

function held(report: PublishReport, postId: string) {
  return report.decisions.filter((d) => d.postId === postId).map((d) => ({ network: d.network, kind: d.kind, hold: d.hold, reason: d.reason, action: d.action }));
}

describe('media attacks through the publisher', () => {
  test('control: a real image in the repository goes out on Bluesky and Mastodon with the same bytes', async () => {
    await writePost('bread', 'media/bread.png', ['bluesky', 'mastodon']);
    const before = await blobsOnPds();
    const { report } = await run();
    expect(report.sent).toBe(2);
    expect(uploads).toHaveLength(1);
    expect(await blobsOnPds()).toBe(before + 1);
    expect(fake.statuses[0]?.media[0]?.size).toBe(IMAGE.byteLength);
  });

  test.each([
    ['a symlink to /proc/self/environ', '/proc/self/environ', /posts\/media\/env\.png is a symbolic link to \/proc\/self\/environ/],
    ['a symlink into .git/config', '../../.git/config', /posts\/media\/env\.png is a symbolic link to \.\.\/\.\.\/\.git\/config/],
  ])('%s: no blob on the PDS, no Mastodon upload, the post is held with the reason; the other post still goes out', async (_name, target, reason) => {
    await symlink(target, join(root, 'posts', 'media', 'env.png'));
    await writePost('leak', 'media/env.png', ['bluesky', 'mastodon']);
    await writePost('bread', 'media/bread.png', ['mastodon']);
    const before = await blobsOnPds();
    const { report, log } = await run();
    expect(uploads).toEqual([]);
    expect(await blobsOnPds()).toBe(before);
    expect(fake.statuses.map((s) => s.text)).toEqual(['Rye is out of the oven.']);
    expect(mastodonUploads()).toBe(1); // bread.png only
    expect(held(report, 'leak')).toEqual([
      { network: 'bluesky', kind: 'held', hold: 'media', reason: expect.stringMatching(reason), action: expect.stringContaining('Replace the link with the image file itself') },
      { network: 'mastodon', kind: 'held', hold: 'media', reason: expect.stringMatching(reason), action: expect.stringContaining('Replace the link with the image file itself') },
    ]);
    expect(report.completed).toBe(true);
    expect(report.sent).toBe(1);
    expect(log.join('\n')).toContain('held leak: media: posts/media/env.png is a symbolic link');
    expect(log.join('\n')).not.toContain(GIT_TOKEN);
    // Nothing was claimed for the held post: no intent, nothing to read back later.
    expect((await readLedger(createDirStore(join(root, '.copydesk', 'state')))).filter((e) => e.postId === 'leak')).toEqual([]);
  });

  test('a linked image in part 2 of a thread holds the whole thread before part 1 goes out', async () => {
    await symlink('/proc/self/environ', join(root, 'posts', 'media', 'env.png'));
    await writeFile(join(root, 'posts', 'thread.md'), '---\nid: thread\npublish_at: "2027-03-15 09:00"\nchannels: [mastodon]\nmedia:\n  - path: media/bread.png\n    alt: Fresh rye bread on the counter this morning.\n  - path: media/env.png\n    alt: Fresh rye bread on the counter this morning.\n    part: 2\n---\nRye is out of the oven.\n---\nCome before ten.\n');
    const { report } = await run();
    expect(fake.statuses).toEqual([]);
    expect(mastodonUploads()).toBe(0);
    expect(held(report, 'thread')).toEqual([expect.objectContaining({ hold: 'media', reason: expect.stringContaining('posts/media/env.png is a symbolic link to /proc/self/environ; media must be a regular file in the repository (posts/thread.md line 8, `media`)') })]);
  });

  test('the media folder linked to /etc: nothing from it is uploaded', async () => {
    await rm(join(root, 'posts', 'media'), { recursive: true });
    await symlink('/etc', join(root, 'posts', 'media'));
    await writePost('etc', 'media/passwd', ['bluesky', 'mastodon']);
    const { report } = await run();
    expect(uploads).toEqual([]);
    expect(mastodonUploads()).toBe(0);
    expect(held(report, 'etc').map((d) => [d.network, d.hold, d.reason])).toEqual([
      ['bluesky', 'media', expect.stringContaining('posts/media (a folder on the path of posts/media/passwd) is a symbolic link to /etc')],
      ['mastodon', 'media', expect.stringContaining('posts/media (a folder on the path of posts/media/passwd) is a symbolic link to /etc')],
    ]);
  });

  test('a hard-to-spot `..` path into .git never becomes a post to publish; the problem names file, line and field', async () => {
    await writePost('sneaky', '../media/../../.git/config', ['bluesky', 'mastodon'], 'posts/2027/sneaky.md');
    const { report, problems } = await run();
    expect(uploads).toEqual([]);
    expect(mastodonUploads()).toBe(0);
    expect(report.decisions.filter((d) => d.postId === 'sneaky')).toEqual([]);
    expect(problems).toEqual(['posts/2027/sneaky.md:6 media path "../media/../../.git/config" points into the .git folder (.git/config)']);
  });

  test('a fifo named .png is refused at once (the run does not hang)', async () => {
    await exec('mkfifo', [join(root, 'posts', 'media', 'pipe.png')]);
    await writePost('pipe', 'media/pipe.png', ['bluesky', 'mastodon']);
    const { report } = await run();
    expect(uploads).toEqual([]);
    expect(mastodonUploads()).toBe(0);
    expect(held(report, 'pipe').map((d) => d.reason)).toEqual([
      expect.stringContaining('posts/media/pipe.png is a named pipe (fifo), not an image file'),
      expect.stringContaining('posts/media/pipe.png is a named pipe (fifo), not an image file'),
    ]);
  });

  test('a 50 MB image is refused for both networks before it is read', async () => {
    await writeFile(join(root, 'posts', 'media', 'huge.png'), '');
    await truncate(join(root, 'posts', 'media', 'huge.png'), 50_000_000);
    await writePost('huge', 'media/huge.png', ['bluesky', 'mastodon']);
    const { report } = await run();
    expect(uploads).toEqual([]);
    expect(mastodonUploads()).toBe(0);
    expect(held(report, 'huge').map((d) => [d.network, d.hold, d.reason])).toEqual([
      ['bluesky', 'media', expect.stringContaining('posts/media/huge.png is 50.0 MB; at most 2.0 MB is read')],
      ['mastodon', 'media', expect.stringContaining('posts/media/huge.png is 50.0 MB; at most 16.8 MB is read')],
    ]);
  });

  test('`copydesk publish` (subprocess, fresh clone, outbox): the linked image is held and named; the run still succeeds for the rest', async () => {
    await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  mastodon:\n    instance: https://mastodon.example\npublish:\n  max_lateness_minutes: 120\n');
    await symlink('../../.git/config', join(root, 'posts', 'media', 'env.png'));
    await writePost('leak', 'media/env.png', ['mastodon']);
    await writePost('bread', 'media/bread.png', ['mastodon']);
    const cli = join(import.meta.dirname, '../../scripts/copydesk.ts');
    const r = await exec(process.execPath, [cli, 'publish'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', COPYDESK_ROOT: root, COPYDESK_NOW: new Date(NOW).toISOString() } }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('held leak: media: posts/media/env.png is a symbolic link to ../../.git/config');
    expect(r.stdout).not.toContain(GIT_TOKEN);
    expect(await readdir(join(root, 'outbox', 'mastodon'))).toEqual(['bread.0.json', 'bread.0.txt']);
  });

  test('the outbox refuses the same files: nothing is written for the linked image', async () => {
    await symlink('/proc/self/environ', join(root, 'posts', 'media', 'env.png'));
    await writePost('leak', 'media/env.png', ['mastodon']);
    await writePost('bread', 'media/bread.png', ['mastodon']);
    const { report } = await run('outbox');
    expect(await readdir(join(root, 'outbox', 'mastodon'))).toEqual(['bread.0.json', 'bread.0.txt']);
    expect(held(report, 'leak')).toEqual([expect.objectContaining({ network: 'mastodon', hold: 'media', reason: expect.stringContaining('is a symbolic link to /proc/self/environ') })]);
  });
});
