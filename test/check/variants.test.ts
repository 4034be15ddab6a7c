/**
 * The check on per-network text: every rule that reads text reads what each network gets, and
 * points at the variant's own line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPreview } from '../../src/check/preview.ts';
import { check, configOf, copyFixture, fileReport } from './helpers.ts';

const head = (id: string, at = '2027-02-10 09:00') => `---\nid: ${id}\npublish_at: "${at}"\nchannels: [bluesky, mastodon]\n---\n`;

describe('the check reads the text each network gets', () => {
  it('flags a Bluesky variant over 300 graphemes on the variant\'s line, while the shared text is fine', async () => {
    const root = await copyFixture('rules');
    const long = 'Our sourdough takes three days. '.repeat(12).trim();
    await writeFile(join(root, 'posts', 'v-length.md'), `${head('v-length')}Sourdough, three days in the making.\n\n::: bluesky\n${long}\n:::\n`);
    const report = await check(root, ['posts/v-length.md']);
    const found = fileReport(report, 'posts/v-length.md').findings;
    const lengths = found.filter((d) => d.ruleId === 'length');
    expect(lengths).toHaveLength(1);
    expect(lengths[0]).toMatchObject({ severity: 'error', line: 9, message: `the bluesky text of part 1 is ${long.length}/300 graphemes on bluesky` });
    expect(lengths[0]!.fix).toContain('Shorten the bluesky text of part 1');
    // Mastodon gets the shared text: nothing to report there.
    expect(found.filter((d) => d.message.includes('mastodon'))).toEqual([]);
  });

  it('flags a watch-list term only in the Mastodon variant as on Mastodon, at its line and column', async () => {
    const root = await copyFixture('rules');
    await writeFile(join(root, 'posts', 'v-watch.md'), `${head('v-watch', '2027-02-11 09:00')}Open as usual today.\n::: mastodon\nOpen as usual, despite the flood warnings.\n:::\n`);
    const report = await check(root, ['posts/v-watch.md']);
    const [d, ...rest] = fileReport(report, 'posts/v-watch.md').findings.filter((x) => x.ruleId === 'watchlist');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', line: 8, column: 'Open as usual, despite the '.length + 1 });
    expect(d!.message).toBe('"flood" on mastodon is on the watchlist: flooding in the region, 2027-02-03');
  });

  it('reports a term in the shared text once, naming the networks that get it when another has its own text', async () => {
    const root = await copyFixture('rules');
    await writeFile(join(root, 'posts', 'v-topic.md'), `${head('v-topic', '2027-02-12 09:00')}Do not forget to vote on Sunday.\n::: mastodon\nSee you on Sunday.\n:::\n`);
    const report = await check(root, ['posts/v-topic.md']);
    const topics = fileReport(report, 'posts/v-topic.md').findings.filter((x) => x.ruleId === 'sensitive-topic');
    expect(topics.map((t) => [t.line, t.message])).toEqual([[6, '"vote" on bluesky touches a sensitive topic (politics)']]);
  });

  it('an English finding only in the Mastodon text says it is on Mastodon, at its line and column', async () => {
    const root = await copyFixture('rules');
    await writeFile(join(root, 'posts', 'v-english.md'), `${head('v-english', '2027-02-14 09:00')}What a day at the bakery.\n\n::: mastodon\nWhat a damn fine day at the bakery.\n:::\n`);
    const report = await check(root, ['posts/v-english.md']);
    const found = fileReport(report, 'posts/v-english.md').findings.filter((d) => d.source === 'retext-profanities');
    expect(found.map((d) => [d.line, d.column, d.message])).toEqual([[9, 8, 'Reconsider using `damn`, it may be profane (on mastodon)']]);
  });

  it('previews each network\'s text and counts each network on its own text', async () => {
    const root = await copyFixture('rules');
    await writeFile(join(root, 'posts', 'v-preview.md'), `${head('v-preview', '2027-02-13 09:00')}Hello from the bakery.\n::: mastodon\nHello from the bakery, fediverse friends! #bakery\n:::\n`);
    const report = await check(root, ['posts/v-preview.md']);
    const f = fileReport(report, 'posts/v-preview.md');
    const md = renderPreview({ posts: [f.post!], findingsByFile: new Map([[f.file, f.findings]]), allPosts: report.allPosts, config: await configOf(root), now: Date.parse('2027-01-01T00:00:00Z') });
    expect(md).toContain('On bluesky:\n\n```text\nHello from the bakery.\n```');
    expect(md).toContain('On mastodon:\n\n```text\nHello from the bakery, fediverse friends! #bakery\n```');
    expect(md).toMatch(/#### On bluesky\n\n\| Part \| Used \| Limit \| \|\n\|---\|---\|---\|---\|\n\| 1 \| 22 graphemes/);
    expect(md).toMatch(/#### On mastodon\n\n\| Part \| Used \| Limit \| \|\n\|---\|---\|---\|---\|\n\| 1 \| 49 characters/);
  });
});
