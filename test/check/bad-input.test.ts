/**
 * Bad input never crashes: each broken post gives one clear message with its line and a fix, the
 * other files are still checked, the exit code is 1 and no stack trace is printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../../src/check/report.ts';
import { check, copyFixture, FIXTURES, fileReport, runCli, runCommand } from './helpers.ts';

const ROOT = join(FIXTURES, 'bad-input');
let report: CheckReport;
beforeAll(async () => {
  report = await check(ROOT);
});

const only = (name: string) => {
  const list = fileReport(report, `posts/${name}`).findings;
  expect(list).toHaveLength(1);
  expect(list[0]!.severity).toBe('error');
  expect(list[0]!.fix).toBeTruthy();
  return list[0]!;
};

describe('one clear message per bad file', () => {
  it('invalid YAML: line and column of the mistake', () => {
    expect(only('invalid-yaml.md')).toMatchObject({ line: 4, column: 19, ruleId: 'yaml' });
  });
  it('a binary file', () => {
    expect(only('binary.md')).toMatchObject({ line: 1, message: 'this is a binary file, not a Markdown post' });
  });
  it('an empty file', () => {
    expect(only('empty.md')).toMatchObject({ line: 1, message: 'the file is empty' });
  });
  it('no front-matter', () => {
    expect(only('no-front-matter.md')).toMatchObject({ line: 1, message: 'the post has no front-matter' });
  });
  it('a media path escaping the repository', () => {
    expect(only('media-escape.md')).toMatchObject({ line: 6, ruleId: 'media', message: 'media path "../../../../../etc/passwd.png" points outside the repository' });
  });
  it('a misspelt field: one message that says what to rename it to', () => {
    expect(only('publsh-at-typo.md')).toMatchObject({ line: 3, ruleId: 'unknown-field', message: 'unknown field `publsh_at`', fix: 'Did you mean `publish_at`? Rename the field.' });
  });
  it('a local time skipped by daylight saving time', () => {
    const d = only('dst-gap.md');
    expect(d).toMatchObject({ line: 3, ruleId: 'publish-at' });
    expect(d.message).toBe('`publish_at`: 2027-03-28 02:30 does not exist in Europe/Warsaw: the clocks skip that hour (daylight saving time starts)');
    expect(d.fix).toContain('2027-03-28T02:30:00+01:00');
  });
  it('an ambiguous local time when daylight saving time ends', () => {
    const d = only('dst-ambiguous.md');
    expect(d.message).toBe('`publish_at`: 2027-10-31 02:30 happens twice in Europe/Warsaw (daylight saving time ends): it is ambiguous');
    expect(d.fix).toBe('Write the offset you mean: 2027-10-31T02:30:00+02:00 (first) or 2027-10-31T02:30:00+01:00 (second).');
  });
  it('a wrong type in every field: one message per field, at its line', () => {
    const list = fileReport(report, 'posts/wrong-types.md').findings;
    expect(list.map((d) => [d.line, d.message])).toEqual([
      [2, '`id` must be text, not a list'],
      [3, '`publish_at` must be a date-time in quotes, not a number'],
      [4, '`timezone` must be text, not a list'],
      [5, '`channels` must be a list of words, not a mapping'],
      [6, '`expires` must be a date-time in quotes, not a boolean'],
      [7, '`media` must be a list'],
      [8, '`lang` must be text, not a list'],
      [9, '`draft` must be true or false, not the text "yes"'],
      [10, '`tags` must be a list of words, not a mapping'],
    ]);
    expect(list.every((d) => d.severity === 'error' && d.fix)).toBe(true);
  });
  it('a YAML alias, even `tags: *new*`: the field, its position and what to write instead', () => {
    expect(only('alias-tags.md')).toMatchObject({ line: 5, column: 7, ruleId: 'yaml', message: '`tags`: aliases are not allowed in post front matter: write the value out instead of `*new*`' });
  });
  it('a billion laughs: one message at the first alias, nothing expanded', () => {
    expect(only('alias-bomb.md')).toMatchObject({ line: 6, column: 12, message: '`lol1`: aliases are not allowed in post front matter: write the value out instead of `*l0` (and 81 more)' });
  });
  it('JavaScript front-matter is refused, never run', () => {
    expect(only('js-engine.md').message).toMatch(/^the front-matter starts with `---js`: .* content files never run code$/);
    expect(existsSync(join(tmpdir(), 'copydesk-js-engine-ran.txt'))).toBe(false);
  });
  it('a front-matter block missing its closing `---` says exactly that', () => {
    expect(only('not-closed.md')).toMatchObject({ line: 1, message: 'the front-matter is not closed: the post has no `---` line after its fields (the front-matter opens on line 1)', fix: 'Add a line holding only `---` after the last field, before the text.' });
  });
  it('the good post among the bad ones passes', () => {
    expect(fileReport(report, 'posts/good.md').findings).toEqual([]);
  });
  it('a file that did not parse says the other checks were skipped, and why', () => {
    expect(fileReport(report, 'posts/binary.md').checks.filter((c) => !c.ran).map((c) => c.note)).toEqual(Array(10).fill('the file did not parse'));
  });
});

describe('through the real CLI', () => {
  it('a 5 MB file and a symlink to a file outside the repository: clear errors, exit 1, no stack trace', async () => {
    const root = await copyFixture('bad-input');
    await writeFile(join(root, 'posts', 'huge.md'), `---\nid: huge\n---\n${'a'.repeat(5 * 1024 * 1024)}`);
    await mkdir(join(root, 'posts', 'media'));
    await symlink('/etc/hostname', join(root, 'posts', 'media', 'linked.png'));
    await writeFile(join(root, 'posts', 'linked.md'), '---\nid: linked\npublish_at: "2027-02-05 09:00"\nchannels: [bluesky]\nmedia:\n  - path: media/linked.png\n    alt: A photo of the shop window with the spring menu.\n---\nLook at our window.\n');
    const r = await runCli(['posts/huge.md', 'posts/linked.md', 'posts/empty.md'], { root });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(r.stdout).toContain('posts/huge.md:1:1  error  post-format  the file is 5.0 MB; a post file may be at most 256 KB');
    expect(r.stdout).toContain('posts/linked.md:6:1  error  media  `media[0].path`: posts/media/linked.png is a symbolic link to /etc/hostname; media must be a regular file in the repository');
    expect(r.stdout).toContain('posts/empty.md:1:1  error  post-format  the file is empty');
    expect(r.stdout).toContain('3 files checked: 3 errors, 0 warnings');
  });

  it('a symlinked post, a named pipe and a folder named like a post, in a whole-repository run: each told why, none read', async () => {
    const root = await copyFixture('bad-input');
    await symlink('good.md', join(root, 'posts', 'linked-post.md'));
    await symlink(join(tmpdir(), 'nowhere.md'), join(root, 'posts', 'dangling.md'));
    execFileSync('mkfifo', [join(root, 'posts', 'pipe.md')]);
    await mkdir(join(root, 'posts', 'folder.md'));
    const r = await runCli([], { root });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('posts/linked-post.md:1:1  error  post-format  posts/linked-post.md is a symbolic link: symbolic links are refused, because a link can show the check and the reviewer one text and publish another (or reach outside the repository)');
    expect(r.stdout).toContain('posts/dangling.md:1:1  error  post-format  posts/dangling.md is a symbolic link: symbolic links are refused');
    expect(r.stdout).toContain('posts/pipe.md:1:1  error  post-format  posts/pipe.md is a named pipe (fifo), not a plain file: it was not read');
    expect(r.stdout).not.toContain('folder.md');
    expect(r.stdout).not.toMatch(/EISDIR|ENOENT|ELOOP|\n\s+at /);
    await rm(join(root, 'posts', 'pipe.md'));
  });

  it('a folder named like a post, given by name: its posts are checked, no EISDIR', async () => {
    const root = await copyFixture('bad-input');
    await mkdir(join(root, 'posts', 'x.md'));
    await writeFile(join(root, 'posts', 'x.md', 'inside.md'), '---\nid: inside\npublish_at: "2027-02-03 09:00"\nchannels: [bluesky]\n---\nBread.\n');
    const r = await runCli(['posts/x.md', '--verbose'], { root });
    expect(r.stdout).toContain('posts/x.md/inside.md  (changed)  ok');
    expect(r.stdout).not.toMatch(/EISDIR/);
  });

  it('a broken configuration: file, line and fix, exit 1', async () => {
    const r = await runCli(['--format', 'json'], { root: join(FIXTURES, 'bad-config') });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([{ file: 'copydesk.config.yaml', line: 5, column: 21, severity: 'error', ruleId: 'config', source: 'yaml', message: 'invalid YAML: Nested mappings are not allowed in compact mappings', fix: expect.stringContaining('Fix the YAML') }]);
  });

  it('a path outside the repository and a missing file are findings, not crashes', async () => {
    const r = await runCommand(['../../etc/passwd', 'posts/nope.md'], { root: join(FIXTURES, 'bad-input') });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('../../etc/passwd:1:1  error  post-format  ../../etc/passwd is outside the repository');
    expect(r.stdout).toContain('posts/nope.md:1:1  error  post-format  posts/nope.md does not exist');
    expect(r.stdout).not.toMatch(/ENOENT|EISDIR/);
  });
});
