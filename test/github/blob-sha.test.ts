/** Hashing the files the gate compares: as git does, and never through a link, a fifo or `.git`. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { gitBlobShaOfFile } from '../../src/github/blob-sha.ts';

const run = promisify(execFile);
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'copydesk-blob-'));
  await mkdir(join(root, 'posts/media'), { recursive: true });
});
afterEach(() => rm(root, { recursive: true, force: true }));

const hash = (repoPath: string, max = 1_000_000) => gitBlobShaOfFile(root, repoPath, join(root, repoPath), max);

it('gives the id `git hash-object --no-filters` gives for a regular file', async () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 13, 10]);
  await writeFile(join(root, 'posts/media/a.png'), bytes);
  const { stdout } = await run('git', ['hash-object', '--no-filters', join(root, 'posts/media/a.png')]);
  expect(await hash('posts/media/a.png')).toEqual({ ok: true, sha: stdout.trim(), size: bytes.length });
});

it('refuses a symbolic link, and a file under a symlinked directory', async () => {
  await symlink('/etc/hostname', join(root, 'posts/media/link.png'));
  expect(await hash('posts/media/link.png')).toMatchObject({ ok: false, problem: 'symlink' });
  await mkdir(join(root, 'elsewhere'));
  await writeFile(join(root, 'elsewhere/b.png'), 'x');
  await symlink('../elsewhere', join(root, 'posts/linked'));
  expect(await hash('posts/linked/b.png')).toMatchObject({ ok: false, problem: 'symlink' });
});

it('answers at once for a fifo (never waits for a writer)', async () => {
  await run('mkfifo', [join(root, 'posts/media/pipe.png')]);
  expect(await hash('posts/media/pipe.png')).toMatchObject({ ok: false, problem: 'not-a-file' });
});

it('refuses paths inside .git, a missing file and one over the size limit', async () => {
  await mkdir(join(root, '.git'));
  await writeFile(join(root, '.git/config'), '[core]\n');
  expect(await hash('.git/config')).toMatchObject({ ok: false, problem: 'outside' });
  expect(await hash('posts/media/none.png')).toMatchObject({ ok: false, problem: 'missing' });
  await writeFile(join(root, 'posts/media/big.png'), new Uint8Array(2048));
  expect(await hash('posts/media/big.png', 1024)).toMatchObject({ ok: false, problem: 'too-large' });
});
