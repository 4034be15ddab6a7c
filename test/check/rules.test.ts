/**
 * Every rule against its passing and failing fixture post (test/fixtures/rules/posts/), through
 * the library: the finding a user sees, where it points and what it tells them to do.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { CheckReport } from '../../src/check/report.ts';
import { writeFile } from 'node:fs/promises';
import { check, copyFixture, FIXTURES, fileReport } from './helpers.ts';

const ROOT = join(FIXTURES, 'rules');
let report: CheckReport;

beforeAll(async () => {
  report = await check(ROOT);
});

const findings = (name: string, ruleId?: string) => fileReport(report, `posts/${name}.md`).findings.filter((d) => !ruleId || d.ruleId === ruleId);

describe('passing fixtures', () => {
  it.each(['length-pass', 'media-pass', 'alt-text-pass', 'schedule-pass', 'sensitive-topic-pass', 'watchlist-pass', 'english-pass', 'duplicate-a', 'schedule-past'])('%s has no findings', (name) => {
    expect(findings(name)).toEqual([]);
  });
});

describe('length', () => {
  it('names the part, the count, the limit and the network, and says how much to cut', () => {
    const [d, ...rest] = findings('length-fail');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', ruleId: 'length', line: 8, message: 'part 2 is 512/500 characters on mastodon' });
    expect(d!.fix).toContain('Shorten part 2 by 12 characters');
    expect(d!.fix).toContain('`---`');
  });
});

describe('media', () => {
  it('reports a missing file at its line', () => {
    expect(findings('media-fail-missing')).toEqual([expect.objectContaining({ severity: 'error', ruleId: 'media', line: 6, message: 'media file media/missing.png does not exist' })]);
  });
  it('reports an unknown type, and a type one of the networks refuses', () => {
    const [bmp, mp4, ...rest] = findings('media-fail-type');
    expect(rest).toEqual([]);
    expect(bmp).toMatchObject({ line: 6, message: 'media file media/scan.bmp has a type copydesk cannot publish' });
    expect(mp4).toMatchObject({ line: 8, message: 'bluesky does not accept video/mp4 (media/clip.mp4)' });
  });
  it('reports a file larger than a network accepts, naming both sizes', async () => {
    const root = await copyFixture('rules');
    // 2,000,001 bytes: one over Bluesky's image limit, far under Mastodon's (copydesk never reads the content).
    await writeFile(join(root, 'media', 'big.png'), Buffer.alloc(2_000_001));
    await writeFile(join(root, 'posts', 'media-big.md'), '---\nid: media-big\npublish_at: "2027-04-03 09:00"\nchannels: [mastodon, bluesky]\nmedia:\n  - path: ../media/big.png\n    alt: A very detailed photo of the whole bakery counter.\n---\nEverything we bake, in one picture.\n');
    const r = await check(root, ['posts/media-big.md']);
    expect(fileReport(r, 'posts/media-big.md').findings).toEqual([expect.objectContaining({ severity: 'error', ruleId: 'media', line: 6, message: 'media file media/big.png is 2,000,001 bytes; bluesky accepts at most 2,000,000 bytes for image/png', fix: 'Compress or resize it below 2,000,000 bytes.' })]);
  });
  it('reports more files than the network allows, at the first one too many', () => {
    expect(findings('media-fail-count')).toEqual([expect.objectContaining({ ruleId: 'media', line: 14, message: 'part 1 has 5 media files; bluesky allows at most 4 per post' })]);
  });
});

describe('alt-text', () => {
  it('refuses empty, file-name, placeholder and too-short alt texts, each at its own line', () => {
    const list = findings('alt-text-fail');
    expect(list.map((d) => [d.ruleId, d.line])).toEqual([['alt-text', 7], ['alt-text', 9], ['alt-text', 11], ['alt-text', 13]]);
    expect(list.map((d) => d.message)).toEqual([
      'media 1 (tart.png) has no alt text',
      'the alt text of media 2 (tart.png) is just the file name',
      'the alt text of media 3 (tart.png) is a placeholder ("Image")',
      'the alt text of media 4 (tart.png) is too short to describe anything ("A tart", 6 characters; at least 10)',
    ]);
    expect(list.every((d) => d.severity === 'error' && d.fix?.includes('Describe what the picture shows'))).toBe(true);
  });
  it('refuses a camera file name', () => {
    expect(findings('alt-text-fail-camera')).toEqual([expect.objectContaining({ ruleId: 'alt-text', message: 'the alt text of media 1 (tart.png) is a placeholder ("IMG_1234")' })]);
  });
});

describe('schedule', () => {
  it('refuses expires before publish_at, at the expires line', () => {
    expect(findings('schedule-fail-expires')).toEqual([expect.objectContaining({ severity: 'error', ruleId: 'schedule', line: 4 })]);
    expect(findings('schedule-fail-expires')[0]!.message).toContain('would expire before it goes out');
  });
  it('warns about a quiet period, naming it', () => {
    const [d] = findings('schedule-quiet');
    expect(d).toMatchObject({ severity: 'warning', ruleId: 'schedule', line: 3 });
    expect(d!.message).toContain('quiet period "Christmas closure"');
  });
  it('warns about two posts on the same network too close together, naming the other post', () => {
    const [a] = findings('spacing-a');
    const [b] = findings('spacing-b');
    expect(a!.message).toMatch(/^goes out 30 min before posts\/spacing-b\.md \(id spacing-b, 2027-03-01 09:30 Europe\/Warsaw/);
    expect(b!.message).toMatch(/^goes out 30 min after posts\/spacing-a\.md .* on bluesky; keep at least 60 min/);
    expect(a!.severity).toBe('warning');
  });
  it('a changed post in the past is an error; the same post unchanged is not reported', async () => {
    const changed = await check(ROOT, ['posts/schedule-past.md'], ['posts/schedule-past.md']);
    const [d, ...rest] = fileReport(changed, 'posts/schedule-past.md').findings;
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', ruleId: 'schedule', line: 3 });
    expect(d!.message).toMatch(/^`publish_at` 2026-06-01 09:00 Europe\/Warsaw \(UTC\+02:00\) is in the past \(214 days ago\)/);
    const unchanged = await check(ROOT, ['posts/schedule-past.md'], []);
    expect(fileReport(unchanged, 'posts/schedule-past.md').findings).toEqual([]);
  });
  it('spacing considers every post of the repository, not only the ones checked', async () => {
    const only = await check(ROOT, ['posts/spacing-b.md'], ['posts/spacing-b.md']);
    expect(fileReport(only, 'posts/spacing-b.md').findings.map((d) => d.message)).toEqual([expect.stringContaining('posts/spacing-a.md')]);
  });
});

describe('duplicate-id', () => {
  it('reports the later file naming the first', () => {
    expect(findings('duplicate-b')).toEqual([expect.objectContaining({ severity: 'error', ruleId: 'duplicate-id', line: 2, message: 'id "duplicate" is already used by posts/duplicate-a.md' })]);
  });
  it('also tells a checked post when an unchecked one reuses its id', async () => {
    const only = await check(ROOT, ['posts/duplicate-a.md']);
    expect(fileReport(only, 'posts/duplicate-a.md').findings).toEqual([expect.objectContaining({ ruleId: 'duplicate-id', message: 'id "duplicate" is also used by posts/duplicate-b.md' })]);
  });
});

describe('sensitive-topic', () => {
  it('matches whole words in any case (and across spaces), naming topic and word', () => {
    const list = findings('sensitive-topic-fail');
    expect(list.map((d) => [d.line, d.column, d.message])).toEqual([
      [6, 21, '"Election" touches a sensitive topic (politics)'],
      [8, 20, '"pray" touches a sensitive topic (religion)'],
      [9, 1, '"prime   minister" touches a sensitive topic (politics)'],
    ]);
    expect(list.every((d) => d.severity === 'warning' && d.ruleId === 'sensitive-topic')).toBe(true);
  });
});

describe('watchlist', () => {
  it('is an error with the reason, in the text and in alt text', () => {
    const list = findings('watchlist-fail');
    expect(list.map((d) => [d.severity, d.line, d.message])).toEqual([
      ['error', 7, 'alt text of media 1: "flood" is on the watchlist: flooding in the region, 2027-02-03'],
      ['error', 9, '"Flood" is on the watchlist: flooding in the region, 2027-02-03'],
    ]);
  });
});

describe('English checks', () => {
  it('equality findings are warnings, likely profanity an error, possible profanity a warning', () => {
    const list = findings('english-fail');
    expect(list.map((d) => [d.line, d.column, d.severity, d.ruleId, d.source])).toEqual([
      [6, 5, 'warning', 'chairman-chairwoman', 'retext-equality'],
      // "his bread" is not flagged: `her-him` is in the default `english.allow` (pronouns about real people).
      [6, 32, 'warning', 'damn', 'retext-profanities'],
      [8, 4, 'error', 'shit', 'retext-profanities'],
    ]);
    expect(list[2]!.message).toBe('Don’t use `shit`, it’s profane');
  });
  it('says which checks ran', () => {
    expect(fileReport(report, 'posts/english-fail.md').checks.filter((c) => !c.ran)).toEqual([]);
  });
});
