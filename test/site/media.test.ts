/**
 * The site copies post images into a public build: it must refuse what the publisher refuses (a
 * symlink to /proc/self/environ or .git/config, a linked folder, a fifo, a huge file) and say so on
 * the status page instead of publishing the file. Real files on disk, the real loader.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSiteData, SITE_MEDIA_MAX_BYTES } from '../../src/site/load-site-data.ts';
import { createDirStore } from '../../src/state/dir-store.ts';
import { png } from './fixture.ts';

const exec = promisify(execFile);
let root: string;
let outside: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'copydesk-site-media-'));
  outside = await mkdtemp(join(tmpdir(), 'copydesk-site-outside-'));
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: root });
  await mkdir(join(root, 'posts', 'media'), { recursive: true });
  await mkdir(join(root, 'posts', 'linked'), { recursive: true });
  await writeFile(join(root, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  bluesky: {}\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function postWith(id: string, path: string): Promise<void> {
  await writeFile(join(root, 'posts', `${id}.md`), `---\nid: ${id}\npublish_at: "2027-03-12 09:00"\nchannels: [bluesky]\nmedia:\n  - path: ${path}\n    alt: A rhubarb tart with a lattice crust on the counter.\n---\nTart is back.\n`);
}

const load = () => loadSiteData({ root, now: Date.parse('2027-03-10T10:00:00Z'), env: {}, openStore: async () => createDirStore(join(root, '.copydesk', 'state')) });

describe('site media', () => {
  it('copies only the real image; links, .git, fifos and huge files are refused and named on the status page', async () => {
    const tart = png(8, 5, [176, 64, 80]);
    await writeFile(join(root, 'posts', 'media', 'tart.png'), tart);
    await postWith('tart', 'media/tart.png');
    await symlink('/proc/self/environ', join(root, 'posts', 'media', 'env.png'));
    await postWith('env', 'media/env.png');
    await symlink('../../.git/config', join(root, 'posts', 'media', 'git.png'));
    await postWith('git', 'media/git.png');
    await writeFile(join(outside, 'secret.png'), 'not yours');
    await rm(join(root, 'posts', 'linked'), { recursive: true });
    await symlink(outside, join(root, 'posts', 'linked'));
    await postWith('linked', 'linked/secret.png');
    await exec('mkfifo', [join(root, 'posts', 'media', 'pipe.png')]);
    await postWith('pipe', 'media/pipe.png');
    await writeFile(join(root, 'posts', 'media', 'huge.png'), '');
    await truncate(join(root, 'posts', 'media', 'huge.png'), SITE_MEDIA_MAX_BYTES + 1);
    await postWith('huge', 'media/huge.png');

    const site = await load();
    expect(site.media.map((m) => m.repoPath)).toEqual(['posts/media/tart.png']);
    expect(Buffer.from(site.media[0]!.bytes)).toEqual(tart);
    expect(site.problems.map((p) => `${p.file}:${p.line} ${p.message}`).sort()).toEqual([
      'posts/env.md:6 posts/media/env.png is a symbolic link to /proc/self/environ; media must be a regular file in the repository (not shown on the site)',
      'posts/git.md:6 posts/media/git.png is a symbolic link to ../../.git/config; media must be a regular file in the repository (not shown on the site)',
      'posts/huge.md:6 media file posts/media/huge.png is 16,777,217 bytes; at most 16,777,216 bytes is read (not shown on the site)',
      `posts/linked.md:6 posts/linked (a folder on the path of posts/linked/secret.png) is a symbolic link to ${outside}; media must be a regular file in the repository (not shown on the site)`,
      'posts/pipe.md:6 media path posts/media/pipe.png is a named pipe (fifo), not an image file (not shown on the site)',
    ]);
  });
});
