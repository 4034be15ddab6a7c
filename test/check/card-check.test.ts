/**
 * Link cards at check time: `copydesk check --cards` shows each Bluesky card in the PR preview
 * (title, description, domain, picture), names the link Mastodon builds its own card from, and
 * warns (never errors) at the link when no card can be built. A page's text cannot inject
 * Markdown, HTML or mentions into the preview comment.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPreview } from '../../src/check/preview.ts';
import { runCheck } from '../../src/check/run-check.ts';
import { cardFetcher } from '../../src/card/fetch-card.ts';
import { startCardServer, type CardServer } from '../helpers/card-server.ts';
import { configOf, FIXTURES, NOW, runCommand } from './helpers.ts';

let web: CardServer;
let root: string;
const link = (path: string) => `http://cafe.example.com:${web.port}${path}`;
const fast = { connectTimeoutMs: 1000, totalTimeoutMs: 3000, maxBytes: 1_000_000, maxRedirects: 5 };
const fetcher = () => cardFetcher({ now: () => new Date(NOW), limits: { page: fast, image: { ...fast, maxBytes: 5_000_000 } }, permission: { http: true, addresses: ['127.0.0.1'], hosts: { 'cafe.example.com': '127.0.0.1' } } });

async function writePost(name: string, body: string, extra = '', channels = '[bluesky, mastodon]') {
  await writeFile(join(root, 'posts', `${name}.md`), `---\nid: ${name}\npublish_at: "2027-02-0${1 + (name.length % 8)} 1${name.length % 10}:00"\nchannels: ${channels}\n${extra}---\n${body}\n`);
}

beforeAll(async () => {
  web = await startCardServer();
  root = await mkdtemp(join(tmpdir(), 'copydesk-cards-check-'));
  await mkdir(join(root, 'posts'), { recursive: true });
  await mkdir(join(root, 'media'), { recursive: true });
  await copyFile(join(FIXTURES, 'rules', 'copydesk.config.yaml'), join(root, 'copydesk.config.yaml'));
  await copyFile(join(FIXTURES, 'rules', 'media', (await import('node:fs')).readdirSync(join(FIXTURES, 'rules', 'media')).find((f) => f.endsWith('.png'))!), join(root, 'media', 'tart.png'));
  await writePost('full', `Our spring menu is out.\nSee ${link('/full')} and @friend@mastodon.social #menu`);
  await writePost('blocked', `Read the review:\n\n${link('/forbidden')}`);
  await writePost('accepted', `Read ${link('/forbidden')}\n<!-- copydesk-ignore link-card: the site blocks bots, the post is fine without a card -->`);
  await writePost('withimage', `A tart ${link('/full')}`, 'media:\n  - path: ../media/tart.png\n    alt: A rhubarb tart on a marble counter.\n');
  await writePost('hostile', `Look ${link('/hostile')}`);
  await writePost('plainhttp', 'Menu: http://cafe.example.com/menu');
});
afterAll(async () => {
  await web?.close();
  await rm(root, { recursive: true, force: true });
});

describe('runCheck with link cards', () => {
  it('fetches the card of each Bluesky part with a link and no images, and warns at the link when none can be built', async () => {
    const report = await runCheck({ root, config: await configOf(root), now: NOW, linkCards: fetcher() });
    const f = (name: string) => report.files.find((r) => r.file === `posts/${name}.md`)!;
    expect(f('full').cards?.[0]?.attempt).toMatchObject({ ok: true, card: { title: 'Rhubarb tart & coffee' } });
    expect(f('full').findings.filter((d) => d.ruleId === 'link-card')).toEqual([]);
    const warn = f('blocked').findings.find((d) => d.ruleId === 'link-card')!;
    expect(warn).toMatchObject({ severity: 'warning', line: 8, column: 1 }) // the line of the link itself;
    expect(warn.message).toMatch(/answered 403/);
    expect(warn.fix).toMatch(/copydesk-ignore link-card/);
    expect(f('accepted').findings.filter((d) => d.ruleId === 'link-card')).toEqual([]);
    expect(f('accepted').accepted.map((a) => a.finding.ruleId)).toEqual(['link-card']);
    expect(f('withimage').cards).toBeUndefined();
    expect(report.files.flatMap((r) => r.findings).filter((d) => d.ruleId === 'link-card' && d.severity === 'error')).toEqual([]);
  });

  it('shows the card, the Mastodon card link, and escapes what the page says', async () => {
    const report = await runCheck({ root, config: await configOf(root), now: NOW, linkCards: fetcher() });
    const cardsByFile = new Map(report.files.flatMap((r) => (r.cards ? [[r.file, r.cards] as const] : [])));
    const md = renderPreview({ posts: report.files.map((r) => r.post!).filter(Boolean), findingsByFile: new Map(report.files.map((r) => [r.file, r.findings])), allPosts: report.allPosts, config: await configOf(root), now: NOW, cardsByFile });
    const full = md.slice(md.indexOf('### `posts/full.md`'), md.indexOf('### `posts/hostile.md`'));
    expect(full).toContain('| Title | Rhubarb tart &amp; coffee |');
    expect(full).toContain('| Description | Our spring menu, every morning\\. |');
    expect(full).toContain('| Domain | `cafe.example.com` |');
    expect(full).toMatch(/\| Picture \| 1200×630 JPEG, \d+ KB/);
    expect(full).toContain(`Link card: Mastodon builds its own card from \`${link('/full')}\``);
    const hostile = md.slice(md.indexOf('### `posts/hostile.md`'));
    expect(hostile).not.toMatch(/!\[x\]\(|<img|@everyone|\[click\]\(/);
    expect(hostile).toContain('&lt;img');
    const blocked = md.slice(md.indexOf('### `posts/blocked.md`'));
    expect(blocked).toMatch(/Link card: ⚠️ none, the post goes out without a card/);
  });
});

describe('copydesk check --cards (the command as the workflow runs it)', () => {
  it('warns that an http link gets no card, exits 0, and writes the card lines into preview.md', async () => {
    const out = join(root, 'out');
    const r = await runCommand(['--cards', '--preview-out', out, 'posts/plainhttp.md'], { root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/link-card/);
    expect(r.stdout).toContain('is not https');
    const md = await readFile(join(out, 'preview.md'), 'utf8');
    expect(md).toContain('Link card: ⚠️ none, the post goes out without a card');
  });

  it('fetches nothing without --cards and says so in the preview', async () => {
    const out = join(root, 'out2');
    const before = web.requests.length;
    const r = await runCommand(['--preview-out', out, 'posts/full.md'], { root });
    expect(r.code).toBe(0);
    expect(web.requests.length).toBe(before);
    expect(await readFile(join(out, 'preview.md'), 'utf8')).toContain('not fetched by this check; run it with `--cards`');
  });
});
