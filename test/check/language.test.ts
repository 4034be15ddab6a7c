/**
 * English-only checks run only on English posts. A Polish post full of words the English lists
 * flag gets no English false positives, but every language-independent check still runs, and the
 * report says what was skipped and why.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEnglish } from '../../src/check/english/english-findings.ts';
import { formatHuman } from '../../src/check/format/human.ts';
import { check, FIXTURES, fileReport, runCommand } from './helpers.ts';

const ROOT = join(FIXTURES, 'rules');

describe('lang', () => {
  it('knows English tags', () => {
    expect(['en', 'en-GB', 'EN-us'].map(isEnglish)).toEqual([true, true, true]);
    expect(['pl', 'eng', 'de-EN', ''].map(isEnglish)).toEqual([false, false, false, false]);
  });

  it('a Polish post with English-flagged words gets sensitive-topic and watchlist, never equality or profanity', async () => {
    const report = await check(ROOT, ['posts/polish.md']);
    const f = fileReport(report, 'posts/polish.md');
    expect(f.findings.map((d) => [d.ruleId, d.message])).toEqual([
      ['sensitive-topic', '"Wybory" touches a sensitive topic (politics)'],
      ['watchlist', '"powódź" is on the watchlist: powódź na południu, 2027-02-03'],
    ]);
    expect(f.findings.some((d) => d.source.startsWith('retext'))).toBe(false);
    expect(f.checks.filter((c) => !c.ran)).toEqual([
      { id: 'retext-equality', ran: false, note: 'lang is "pl"; this check is English-only' },
      { id: 'retext-profanities', ran: false, note: 'lang is "pl"; this check is English-only' },
    ]);
    expect(f.checks.filter((c) => c.ran).map((c) => c.id)).toEqual(['post-format', 'duplicate-id', 'length', 'media', 'alt-text', 'schedule', 'sensitive-topic', 'watchlist', 'lang']);
    expect(formatHuman(report, [], true)).toContain('  skipped: retext-equality, retext-profanities (lang is "pl"; this check is English-only)');
  });

  it('the same words in an English post are flagged', async () => {
    const report = await check(ROOT, ['posts/english-fail.md']);
    expect(fileReport(report, 'posts/english-fail.md').findings.filter((d) => d.source.startsWith('retext')).length).toBe(3);
  });

  it('a too-long Polish post still fails length', async () => {
    const { copyFixture } = await import('./helpers.ts');
    const { writeFile } = await import('node:fs/promises');
    const root = await copyFixture('rules');
    await writeFile(join(root, 'posts', 'polish-long.md'), `---\nid: polish-long\npublish_at: "2027-04-02 09:00"\nchannels: [bluesky]\nlang: pl\n---\n${'Zażółć gęślą jaźń. '.repeat(20)}\n`);
    const r = await runCommand(['posts/polish-long.md', '--format', 'json'], { root });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([expect.objectContaining({ file: 'posts/polish-long.md', line: 7, ruleId: 'length', message: 'part 1 is 379/300 graphemes on bluesky' })]);
  });
});
