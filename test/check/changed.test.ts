/**
 * `--base REF`: only posts changed since REF are checked and must be in the future; a change to
 * the configuration or the code checks every post but still lets old posts be in the past.
 * Runs the real CLI in a throw-away git repository.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectsAllPosts, changedPostFiles, gitChangedFiles } from '../../src/check/changed-files.ts';
import { runCli, runCommand } from './helpers.ts';

let repo: string;

function git(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)));
  });
}

const post = (id: string, when: string, text = 'Fresh bread every morning.') => `---\nid: ${id}\npublish_at: "${when}"\nchannels: [bluesky]\n---\n${text}\n`;

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'copydesk-git-'));
  await mkdir(join(repo, 'posts'));
  await writeFile(join(repo, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  bluesky: {}\n');
  await writeFile(join(repo, 'posts', 'old.md'), post('old', '2026-06-01 09:00'));
  await writeFile(join(repo, 'posts', 'kept.md'), post('kept', '2027-03-01 09:00'));
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'base');
  await git('checkout', '-q', '-b', 'feature');
});
afterAll(() => rm(repo, { recursive: true, force: true }));

describe('changed files', () => {
  it('a new post is the only one checked; an old post in the past is left alone', async () => {
    await writeFile(join(repo, 'posts', 'new.md'), post('new', '2027-02-01 09:00'));
    await git('add', '-A');
    await git('commit', '-q', '-m', 'new post');
    const r = await runCli(['--base', 'main', '--verbose'], { root: repo });
    expect(r.stdout).toContain('note: 1 post file(s) changed since main');
    expect(r.stdout).toContain('posts/new.md  (changed)  ok');
    expect(r.stdout).not.toContain('posts/old.md');
    expect(r.stdout).toContain('1 file checked: 0 errors, 0 warnings');
    expect(r.code).toBe(0);
  });

  it('a changed post in the past fails', async () => {
    await writeFile(join(repo, 'posts', 'new.md'), post('new', '2026-12-31 09:00'));
    await git('commit', '-q', '-am', 'move it to the past');
    const r = await runCommand(['--base', 'main', '--format', 'json'], { root: repo });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ file: 'posts/new.md', line: 3, ruleId: 'schedule', message: expect.stringContaining('is in the past') })]);
  });

  it('a configuration change checks every post, but only changed posts must be in the future', async () => {
    await writeFile(join(repo, 'posts', 'new.md'), post('new', '2027-02-01 09:00'));
    await writeFile(join(repo, 'copydesk.config.yaml'), 'timezone: Europe/Warsaw\nchannels:\n  bluesky: {}\nwatchlist:\n  - term: bread\n    reason: bread shortage, 2027-01-01\n');
    await git('commit', '-q', '-am', 'watch "bread"');
    const r = await runCommand(['--base', 'main', '--format', 'json'], { root: repo });
    const list = JSON.parse(r.stdout) as { file: string; ruleId: string }[];
    // Every post now mentions a watched term: all three are checked; old.md is not "in the past".
    expect(list.map((d) => `${d.file} ${d.ruleId}`).sort()).toEqual(['posts/kept.md watchlist', 'posts/new.md watchlist', 'posts/old.md watchlist']);
    expect(r.code).toBe(1);
  });

  it('a base that does not exist is a clear message, not a crash', async () => {
    const r = await runCommand(['--base', 'no-such-branch'], { root: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^copydesk check: cannot list the files changed since no-such-branch: .*\n  fix: Fetch the base branch first/);
  });

  it('refuses a base that would be read as an option', async () => {
    expect(await gitChangedFiles(repo, '--output=/tmp/x')).toMatchObject({ ok: false, message: '--base "--output=/tmp/x" is not a git reference' });
  });

  it('decides which changes concern every post', () => {
    expect(affectsAllPosts(['posts/a.md', 'README.md'])).toBe(false);
    expect(affectsAllPosts(['copydesk.config.yaml'])).toBe(true);
    expect(affectsAllPosts(['src/check/rules/length.ts'])).toBe(true);
    expect(affectsAllPosts(['package-lock.json'])).toBe(true);
    expect(changedPostFiles(['posts/a.md', 'posts/README.md', 'posts/media/x.png', 'playbook/holding/outage.md', 'playbook/index.md'])).toEqual(['posts/a.md', 'playbook/holding/outage.md']);
  });
});
