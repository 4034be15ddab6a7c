/**
 * Bad input never crashes: each broken post gives one clear message with its line and a fix, the
 * other files are still checked, the exit code is 1 and no stack trace is printed.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
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
    expect(r.stdout).toContain('posts/linked.md:6:1  error  media  media file posts/media/linked.png resolves to a file outside the repository (through a symbolic link)');
    expect(r.stdout).toContain('posts/empty.md:1:1  error  post-format  the file is empty');
    expect(r.stdout).toContain('3 files checked: 3 errors, 0 warnings');
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
    expect(r.stdout).toContain('posts/nope.md:1:1  error  post-format  cannot read the file (ENOENT)');
  });
});
