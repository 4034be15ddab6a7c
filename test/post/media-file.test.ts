/**
 * The one media reader: what it refuses, and that it refuses before reading. Real files, links,
 * fifos and sparse files on disk.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectMediaFile, readMediaFile, resolveMediaPath } from '../../src/post/media-file.ts';

const exec = promisify(execFile);
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'copydesk-media-file-'));
  await mkdir(join(root, '.git'));
  await writeFile(join(root, '.git', 'config'), '[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n');
  await mkdir(join(root, 'posts', 'media'), { recursive: true });
  await writeFile(join(root, 'posts', 'media', 'bread.png'), 'PNG bytes');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('resolveMediaPath', () => {
  it('resolves relative to the post, and refuses every way out of the repository or into .git', () => {
    expect(resolveMediaPath('posts/2027/a.md', '../media/bread.png')).toEqual({ ok: true, repoPath: 'posts/media/bread.png' });
    expect(resolveMediaPath('posts/a.md', 'media\\bread.png')).toEqual({ ok: true, repoPath: 'posts/media/bread.png' });
    expect(resolveMediaPath('posts/a.md', 'media/.gitkeep')).toEqual({ ok: true, repoPath: 'posts/media/.gitkeep' });
    const refused = (file: string, path: string) => {
      const r = resolveMediaPath(file, path);
      return r.ok ? `accepted ${r.repoPath}` : r.reason;
    };
    expect(refused('posts/a.md', '../.git/config')).toBe('media path "../.git/config" points into the .git folder (.git/config)');
    expect(refused('posts/2027/a.md', '../media/../../.GIT/config')).toBe('media path "../media/../../.GIT/config" points into the .git folder (.GIT/config)');
    expect(refused('posts/a.md', 'sub/.git/HEAD')).toBe('media path "sub/.git/HEAD" points into the .git folder (posts/sub/.git/HEAD)');
    expect(refused('posts/a.md', 'media/../../../etc/passwd')).toBe('media path "media/../../../etc/passwd" points outside the repository');
    expect(refused('posts/a.md', '/etc/passwd')).toBe('media path "/etc/passwd" points outside the repository');
    expect(refused('posts/a.md', 'C:\\Windows\\win.ini')).toBe('media path "C:\\Windows\\win.ini" points outside the repository');
    expect(refused('posts/a.md', 'x.png\0.md')).toBe('media path "x.png\0.md" contains a NUL character');
  });
});

describe('readMediaFile', () => {
  it('reads a regular file inside the repository, also when the root itself is reached through a link', async () => {
    expect(await readMediaFile(root, 'posts/media/bread.png', 100)).toMatchObject({ ok: true, size: 9, bytes: new Uint8Array(Buffer.from('PNG bytes')) });
    const linkedRoot = `${root}-link`;
    await symlink(root, linkedRoot);
    try {
      expect(await readMediaFile(linkedRoot, 'posts/media/bread.png', 9)).toMatchObject({ ok: true, size: 9 });
    } finally {
      await rm(linkedRoot);
    }
  });

  it('refuses a link to a file inside the repository too (the reviewer sees a link, not an image)', async () => {
    await symlink('bread.png', join(root, 'posts', 'media', 'alias.png'));
    expect(await readMediaFile(root, 'posts/media/alias.png', 100)).toMatchObject({ ok: false, code: 'symlink', reason: 'posts/media/alias.png is a symbolic link to bread.png; media must be a regular file in the repository' });
  });

  it('refuses .git even when asked directly, and a folder, without reading anything', async () => {
    expect(await readMediaFile(root, '.git/config', 1000)).toMatchObject({ ok: false, code: 'outside' });
    expect(await readMediaFile(root, 'posts/media', 1000)).toMatchObject({ ok: false, code: 'not-a-file', reason: 'media path posts/media is a folder, not an image file' });
    expect(await readMediaFile(root, 'posts/media/bread.png/x', 1000)).toMatchObject({ ok: false, code: 'missing' });
    expect(await readMediaFile(root, 'posts/media/none.png', 1000)).toMatchObject({ ok: false, code: 'missing', reason: 'media file posts/media/none.png does not exist' });
  });

  it('a fifo is refused at once, by the reader and by the inspection', async () => {
    await exec('mkfifo', [join(root, 'posts', 'media', 'pipe.png')]);
    expect(await readMediaFile(root, 'posts/media/pipe.png', 1000)).toMatchObject({ ok: false, code: 'not-a-file', reason: 'media path posts/media/pipe.png is a named pipe (fifo), not an image file' });
    expect(await inspectMediaFile(root, 'posts/media/pipe.png')).toMatchObject({ ok: false, code: 'not-a-file' });
  });

  it('enforces the limit from the file system before reading: a 50 GB sparse file is refused (reading it would exhaust memory)', async () => {
    const huge = join(root, 'posts', 'media', 'huge.png');
    await writeFile(huge, '');
    await truncate(huge, 50_000_000_000);
    expect(await readMediaFile(root, 'posts/media/huge.png', 2_000_000)).toEqual({
      ok: false, code: 'too-large', size: 50_000_000_000,
      reason: 'media file posts/media/huge.png is 50.0 GB; at most 2.0 MB is read', fix: 'Compress or resize it below 2.0 MB.',
    });
    expect(await readMediaFile(root, 'posts/media/bread.png', 8)).toMatchObject({ ok: false, code: 'too-large', reason: 'media file posts/media/bread.png is 9 bytes; at most 8 bytes is read' });
    expect(await readMediaFile(root, 'posts/media/bread.png', 9)).toMatchObject({ ok: true, size: 9 });
  });
});
