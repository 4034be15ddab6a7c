/**
 * Media is part of what the second reader approves: a pull request that changes only an image
 * (swaps it for another file, a symlink, a folder link, renames or deletes it) must re-check every
 * post that references it. Real git repository, real CLI (`copydesk check --base main`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postsReferencingMedia } from '../../src/check/changed-files.ts';
import { runCommand } from './helpers.ts';

let repo: string;

function git(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)));
  });
}

/** A 1×1 PNG (the check reads only the name and size; the bytes differ per `seed`). */
const png = (seed: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, seed)]);

const post = (id: string, media: string) =>
  `---\nid: ${id}\npublish_at: "2027-03-01 09:00"\nchannels: [bluesky]\nmedia:\n  - path: ${media}\n    alt: The new bread counter, full in the morning.\n---\nFresh bread every morning.\n`;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'copydesk-media-git-'));
  await mkdir(join(repo, 'posts', 'media'), { recursive: true });
  await writeFile(join(repo, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  bluesky: {}\n');
  await writeFile(join(repo, 'posts', 'counter.md'), post('counter', 'media/x.png'));
  await writeFile(join(repo, 'posts', 'other.md'), post('other', 'media/y.png'));
  await writeFile(join(repo, 'posts', 'media', 'x.png'), png(1));
  await writeFile(join(repo, 'posts', 'media', 'y.png'), png(2));
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'base');
});
afterAll(() => rm(repo, { recursive: true, force: true }));

beforeEach(async () => {
  await git('checkout', '-q', '-f', 'main');
  await git('clean', '-fdq');
  await git('checkout', '-q', '-B', 'pr');
});

async function commit(message: string): Promise<void> {
  await git('add', '-A');
  await git('commit', '-q', '-m', message);
}

describe('a pull request that changes only media', () => {
  it('an image swapped for a symlink to /proc/self/environ fails the post that references it, naming file, line and field', async () => {
    await unlink(join(repo, 'posts', 'media', 'x.png'));
    await symlink('/proc/self/environ', join(repo, 'posts', 'media', 'x.png'));
    await commit('nicer picture');
    const r = await runCommand(['--base', 'main', '--format', 'json'], { root: repo });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      expect.objectContaining({
        file: 'posts/counter.md',
        line: 6,
        ruleId: 'media',
        message: expect.stringMatching(/^`media\[0\]\.path`: posts\/media\/x\.png is a symbolic link/),
        fix: expect.stringContaining('Replace the link with the image file itself'),
      }),
    ]);
    const human = await runCommand(['--base', 'main'], { root: repo });
    expect(human.stdout).toContain('1 post file(s) changed since main (1 because a media file they use changed)');
    expect(human.stdout).not.toContain('posts/other.md');
  });

  it('an image replaced by a different file re-checks the post (and passes when the file is fine)', async () => {
    await writeFile(join(repo, 'posts', 'media', 'y.png'), png(9));
    await commit('other picture');
    const r = await runCommand(['--base', 'main', '--verbose'], { root: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('posts/other.md  (changed)  ok');
    expect(r.stdout).not.toContain('posts/counter.md');
  });

  it('the media folder replaced by a link to /etc fails every post using it', async () => {
    await rm(join(repo, 'posts', 'media'), { recursive: true });
    await symlink('/etc', join(repo, 'posts', 'media'));
    await commit('media elsewhere');
    const r = await runCommand(['--base', 'main', '--format', 'json'], { root: repo });
    expect(r.code).toBe(1);
    const found = JSON.parse(r.stdout) as { file: string; line: number; message: string }[];
    expect(found.map((d) => `${d.file}:${d.line}`).sort()).toEqual(['posts/counter.md:6', 'posts/other.md:6']);
    expect(found[0]!.message).toMatch(/posts\/media \(a folder on the path of posts\/media\/x\.png\) is a symbolic link to \/etc/);
  });

  it('a renamed image re-checks the post that still uses the old name', async () => {
    await git('mv', 'posts/media/x.png', 'posts/media/z.png');
    await commit('rename');
    const r = await runCommand(['--base', 'main', '--format', 'json'], { root: repo });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ file: 'posts/counter.md', line: 6, message: 'media file posts/media/x.png does not exist' })]);
  });
});

describe('postsReferencingMedia', () => {
  it('matches a changed file or a changed folder above it, never a mere prefix of a name', () => {
    const posts = [
      { file: 'posts/a.md', media: [{ repoPath: 'posts/media/x.png' }] },
      { file: 'posts/b.md', media: [{ repoPath: 'posts/media-old/x.png' }] },
      { file: 'posts/c.md', media: [] },
    ];
    expect(postsReferencingMedia(posts, ['posts/media/x.png'])).toEqual(['posts/a.md']);
    expect(postsReferencingMedia(posts, ['posts/media'])).toEqual(['posts/a.md']);
    expect(postsReferencingMedia(posts, ['posts/med'])).toEqual([]);
  });
});
