import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.ts';
import { parsePost } from '../../src/post/parse-post.ts';

const config = { ...defaultConfig(), timezone: 'Europe/Warsaw' };
const parse = (text: string, file = 'posts/a.md') => parsePost({ file, root: '/repo', bytes: new TextEncoder().encode(text), config });

describe('parsePost', () => {
  it('reads a post with a local time in the team zone and splits a thread', () => {
    const r = parse('---\nid: launch\npublish_at: 2027-01-14 09:00\nchannels: [bluesky, mastodon]\ntags: [promo]\n---\nFirst part.\n---\nSecond part.\n\n---\n\nThird.\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // Unquoted: YAML must not turn it into a UTC date.
    expect(new Date(r.post.publishAt!).toISOString()).toBe('2027-01-14T08:00:00.000Z');
    expect(r.post.parts.map((p) => p.text)).toEqual(['First part.', 'Second part.', 'Third.']);
    expect(r.post.parts.map((p) => p.line)).toEqual([7, 9, 13]);
    expect(r.post.channels).toEqual(['bluesky', 'mastodon']);
  });

  it('names the line and suggests the field for a typo', () => {
    const r = parse('---\nid: x\npublsh_at: "2027-01-14 09:00"\nchannels: [bluesky]\n---\nHi\n');
    expect(r.ok).toBe(false);
    const typo = r.problems.find((p) => p.message.includes('publsh_at'))!;
    expect(typo).toMatchObject({ line: 3, severity: 'error', ruleId: 'unknown-field' });
    expect(typo.fix).toContain('publish_at');
  });

  it('lists the valid channels for an unknown one', () => {
    const r = parse('---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky, myspace]\n---\nHi\n');
    expect(r.ok).toBe(false);
    const p = r.problems.find((d) => d.ruleId === 'channels')!;
    expect(p.message).toContain('myspace');
    expect(p.fix).toContain('bluesky, mastodon');
  });

  it('reports a DST gap at the publish_at line', () => {
    const r = parse('---\nid: x\nchannels: [bluesky]\npublish_at: "2027-03-28 02:30"\n---\nHi\n');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ line: 4, ruleId: 'publish-at' });
  });

  it('refuses wrong types with the field named', () => {
    const r = parse('---\nid: [a]\npublish_at: 2027\nchannels: {a: 1}\ndraft: maybe\ntags: {x: 1}\nmedia: photo.png\nlang: 12345678901\n---\nHi\n');
    expect(r.ok).toBe(false);
    const lines = r.problems.map((p) => p.line);
    for (const l of [2, 3, 4, 5, 6, 7]) expect(lines).toContain(l);
  });

  it('refuses media outside the repository', () => {
    const r = parse('---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky]\nmedia:\n  - path: ../../../etc/passwd\n    alt: a file\n---\nHi\n', 'posts/a.md');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ line: 6, ruleId: 'media' });
  });

  it('gives one clear error for empty, binary and invalid YAML files', () => {
    expect(parse('').problems[0]!.message).toContain('empty');
    expect(parsePost({ file: 'posts/b.md', root: '/r', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]), config }).problems[0]!.message).toContain('binary');
    const y = parse('---\nid: x\nchannels: [bluesky\n---\nHi\n');
    expect(y.ok).toBe(false);
    expect(y.problems[0]!.ruleId).toBe('yaml');
    expect(y.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('collects accepted warnings and requires a reason', () => {
    const ok = parse('---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky]\n---\nHi <!-- copydesk-ignore sensitive-topic: charity event at the church hall -->\n');
    expect(ok.ok && ok.post.ignores).toEqual([{ ruleId: 'sensitive-topic', reason: 'charity event at the church hall', line: 6 }]);
    expect(ok.ok && ok.post.parts[0]!.text).toBe('Hi');
    const bad = parse('---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky]\n---\nHi <!-- copydesk-ignore sensitive-topic -->\n');
    expect(bad.ok).toBe(false);
  });

  it('lets drafts and holding statements omit publish_at, but not posts', () => {
    expect(parse('---\nid: x\nchannels: [bluesky]\ndraft: true\n---\nHi\n').ok).toBe(true);
    expect(parse('---\nid: x\nchannels: [bluesky]\n---\nHi\n').ok).toBe(false);
    expect(parsePost({ file: 'playbook/holding/a.md', root: '/r', bytes: new TextEncoder().encode('---\nid: x\nchannels: [bluesky]\n---\nHi\n'), config, kind: 'holding' }).ok).toBe(true);
  });
});

describe('hostile content is refused before it costs anything', () => {
  const holding = (text: string) => parsePost({ file: 'playbook/holding/a.md', root: '/repo', bytes: new TextEncoder().encode(text), config, kind: 'holding' });
  it('holding statements: no front-matter engine, no alias', () => {
    for (const engine of ['js', 'javascript', 'coffee']) {
      const r = holding(`---${engine}\n{ id: 'x' }\n---\nWe are closed today.\n`);
      expect(r.ok).toBe(false);
      expect(r.problems[0]!.message).toContain(`\`---${engine}\``);
    }
    const alias = holding('---\nid: x\nchannels: [bluesky]\nlang: &l en\ntags: [*l]\n---\nWe are closed today.\n');
    expect(alias.problems.map((p) => [p.line, p.column, p.message])).toEqual([[5, 8, '`tags`: aliases are not allowed in holding statement front matter: write the value out instead of `*l`']]);
  });
  it('text is cleaned the same way, whatever the whitespace and comments', () => {
    const r = parse(`---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky]\n---\n\n\nHi  \t\n\n\n\n<!-- note -->there <!-- copydesk-ignore spacing: launch day -->\n${' '.repeat(4_000)}\n<!-- never closed\n`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.post.parts[0]!.text).toBe('Hi\n\nthere\n\n<!-- never closed');
    expect(r.post.parts[0]!.line).toBe(8);
    expect(r.post.ignores).toEqual([{ ruleId: 'spacing', reason: 'launch day', line: 12 }]);
  });
  it('parts, characters and nesting are bounded, with the line and a fix', () => {
    const fm = '---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky]\n---\n';
    const first = (text: string) => {
      const r = parse(fm + text);
      expect(r.ok).toBe(false);
      return r.problems.map((p) => [p.line, p.message]);
    };
    expect(first(Array(51).fill('part').join('\n---\n'))).toEqual([[6, 'the thread has 51 parts; a post may have at most 50']]);
    expect(first(`Hello\n---\n${'.'.repeat(5001)}`)).toEqual([[8, 'thread part 2 is 5,001 characters; a part may be at most 5,000 (no network accepts more)']]);
    expect(first(Array(3).fill('a'.repeat(4000)).join('\n---\n'))).toEqual([[6, 'the post text is 12,002 characters in all; a post may have at most 10,000']]);
    expect(first(`Hi\n\n${'> '.repeat(21)}deep`)).toEqual([[8, 'this line nests 21 quotes or list items; at most 20 are allowed']]);
    // Emoji families are counted as people see them: 1,000 families are 1,000 characters.
    expect(parse(fm + '👨‍👩‍👧‍👦'.repeat(1000)).problems.filter((p) => p.ruleId === 'post-format')).toEqual([]);
  });
});

describe('a front-matter block missing its closing `---`', () => {
  it('says exactly that, also when a thread separator further down was taken for it', () => {
    const r = parse('---\nid: x\npublish_at: "2027-01-14 09:00"\nchannels: [bluesky]\n\nOur spring menu starts on Monday.\n---\nSecond part.\n');
    expect(r.problems.map((p) => [p.line, p.message, p.fix])).toEqual([[6, 'the front-matter is not closed before line 6: "Our spring menu starts on Monday." is post text, not a `field: value` line', 'Add a line holding only `---` after the last field (line 4), before the text.']]);
    const none = parse('---\nid: x\nchannels: [bluesky]\n\nJust text, no closing line.\n');
    expect(none.problems.map((p) => p.message)).toEqual(['the front-matter is not closed: the post has no `---` line after its fields (the front-matter opens on line 1)']);
  });
});
