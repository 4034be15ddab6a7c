/**
 * The three output formats: human (finding + fix, per file what ran, a count line), json (one
 * array, nothing else on stdout), github (workflow commands, escaped, plus a job summary).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotation, escapeData, escapeProperty } from '../../src/check/format/github.ts';
import { formatHuman } from '../../src/check/format/human.ts';
import { diag } from '../../src/diagnostic/diagnostic.ts';
import { check, copyFixture, FIXTURES, runCli, runCommand } from './helpers.ts';

const ROOT = join(FIXTURES, 'rules');

describe('human', () => {
  it('prints file:line:column  severity  ruleId  message, an indented fix and a count; no per-file "ran:" and no --base jargon', async () => {
    const report = await check(ROOT, ['posts/length-fail.md', 'posts/length-pass.md']);
    expect(formatHuman(report)).toBe([
      'posts/length-fail.md',
      '  posts/length-fail.md:8:1  error  length  part 2 is 512/500 characters on mastodon',
      '      fix: Shorten part 2 by 12 characters, or split it into a thread with a line containing only `---`.',
      '',
      '2 files checked: 1 error, 0 warnings',
      '',
    ].join('\n'));
  });

  it('--verbose lists every file, what ran and why something was skipped', async () => {
    const report = await check(ROOT, ['posts/length-fail.md', 'posts/length-pass.md']);
    expect(formatHuman(report, [], true)).toBe([
      'posts/length-fail.md',
      '  posts/length-fail.md:8:1  error  length  part 2 is 512/500 characters on mastodon',
      '      fix: Shorten part 2 by 12 characters, or split it into a thread with a line containing only `---`.',
      '  ran: post-format, duplicate-id, length, media, alt-text, schedule, sensitive-topic, watchlist, lang, retext-equality, retext-profanities',
      '  schedule: no --base and not named on the command line, so it may be in the past',
      'posts/length-pass.md  ok',
      '  ran: post-format, duplicate-id, length, media, alt-text, schedule, sensitive-topic, watchlist, lang, retext-equality, retext-profanities',
      '  schedule: no --base and not named on the command line, so it may be in the past',
      '',
      '2 files checked: 1 error, 0 warnings',
      '',
    ].join('\n'));
    const cli = await runCommand(['posts/length-pass.md', '--verbose'], { root: ROOT });
    expect(cli.stdout).toContain('  ran: post-format');
    expect((await runCommand(['posts/length-pass.md'], { root: ROOT })).stdout).toBe('\n1 file checked: 0 errors, 0 warnings\n');
  });
});

describe('json', () => {
  it('is one JSON array of findings with the documented fields, and nothing else on stdout', async () => {
    const r = await runCli(['posts/english-fail.md', 'posts/length-pass.md', '--format', 'json'], { root: ROOT });
    expect(r.code).toBe(1);
    const list = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(list).toHaveLength(3);
    for (const d of list) {
      expect(Object.keys(d).sort()).toEqual(['column', 'file', 'fix', 'line', 'message', 'ruleId', 'severity', 'source']);
    }
    expect(list[2]).toEqual({ file: 'posts/english-fail.md', line: 8, column: 4, severity: 'error', ruleId: 'shit', source: 'retext-profanities', message: 'Don’t use `shit`, it’s profane', fix: expect.any(String) });
  });

  it('exit code 0 when there are only warnings', async () => {
    const r = await runCommand(['posts/sensitive-topic-fail.md', '--format', 'json'], { root: ROOT });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((d: { severity: string }) => d.severity)).toEqual(['warning', 'warning', 'warning']);
  });
});

describe('github', () => {
  it('escapes data (%, CR, LF) and properties (also : and ,) as @actions/core does', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('posts/a,b:c%.md')).toBe('posts/a%2Cb%3Ac%25.md');
  });

  it('one annotation per finding; a file name or message cannot inject another command', () => {
    const d = diag('posts/x,y:z.md', { line: 3, column: 7 }, 'error', 'length', 'too long\n::error::injected', 'cut 5%');
    expect(annotation(d)).toBe('::error file=posts/x%2Cy%3Az.md,line=3,col=7,title=copydesk length::too long%0A::error::injected%0AFix: cut 5%25');
    expect(annotation({ ...d, severity: 'warning' }).startsWith('::warning ')).toBe(true);
  });

  it('is the default in GitHub Actions, and appends a Markdown job summary', async () => {
    const root = await copyFixture('rules');
    const summary = join(root, 'summary.md');
    await writeFile(summary, 'earlier step\n');
    const r = await runCommand(['posts/english-fail.md', 'posts/ignore-accepted.md'], { root, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^::warning file=posts\/english-fail\.md,line=6,col=5,title=copydesk chairman-chairwoman::Unexpected potentially insensitive use of `chairman`/);
    expect(lines).toContain('::error file=posts/english-fail.md,line=8,col=4,title=copydesk shit::Don’t use `shit`, it’s profane%0AFix: Remove or replace the word; a profanity is an error and cannot be accepted with copydesk-ignore.');
    expect(lines.at(-1)).toBe('2 files checked: 1 error, 2 warnings, 1 accepted');
    const md = await readFile(summary, 'utf8');
    expect(md.startsWith('earlier step\n# copydesk check\n')).toBe(true);
    expect(md).toContain('| ❌ | `posts/english-fail.md:8:4` | `shit` |');
    expect(md).toContain('### Accepted warnings');
    expect(md).toContain('accepted: a light\\-hearted line about the weather, nothing religious');
    expect(md).toContain('## copydesk preview');
  });
});
