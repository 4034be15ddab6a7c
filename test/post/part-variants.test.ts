/**
 * Per-network text (`::: network` … `:::` blocks in a part): parsed by the one parser with true
 * positions, and every mistake a user can make named at its line with the fix.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import { networksAt, textFor } from '../../src/post/part-text.ts';
import { publishedSource } from '../../src/check/text-position.ts';

const config = { ...defaultConfig(), timezone: 'Europe/Warsaw' };
const parse = (body: string, channels = '[bluesky, mastodon]') =>
  parsePost({ file: 'posts/a.md', root: '/repo', bytes: new TextEncoder().encode(`---\nid: a\npublish_at: "2027-01-14 09:00"\nchannels: ${channels}\n---\n${body}`), config });

describe('per-network text', () => {
  it('reads a variant per network inside a part, with its own line and offsets; the others get the shared text', () => {
    const body = 'Fresh bread today 🍞\n\n::: mastodon\nFresh bread today 🍞 #bakery @friends@example.social\n:::\n---\nOpen until 18:00.\n';
    const r = parse(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [one, two] = r.post.parts;
    expect(one!.text).toBe('Fresh bread today 🍞');
    expect(one!.variants?.mastodon?.text).toBe('Fresh bread today 🍞 #bakery @friends@example.social');
    // Line 6 is the shared text, 8 the `::: mastodon` line, 9 the variant's text.
    expect(one!.line).toBe(6);
    expect(one!.variants?.mastodon?.line).toBe(9);
    expect(r.post.source.slice(one!.variants!.mastodon!.start, one!.variants!.mastodon!.end)).toBe('Fresh bread today 🍞 #bakery @friends@example.social\n');
    expect(one!.variants?.bluesky).toBeUndefined();
    expect(textFor(one!, 'bluesky')).toBe('Fresh bread today 🍞');
    expect(textFor(one!, 'mastodon')).toContain('#bakery');
    expect(two!.variants).toBeUndefined();
    expect(textFor(two!, 'mastodon')).toBe('Open until 18:00.');
    const at = r.post.source.indexOf('#bakery');
    expect(networksAt(r.post, at)).toEqual(['mastodon']);
    expect(networksAt(r.post, r.post.source.indexOf('Fresh'))).toEqual(['bluesky']);
  });

  it('lets every network have its own text and no shared text', () => {
    const r = parse('::: bluesky\nShort.\n:::\n::: mastodon\nA bit longer, for Mastodon.\n:::\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.post.parts[0]!.text).toBe('');
    expect(textFor(r.post.parts[0]!, 'bluesky')).toBe('Short.');
  });

  it('keeps marker lines out of the text the rules search, every text kept at its offset', () => {
    const r = parse('Shared words.\n::: mastodon\nMastodon words.\n:::\n');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const all = publishedSource(r.post);
    expect(all).not.toContain(':::');
    expect(all).toContain('Shared words.');
    expect(all).toContain('Mastodon words.');
    expect(all.length).toBe(r.post.source.length);
    expect(all.indexOf('Mastodon words.')).toBe(r.post.source.indexOf('Mastodon words.'));
  });

  it('a commented-out block is not a block', () => {
    const r = parse('Hello.\n<!--\n::: mastodon\nold text\n:::\n-->\n');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.post.parts[0]!.variants).toBeUndefined();
  });

  const problem = (body: string, channels?: string) => {
    const r = parse(body, channels);
    expect(r.ok).toBe(false);
    return r.problems.filter((d) => d.ruleId === 'variant');
  };

  it('refuses a variant for a network the post does not go to, naming the line and both fixes', () => {
    const [d, ...rest] = problem('Hi.\n::: mastodon\nHi Mastodon.\n:::\n', '[bluesky]');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ file: 'posts/a.md', line: 7, severity: 'error' });
    expect(d!.message).toContain('does not go to mastodon');
    expect(d!.fix).toContain('Add mastodon to `channels`');
  });

  it('refuses an unknown network and lists the known ones', () => {
    const [d] = problem('Hi.\n::: myspace\nHi.\n:::\n');
    expect(d).toMatchObject({ line: 7 });
    expect(d!.message).toContain('"myspace" is not a network');
    expect(d!.fix).toContain('bluesky, mastodon, threads, x, linkedin');
  });

  it('refuses an empty variant', () => {
    const [d] = problem('Hi.\n::: bluesky\n\n<!-- nothing yet -->\n:::\n');
    expect(d).toMatchObject({ line: 7 });
    expect(d!.message).toContain('the bluesky text is empty');
  });

  it('refuses an unclosed block, a stray close, a second block for the same network and a block across a thread separator', () => {
    expect(problem('Hi.\n::: bluesky\nHi Bluesky.\n')[0]).toMatchObject({ line: 7, message: expect.stringContaining('not closed') });
    expect(problem('Hi.\n:::\n')[0]).toMatchObject({ line: 7, message: expect.stringContaining('closes no per-network block') });
    expect(problem('Hi.\n::: bluesky\nA\n:::\n::: bluesky\nB\n:::\n')[0]).toMatchObject({ line: 10, message: expect.stringContaining('already has a text in this part (line 7)') });
    const across = problem('Hi.\n::: bluesky\nA\n---\nB\n:::\n');
    expect(across.map((d) => d.line)).toEqual([7, 11]);
  });

  it('still refuses a part whose shared text is empty when a network has no variant', () => {
    const r = parse('::: bluesky\nOnly Bluesky.\n:::\n');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ ruleId: 'empty-part', line: 6 });
  });
});

describe('per-network text, hostile files', () => {
  it('a part of nothing but `:::` lines gets a bounded list of problems, fast', () => {
    const body = Array.from({ length: 500 }, (_, i) => (i % 2 ? ':::' : '::: nowhere')).join('\n') + '\n';
    const t = process.cpuUsage();
    const r = parse(`Hi.\n${body}`);
    const cpuMs = (process.cpuUsage(t).user + process.cpuUsage(t).system) / 1000;
    expect(r.ok).toBe(false);
    expect(r.problems.map((d) => d.ruleId)).toEqual(Array(11).fill('variant'));
    expect(r.problems.at(-1)!.message).toMatch(/^and \d+ more problems/);
    expect(cpuMs).toBeLessThan(500);
  });

  it('thousands of comments and block lines in one part stay linear', () => {
    const body = Array.from({ length: 150 }, () => '<!-- c -->\n::: bluesky\nx\n:::').join('\n');
    const r = parse(`Hi.\n${body}\n`);
    // Refused (a second bluesky block in the part), with at most the capped list of problems.
    expect(r.ok).toBe(false);
    const variant = r.problems.filter((d) => d.ruleId === 'variant');
    expect(variant.length).toBe(11);
    expect(variant[0]!.message).toContain('already has a text in this part');
  });
});

describe('posts/README.md, "Per-network text"', () => {
  it('its example parses as the text says: Mastodon its own first part, Bluesky its own second part', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../posts/README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Per-network text'));
    const example = /```markdown\n([\s\S]*?)\n```\n/.exec(section)![1]!;
    const r = parsePost({ file: 'posts/rye.md', root: '/repo', bytes: new TextEncoder().encode(example + '\n'), config });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const [one, two] = r.post.parts as [NonNullable<typeof r.post.parts[0]>, NonNullable<typeof r.post.parts[1]>];
    expect(textFor(one, 'bluesky')).toBe('Rye is back 🍞 From 7:00 at the counter.');
    expect(textFor(one, 'mastodon')).toContain('@miller@mill.example');
    expect(textFor(two, 'mastodon')).toBe('Sunday we rest.');
    expect(textFor(two, 'bluesky')).toContain('@bakery-friends.bsky.social');
  });
});
