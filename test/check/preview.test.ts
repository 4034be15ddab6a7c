/**
 * The PR preview ("second reader"): what goes out when and where, how long each part is on each
 * network, media with alt text, what else goes out the same day, the findings, and escaping that
 * keeps a hostile post from breaking the comment or injecting HTML.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prJson } from '../../src/check/check-command.ts';
import { renderPreview } from '../../src/check/preview.ts';
import { defaultConfig } from '../../src/config/config.ts';
import { diag } from '../../src/diagnostic/diagnostic.ts';
import { copyFixture, NOW, postFrom, runCommand } from './helpers.ts';

const config = { ...defaultConfig(), timezone: 'Europe/Warsaw' };

describe('renderPreview', () => {
  it('shows when (team zone, UTC, relative), the networks, per network the lengths and the same-day posts', () => {
    const post = postFrom('Hello there 👋\n---\nSecond part.', { id: 'spring', publish_at: '"2027-01-02 09:00"' }, config);
    const sameDay = { ...postFrom('Other.', { id: 'other', publish_at: '"2027-01-02 17:30"', channels: '[mastodon]' }, config), file: 'posts/other.md' };
    const nextDay = { ...postFrom('Later.', { id: 'later', publish_at: '"2027-01-03 09:00"' }, config), file: 'posts/later.md' };
    const md = renderPreview({ posts: [post], findingsByFile: new Map(), allPosts: [post, sameDay, nextDay], config, now: NOW });
    expect(md).toContain('| Goes out | 2027\\-01\\-02 09\\:00 Europe/Warsaw \\(UTC\\+01\\:00\\) · 2027\\-01\\-02 08\\:00 UTC · in 32 h |');
    expect(md).toContain('| Networks | bluesky, mastodon |');
    expect(md).toContain('#### Text (a thread of 2 parts)');
    expect(md).toContain('**Part 2 of 2**\n\n```text\nSecond part.\n```');
    expect(md).toContain('#### On bluesky\n\n| Part | Used | Limit | |\n|---|---|---|---|\n| 1 | 13 graphemes · 16 bytes | 300 graphemes · 3000 bytes | ✅ |\n| 2 | 12 graphemes · 12 bytes | 300 graphemes · 3000 bytes | ✅ |');
    expect(md).toContain('| 1 | 13 characters | 500 characters | ✅ |');
    expect(md).toContain('Nothing else is scheduled on bluesky on 2027-01-02.');
    expect(md).toContain('Also on mastodon on 2027-01-02:\n- 17:30 `posts/other.md` (id `other`)');
    expect(md).not.toContain('posts/later.md');
    expect(md).toContain('#### Findings\n\nNone.');
  });

  it('lists media with alt text, and the findings with their fix', () => {
    const post = postFrom('Tart!', { media: '\n  - path: ../media/tart.png\n    alt: A tart on a counter, seen from above.' }, config);
    const d = diag(post.file, { line: 4 }, 'error', 'length', 'part 1 is 301/300 graphemes on bluesky', 'Shorten part 1 by 1 graphemes.');
    const md = renderPreview({ posts: [post], findingsByFile: new Map([[post.file, [d]]]), allPosts: [post], config, now: NOW });
    expect(md).toContain('1. 🖼️ `tart.png` (image/png), alt text:\n\n```text\nA tart on a counter, seen from above.\n```');
    expect(md).toContain('| Check | ❌ 1 error |');
    expect(md).toContain('- ❌ line 4: **length** part 1 is 301/300 graphemes on bluesky<br>Fix: Shorten part 1 by 1 graphemes\\.');
    expect(md).toContain('Media: 1 (at most 4 per post on bluesky).');
  });

  it('a post cannot close the fence, inject HTML, mention people or break a table', () => {
    const evil = 'Look ```` here\n</details><script>alert(1)</script> @everyone #1\n````\n| a | b |';
    const post = postFrom(evil, { id: 'evil', tags: '["<img src=x onerror=alert(1)>", "a|b"]', media: '\n  - path: ../media/x.png\n    alt: "``` <b>bold</b> @team | pipe"' }, config);
    const md = renderPreview({ posts: [post], findingsByFile: new Map([[post.file, [diag(post.file, { line: 1 }, 'warning', 'x', '<b>@owner</b> | [link](http://evil)')]]]), allPosts: [post], config, now: NOW });
    // The text sits in a fence longer than any backtick run inside it.
    expect(md).toContain('`````text\nLook ```` here\n</details><script>alert(1)</script> @everyone #1\n````\n| a | b |\n`````');
    // Outside code blocks and code spans (where GitHub renders nothing), no HTML, mention or link survives.
    const plain = md.replace(/(`{3,})text\n[\s\S]*?\n\1/g, '').replace(/`[^`\n]*`/g, '');
    expect(plain).not.toMatch(/<script|<img|<b>|<\/details>|@everyone|@team|@owner|\]\(http/);
    expect(plain).toContain('&lt;b&gt;&#64;owner&lt;/b&gt; \\| \\[link\\]\\(http\\://evil\\)');
    // Tags are code spans; a pipe inside is escaped so the table holds.
    expect(md).toContain('| Tags | `<img src=x onerror=alert(1)>`, `a\\|b` |');
  });

  it('says when publishing is frozen', () => {
    const post = postFrom('Hi.', {}, config);
    const md = renderPreview({ posts: [post], findingsByFile: new Map(), allPosts: [post], config, now: NOW, freezes: [{ id: 'f1', reason: 'flood in the region', by: 'anna', since: '2027-01-01T08:00:00Z', terms: [], tags: [], source: 'cli' }] });
    expect(md).toContain('> [!WARNING]\n> Publishing is FROZEN\\: nothing goes out until someone thaws it\\. Reason\\: flood in the region \\(by anna, since 2027\\-01\\-01T08\\:00\\:00Z\\)\\.');
  });
});

describe('--preview-out', () => {
  it('writes preview.md and pr.json (number and head sha from the environment)', async () => {
    const root = await copyFixture('rules');
    const sha = 'a'.repeat(40);
    const r = await runCommand(['posts/media-pass.md', '--preview-out', 'preview'], { root, env: { PR_NUMBER: '42', PR_HEAD_SHA: sha } });
    expect(r.code).toBe(0);
    expect(JSON.parse(await readFile(join(root, 'preview', 'pr.json'), 'utf8'))).toEqual({ number: 42, headSha: sha });
    const md = await readFile(join(root, 'preview', 'preview.md'), 'utf8');
    expect(md).toContain('### `posts/media-pass.md`');
    expect(md).toContain('A rhubarb tart with a lattice crust on a marble counter.');
  });

  it('pr.json leaves out values that are missing or malformed', () => {
    expect(prJson({})).toEqual({});
    expect(prJson({ PR_NUMBER: '12; rm -rf /', PR_HEAD_SHA: 'main' })).toEqual({});
    expect(prJson({ PR_NUMBER: '7', PR_HEAD_SHA: 'B'.repeat(40) })).toEqual({ number: 7, headSha: 'b'.repeat(40) });
  });
});
