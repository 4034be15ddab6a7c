/**
 * Threads downloads images from a public address: the check says so before the merge when a
 * Threads post has images and `channels.threads.site_url` is not set; with it, the post passes.
 * Ten images are allowed on Threads (a carousel), eleven are not; WebP is refused.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { check, fileReport } from './helpers.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3b4e50000000049454e44ae426082', 'hex');
let root: string;
afterEach(() => rm(root, { recursive: true, force: true }));

async function repo(siteUrl: string | undefined, images: number, ext = 'png') {
  root = await mkdtemp(join(tmpdir(), 'copydesk-threads-media-'));
  await mkdir(join(root, 'posts/media'), { recursive: true });
  await writeFile(join(root, 'copydesk.config.yaml'), `timezone: Europe/Warsaw\nchannels:\n  threads:\n    user_id: "1"\n${siteUrl ? `    site_url: ${siteUrl}\n` : ''}`);
  const media: string[] = [];
  for (let i = 0; i < images; i++) {
    await writeFile(join(root, `posts/media/p${i}.${ext}`), PNG);
    media.push(`  - path: media/p${i}.${ext}\n    alt: Loaf number ${i + 1} on the counter`);
  }
  await writeFile(join(root, 'posts/loaves.md'), `---\nid: loaves\npublish_at: "2027-02-01 09:00"\nchannels: [threads]\nmedia:\n${media.join('\n')}\n---\nToday's loaves.\n`);
  return fileReport(await check(root), 'posts/loaves.md').findings.filter((d) => d.severity === 'error').map((d) => `${d.ruleId}: ${d.message}`);
}

it('images on Threads without a public site address: an error naming the setting', async () => {
  expect(await repo(undefined, 1)).toEqual(['media: Threads fetches images from a public address, and `channels.threads.site_url` is not set: the post would be held on Threads']);
});

it('with site_url: ten images pass, eleven do not, WebP is refused', async () => {
  expect(await repo('https://little-oven.github.io/social', 10)).toEqual([]);
  await rm(root, { recursive: true, force: true });
  expect(await repo('https://little-oven.github.io/social', 11)).toEqual(['media: part 1 has 11 media files; threads allows at most 10 per post']);
  await rm(root, { recursive: true, force: true });
  expect((await repo('https://little-oven.github.io/social', 1, 'webp'))[0]).toContain('threads does not accept image/webp');
});
