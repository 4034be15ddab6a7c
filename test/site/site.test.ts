/**
 * The playbook site in a real browser: two builds of a fixture repository (thawed and frozen) with
 * the real `astro build`, served on 127.0.0.1, driven with headless Chromium. Checks what a person
 * sees: navigation, search, the calendar, post previews, the freeze banner, status, credentials,
 * accessibility (axe, WCAG 2 A/AA, light and dark themes), phone layout. Screenshots go to
 * test-results/site/.
 */
import AxeBuilder from '@axe-core/playwright';
import { mkdir, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, serveStatic, type StaticServer } from '../../src/site/serve.ts';
import { pageWeight } from '../helpers/script-weight.ts';
import { parsePost } from '../../src/post/parse-post.ts';
import { runCheck } from '../../src/check/run-check.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ALT, CARD, BUSY_COUNT, BUSY_DAY, FAILURE, FREEZE, INBOX_PRIVATE_WORDS, INBOX_PUBLIC_TEXT, makeFixture, NOW, PLANTED_SECRET, PROJECT, QUEUED_PART1, REPOSITORY, SEARCH_PAGE_TITLE, SEARCH_WORD, SENT_URLS, type Fixture } from './fixture.ts';

const SHOTS = join(PROJECT, 'test-results', 'site');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

interface Site {
  fixture: Fixture;
  outDir: string;
  server: StaticServer;
}

let browser: Browser;
/** One desktop page shared by the tests that need no special context (a new context costs ~0.5 s). */
let desk: Page;
const sites: { thawed?: Site; frozen?: Site } = {};

async function buildFixtureSite(frozen: boolean): Promise<Site> {
  const fixture = await makeFixture(frozen);
  // Inside the project (see buildSite): node_modules/.cache is ignored by git and by other builds.
  const outDir = join(PROJECT, 'node_modules', '.cache', 'copydesk-site-test', basename(fixture.root));
  const built = await buildSite({
    projectRoot: PROJECT,
    outDir,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR,
      COPYDESK_ROOT: fixture.root, COPYDESK_NOW: NOW, COPYDESK_SITE_CACHE: join(fixture.root, '.astro-cache'),
      // Secrets in the environment must never reach the site.
      BLUESKY_APP_PASSWORD: PLANTED_SECRET, MASTODON_TOKEN: PLANTED_SECRET,
      // As in Actions: the frozen build learns its repository from the environment, not the config.
      ...(frozen ? { GITHUB_REPOSITORY: REPOSITORY.env, GITHUB_SERVER_URL: 'https://github.com' } : {}),
    },
  });
  if (!built.ok) throw new Error(`astro build failed (exit ${built.exitCode}):\n${built.output}`);
  return { fixture, outDir, server: await serveStatic(outDir) };
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  // Both builds at once (~850 MB each): much of a build is waiting on files and on Pagefind.
  [sites.thawed, sites.frozen] = await Promise.all([buildFixtureSite(false), buildFixtureSite(true)]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  desk = await session();
}, 170_000);

afterAll(async () => {
  await browser?.close();
  for (const s of [sites.thawed, sites.frozen]) {
    await s?.server.close();
    await s?.fixture.cleanup();
    if (s) await rm(s.outDir, { recursive: true, force: true });
  }
  // Only when empty: another run of this suite may be building next to it.
  await rmdir(join(PROJECT, 'node_modules', '.cache', 'copydesk-site-test')).catch(() => {});
});

/** A page in its own context (axe needs a page from `browser.newContext()`). */
async function session(opts: BrowserContextOptions = DESKTOP): Promise<Page> {
  const ctx = await browser.newContext(opts);
  return ctx.newPage();
}

/** Go to `path` of a build; fails on an HTTP error unless `status` says otherwise. */
async function visit(page: Page, site: Site | undefined, path: string, status = 200): Promise<Page> {
  const res = await page.goto(new URL(path.replace(/^\//, ''), site!.server.url).href);
  expect(res?.status(), `status of ${path}`).toBe(status);
  return page;
}

/** The shared desktop page (or a fresh page for other options) at `path` of a build. */
async function open(site: Site | undefined, path: string, opts?: BrowserContextOptions): Promise<Page> {
  return visit(opts ? await session(opts) : desk, site, path);
}
const done = async (page: Page) => {
  if (page !== desk) await page.context().close();
};

async function axe(page: Page, rules?: string[]): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']);
  const r = await (rules ? builder.withRules(rules) : builder).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

describe('playbook site, thawed build', () => {
  it('sidebar links lead to playbook pages and publishing pages, from English and Polish pages', async () => {
    const page = await open(sites.thawed, '/');
    await page.locator('#starlight__sidebar').getByRole('link', { name: SEARCH_PAGE_TITLE }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(SEARCH_PAGE_TITLE);
    expect(new URL(page.url()).pathname).toBe('/fixture-sourdough/');
    await page.locator('#starlight__sidebar').getByRole('link', { name: 'Publishing status' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Publishing status');
    await page.goto(new URL('pl/', sites.thawed!.server.url).href);
    expect(await page.locator('html').getAttribute('lang')).toBe('pl');
    // Polish sidebar labels, and the publishing pages (which exist once, in English) still open.
    await page.locator('#starlight__sidebar').getByRole('link', { name: 'Kalendarz' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Calendar: March 2027');
    expect(new URL(page.url()).pathname).toBe('/calendar/');
    await done(page);
  });

  it('search finds a playbook page by a word in its text', async () => {
    const page = await open(sites.thawed, '/');
    await page.locator('site-search button[data-open-modal]').click();
    const input = page.locator('#starlight__search .pagefind-ui__search-input');
    await input.fill(SEARCH_WORD);
    const result = page.locator('#starlight__search .pagefind-ui__result-link').first();
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toBe(SEARCH_PAGE_TITLE);
    await result.click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe(SEARCH_PAGE_TITLE);
    await done(page);
  });

  it('the calendar shows queued and sent posts on their days, with links to the sent posts', async () => {
    const page = await open(sites.thawed, '/calendar/');
    expect(await page.locator('h1').textContent()).toBe('Calendar: March 2027');
    const queued = page.locator('[data-date="2027-03-12"] [data-post-id="2027-03-queued-tart"]');
    expect(await queued.getAttribute('data-status')).toBe('queued');
    expect(await queued.locator('.cd-chip-time').textContent()).toBe('09:00');
    const sent = page.locator('[data-date="2027-03-09"] [data-post-id="2027-03-sent-opening"]');
    expect(await sent.getAttribute('data-status')).toBe('sent');
    expect(await sent.getByRole('link', { name: 'View on Bluesky' }).getAttribute('href')).toBe(SENT_URLS.bluesky);
    expect(await sent.getByRole('link', { name: 'View on Mastodon' }).getAttribute('href')).toBe(SENT_URLS.mastodon);
    // Other states the publisher would report for the same ledger and clock.
    expect(await page.locator('[data-post-id="2027-03-held-stocktaking"]').getAttribute('data-status')).toBe('held');
    expect(await page.locator('[data-post-id="2027-03-missed-pancakes"]').getAttribute('data-status')).toBe('missed');
    expect(await page.locator('[data-post-id="2027-03-failed-hours"]').getAttribute('data-status')).toBe('failed');
    // Week view: same posts, day by day.
    await page.getByRole('link', { name: 'Week view' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toContain('Week 10');
    expect(await page.locator('[data-date="2027-03-12"] [data-post-id="2027-03-queued-tart"]').count()).toBe(1);
    expect(await page.locator('[data-date="2027-03-09"] [data-post-id="2027-03-sent-opening"]').count()).toBe(1);
    await page.locator('[data-post-id="2027-03-queued-tart"] .cd-chip-link').click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Post 2027-03-queued-tart');
    await done(page);
  });

  it('a post page previews each part per network with lengths used vs limits and images with alt text', async () => {
    const page = await open(sites.thawed, '/posts/2027-03-queued-tart/');
    for (const network of ['bluesky', 'mastodon']) {
      const parts = page.locator(`[data-network="${network}"] .cd-part`);
      expect(await parts.count()).toBe(2);
      expect(await parts.nth(0).locator('.cd-part-text').textContent()).toBe(QUEUED_PART1);
      expect(await parts.nth(1).locator('.cd-part-label').textContent()).toBe('Part 2 of 2');
      // The image belongs to part 1 only, shows (decoded) and carries the alt text.
      const img = parts.nth(0).locator('img');
      expect(await img.getAttribute('alt')).toBe(ALT);
      await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(64);
      expect(await parts.nth(0).locator('figcaption').textContent()).toContain(ALT);
      expect(await parts.nth(1).locator('.cd-media img').count()).toBe(0);
    }
    // Bluesky counts every grapheme; Mastodon counts the URL as 23 characters (30 + space + 23).
    expect(await page.locator('[data-network="bluesky"] .cd-part').nth(0).locator('.cd-length').textContent()).toContain(`${QUEUED_PART1.length} / 300 graphemes`);
    expect(await page.locator('[data-network="mastodon"] .cd-part').nth(0).locator('.cd-length').textContent()).toContain('54 / 500 characters');
    expect(await page.locator('.cd-facts').textContent()).toContain('2027-03-12 09:00 Europe/Warsaw (UTC+01:00)');
    await done(page);
  });

  it('a post page shows the Bluesky link card the publisher stored, and the link Mastodon builds its card from', async () => {
    const page = await open(sites.thawed, '/posts/2027-03-queued-tart/');
    const bsky = page.locator('[data-network="bluesky"] .cd-part');
    // Part 1 has an image: Bluesky shows the image, no card.
    expect(await bsky.nth(0).locator('[data-copydesk-card]').count()).toBe(0);
    const card = bsky.nth(1).locator('[data-copydesk-card]');
    expect(await card.getAttribute('href')).toBe(CARD.uri);
    expect(await card.locator('.cd-card-title').textContent()).toBe(CARD.title);
    expect(await card.locator('.cd-card-description').textContent()).toBe(CARD.description);
    expect(await card.locator('.cd-card-domain').textContent()).toBe('example.com');
    await expect.poll(() => card.locator('img').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(120);
    expect(await bsky.nth(1).locator('.cd-card-note').textContent()).toContain('not part of the approved text');
    const masto = page.locator('[data-network="mastodon"] .cd-part');
    expect(await masto.nth(0).locator('.cd-card-note').textContent()).toBe(`Mastodon builds its own link card from ${QUEUED_PART1.slice(QUEUED_PART1.indexOf('https://'))}.`);
    expect(await masto.nth(1).locator('.cd-card-note').textContent()).toBe(`Mastodon builds its own link card from ${CARD.uri}.`);
    await done(page);
  });

  it('a held post says why; a sent post links to each network', async () => {
    const page = await open(sites.thawed, '/posts/2027-03-held-stocktaking/');
    expect(await page.locator('.cd-facts').textContent()).toContain('quiet period "Stocktaking day"');
    await visit(page, sites.thawed, '/posts/2027-03-sent-opening/');
    expect(await page.locator('[data-network="mastodon"] .cd-sent-link a').getAttribute('href')).toBe(SENT_URLS.mastodon);
    // No URL in the ref: the Bluesky address is derived from the AT URI.
    await visit(page, sites.thawed, '/posts/2027-03-failed-hours/');
    expect(await page.locator('[data-network="bluesky"] .cd-sent-link a').getAttribute('href')).toBe('https://bsky.app/profile/did:plc:bakery/post/3lhours');
    expect(await page.locator('[data-network="mastodon"] .cd-failure-todo').textContent()).toContain(FAILURE.action);
    await done(page);
  });

  it('the inbox page: urgent and negative first with the time left, answered ones, the median this week; private words never shown', async () => {
    const page = await open(sites.thawed, '/inbox/');
    const cards = page.locator('[data-copydesk-inbox-open] + ul > li');
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(0).getAttribute('data-copydesk-tone')).toBe('urgent');
    expect(await cards.nth(0).getAttribute('data-copydesk-overdue')).toBe('yes');
    expect(await cards.nth(0).textContent()).toContain('A private message');
    expect(await cards.nth(1).getAttribute('data-copydesk-tone')).toBe('negative');
    expect(await cards.nth(1).textContent()).toContain(INBOX_PUBLIC_TEXT);
    expect(await cards.nth(1).textContent()).toContain('1 h 30 min left');
    await expect.poll(() => cards.nth(1).getByRole('link', { name: 'Issue #41' }).getAttribute('href')).toBe(`https://github.com/${REPOSITORY.config}/issues/41`);
    expect(await page.locator('[data-copydesk-inbox-median]').getAttribute('data-copydesk-inbox-median')).toBe('60');
    expect(await page.locator('[data-copydesk-inbox-closed] > li').count()).toBe(2);
    expect(await page.content()).not.toContain(INBOX_PRIVATE_WORDS);
    expect(await page.content()).not.toContain('quiet-customer');
    // The status page counts them and links here; the sidebar has the page.
    const status = await open(sites.thawed, '/status/');
    expect(await status.locator('[data-copydesk-inbox-overdue]').getAttribute('data-copydesk-inbox-overdue')).toBe('1');
    expect(await status.locator('[data-copydesk-inbox-open]').textContent()).toContain('2 conversations waiting for an answer, 1 past the first-response target');
    await status.locator('#starlight__sidebar').getByRole('link', { name: 'Inbox' }).click();
    await expect.poll(() => status.locator('h1').textContent(), { timeout: 15_000 }).toBe('Inbox');
    await done(status);
  });

  it('no built file holds the words of a private message', async () => {
    const files = (await readdir(sites.thawed!.outDir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile() && /\.(html|json|js|txt|xml)$/.test(f.name));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(await readFile(join(f.parentPath, f.name), 'utf8'), f.name).not.toContain(INBOX_PRIVATE_WORDS);
  });

  it('the status page says not frozen and lists the last successful run and open failures', async () => {
    const page = await open(sites.thawed, '/status/');
    expect(await page.locator('[data-copydesk-frozen]').getAttribute('data-copydesk-frozen')).toBe('no');
    expect(await page.locator('[data-copydesk-last-success]').textContent()).toContain('2027-03-10 10:45 Europe/Warsaw');
    const failures = page.locator('[data-copydesk-failures] > li');
    expect(await failures.count()).toBe(1);
    const text = await failures.first().textContent();
    expect(text).toContain('2027-03-failed-hours');
    expect(text).toContain('HTTP 401 (the network did not accept our login): the access token is invalid (read from credentials.json)');
    expect(text).toContain(FAILURE.action);
    await failures.first().getByRole('link', { name: '2027-03-failed-hours' }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Post 2027-03-failed-hours');
    await done(page);
  });

  it('the credentials register names owners and secrets, flags old rotations, and never holds a secret value', async () => {
    const page = await open(sites.thawed, '/credentials/');
    const cards = page.locator('[data-account]');
    expect(await cards.count()).toBe(2);
    const bsky = await cards.nth(0).textContent();
    expect(bsky).toContain('BLUESKY_APP_PASSWORD');
    expect(bsky).toContain('Piotr Zieliński');
    expect(bsky).toContain('App passwords');
    expect(bsky).not.toContain('due for rotation');
    expect(await cards.nth(1).textContent()).toContain('due for rotation');
    await done(page);
    // The build ran with both secrets set to a planted value: no built file may contain it.
    const leaks: string[] = [];
    for (const f of await readdir(sites.thawed!.outDir, { recursive: true, withFileTypes: true })) {
      if (f.isFile() && (await readFile(join(f.parentPath, f.name))).includes(PLANTED_SECRET)) leaks.push(f.name);
    }
    expect(leaks).toEqual([]);
  });

  it('shows no freeze banner when publishing is not frozen', async () => {
    const page = desk;
    for (const path of ['/', '/pl/', '/posts/2027-03-queued-tart/']) {
      await visit(page, sites.thawed, path);
      expect(await page.locator('[data-copydesk-freeze]').count(), path).toBe(0);
    }
    await done(page);
  });

  it('every internal link and image on every page leads somewhere (English and Polish pages)', async () => {
    const { outDir, server } = sites.thawed!;
    const status = new Map<string, number>();
    const broken: string[] = [];
    const pages = (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.html'));
    for (const file of pages) {
      const html = await readFile(join(outDir, file), 'utf8');
      const pageUrl = new URL(file.replace(/index\.html$/, '').replaceAll('\\', '/'), server.url);
      for (const [, ref] of html.matchAll(/\s(?:href|src)="([^"#]*)[^"]*"/g)) {
        if (!ref || /^[a-z]+:/i.test(ref)) continue;
        const target = new URL(ref, pageUrl).href;
        if (!status.has(target)) status.set(target, (await fetch(target)).status);
        if (status.get(target) !== 200) broken.push(`${file}: ${ref} (${status.get(target)})`);
      }
    }
    expect(pages.length).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });

  it('holding statements are not pages', async () => {
    const res = await fetch(new URL('holding/oven-fire/', sites.thawed!.server.url));
    expect(res.status).toBe(404);
  });

  it('publishing pages load no script a playbook page does not (no islands, nothing of our own)', async () => {
    const page = desk;
    const scripts = async (path: string) => {
      await visit(page, sites.thawed, path);
      return page.evaluate(() => ({
        islands: document.querySelectorAll('astro-island').length,
        list: Array.from(document.querySelectorAll('script')).map((s) => (s.src ? new URL(s.src).pathname : `inline:${s.textContent?.slice(0, 80)}`)),
      }));
    };
    const playbook = await scripts('/voice/');
    for (const path of ['/posts/2027-03-queued-tart/', '/calendar/', '/status/', '/credentials/']) {
      const mine = await scripts(path);
      expect(mine.islands, path).toBe(0);
      expect(mine.list.filter((s) => !playbook.list.includes(s)), path).toEqual([]);
    }
    await done(page);
  });

  it('on a phone the calendar lists the days with posts, full dates, no sideways scrolling', async () => {
    const page = await open(sites.thawed, '/calendar/', PHONE);
    const day = page.locator('[data-date="2027-03-12"]');
    expect(await day.locator('.cd-day-long').isVisible()).toBe(true);
    expect(await day.locator('.cd-day-long').textContent()).toMatch(/^Friday,? 12 March 2027$/);
    expect(await page.locator('[data-date="2027-03-11"]').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await done(page);
  });
});

describe('crisis controls on every page (thawed build)', () => {
  const pages = ['/', '/pl/', '/severity/', '/calendar/', '/posts/2027-03-queued-tart/', '/status/', '/credentials/', '/holding/', '/pl/roster/'];
  const freezeForm = `https://github.com/${REPOSITORY.config}/issues/new?template=freeze.yml`;

  it('every page offers Freeze now, opening the repository\'s freeze form, plus the holding statements and the call tree in its language', async () => {
    const page = desk;
    for (const path of pages) {
      await visit(page, sites.thawed, path);
      const bar = page.locator('[data-copydesk-crisis]');
      expect(await bar.getAttribute('data-copydesk-crisis'), path).toBe('running');
      expect(await bar.locator('[data-copydesk-action="freeze"]').getAttribute('href'), path).toBe(freezeForm);
      expect(await bar.locator('[data-copydesk-action="thaw"]').count(), path).toBe(0);
      const pl = path.startsWith('/pl/');
      expect(await bar.locator('[data-copydesk-action="freeze"]').textContent(), path).toBe(pl ? 'Zamroź teraz' : 'Freeze now');
      expect(new URL((await bar.locator('[data-copydesk-action="holding"]').getAttribute('href'))!, page.url()).pathname, path).toBe(pl ? '/pl/holding/' : '/holding/');
    }
    await done(page);
  });

  it('the holding statements have pages (English and Polish): when to use, text per network, and a Send button to the holding workflow', async () => {
    const page = await open(sites.thawed, '/holding/');
    await expect.poll(() => page.locator('[data-holding="holding-oven-fire"]').isVisible()).toBe(true);
    await page.locator('[data-holding="holding-oven-fire"] h2 a').click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('holding-oven-fire');
    expect(await page.locator('[data-copydesk-action="send-holding"]').getAttribute('href')).toBe(`https://github.com/${REPOSITORY.config}/actions/workflows/holding.yml`);
    expect(await page.locator('[data-network]').evaluateAll((els) => els.map((e) => e.getAttribute('data-network')))).toEqual(['bluesky', 'mastodon']);
    expect(await page.locator('[data-network="mastodon"]').textContent()).toContain('after a small fire in the kitchen');
    // The language switch leads to the Polish page of the same statement, which exists.
    await visit(page, sites.thawed, '/pl/holding/holding-oven-fire/');
    expect(await page.locator('[data-copydesk-use-when]').textContent()).toContain('Kiedy go użyć');
    await done(page);
  });

  it('the call tree lists the roster in calling order: owner, backup, schedule owner', async () => {
    const page = await open(sites.thawed, '/roster/');
    expect(await page.locator('[data-copydesk-roster] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['owner', 'backup', 'schedule']);
    expect(await page.locator('[data-copydesk-roster] li').first().textContent()).toContain('Anna Nowak');
    await done(page);
  });

  it('playbook asides render as asides and headings carry anchor links (no raw ":::")', async () => {
    const page = await open(sites.thawed, '/');
    expect(await page.locator('.starlight-aside--caution').count()).toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).not.toContain(':::');
    expect(await page.locator('main .sl-anchor-link').count()).toBeGreaterThan(2);
    await visit(page, sites.thawed, '/pl/drills/');
    expect(await page.locator('.starlight-aside--note').count()).toBe(1);
    await done(page);
  });
});

describe('languages, times and words people read (thawed build)', () => {
  it('the language switch is offered only where the other language has the page, and every offered page exists', async () => {
    const page = desk;
    for (const path of ['/status/', '/calendar/', '/posts/2027-03-sent-opening/', '/credentials/']) {
      await visit(page, sites.thawed, path);
      expect(await page.locator('starlight-lang-select').count(), path).toBe(0);
    }
    for (const path of ['/severity/', '/pl/drills/', '/holding/', '/pl/roster/']) {
      await visit(page, sites.thawed, path);
      const options = await page.locator('starlight-lang-select').first().locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
      expect(options.length, path).toBe(2);
      for (const target of options) expect((await fetch(new URL(target.replace(/^\//, ''), sites.thawed!.server.url))).status, `${path} → ${target}`).toBe(200);
    }
    await done(page);
  });

  it('search on a Polish page counts its results in Polish', async () => {
    const page = await open(sites.thawed, '/pl/');
    await page.locator('site-search button[data-open-modal]').click();
    await page.locator('#starlight__search .pagefind-ui__search-input').fill(SEARCH_WORD);
    await expect.poll(() => page.locator('#starlight__search .pagefind-ui__message').textContent(), { timeout: 15_000 }).toMatch(/^(Jeden wynik|Wyniki) dla/);
    await done(page);
  });

  it('the 404 page speaks English and Polish and still offers Freeze now', async () => {
    const page = await visit(desk, sites.thawed, '/pl/nie-ma-takiej-strony/', 404);
    const text = await page.locator('main').textContent();
    expect(text).toContain('This page does not exist');
    expect(text).toContain('Ta strona nie istnieje');
    expect(await page.locator('[data-copydesk-action="freeze"]').count()).toBe(1);
  });

  it('a sent post says when it went out, with the real send time; "how long ago" follows the reader\'s clock, not the build\'s', async () => {
    const page = await session();
    // The reader opens the page three days after the send (the build ran one day after it).
    await page.clock.setFixedTime(new Date('2027-03-12T08:01:01Z'));
    await visit(page, sites.thawed, '/posts/2027-03-sent-opening/');
    const went = page.locator('[data-copydesk-went-out]');
    expect(await went.textContent()).toContain('Went out');
    // The ledger says 08:01 UTC on 9 March = 09:01 in Warsaw; the post was scheduled for 09:00.
    expect(await went.textContent()).toContain('09:01');
    expect(await page.locator('main').textContent()).not.toMatch(/Goes out/);
    await expect.poll(() => went.locator('time[data-copydesk-relative]').first().textContent()).toBe('3 days ago');
    await done(page);
  });

  it('calendar chips read as one sentence: time, text, status, networks; a post sent on one network of two is "Partly sent"', async () => {
    const page = await open(sites.thawed, '/calendar/week/2027-W10/');
    const failed = page.locator('[data-post-id="2027-03-failed-hours"]');
    expect(await failed.getAttribute('data-partly')).toBe('yes');
    // The accessible name, as a screen reader announces the link.
    const name = await failed.getByRole('link').first().evaluate((a) => (a as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
    expect(await failed.getByRole('link', { name: /New Sunday hours.*Failed, partly sent/ }).count()).toBe(1);
    expect(name).toMatch(/^\d\d:\d\d New Sunday hours.*, Failed, partly sent \(1 of 2 networks\), Bluesky and Mastodon$/);
    await done(page);
  });
});

describe('playbook site, frozen build', () => {
  const pages = ['/', '/fixture-sourdough/', '/pl/', '/calendar/week/2027-W10/', '/posts/2027-03-queued-tart/', '/credentials/'];

  it('shows the freeze banner on every page type, linking to the status page', async () => {
    const page = desk;
    for (const path of pages) {
      await visit(page, sites.frozen, path);
      const banner = page.locator('[data-copydesk-freeze]');
      expect(await banner.isVisible(), path).toBe(true);
      expect(await banner.textContent(), path).toContain(FREEZE.reason);
      expect(await banner.textContent(), path).toContain(path === '/pl/' ? 'Publikacja jest wstrzymana' : 'Publishing is frozen');
    }
    // The 404 page too, and its link leads to the status page.
    await visit(page, sites.frozen, '/no-such-page/', 404);
    expect(await page.locator('[data-copydesk-freeze]').count()).toBe(1);
    await page.locator('[data-copydesk-freeze] a').click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Publishing status');
    await done(page);
  });

  it('on a Polish page the freeze banner\'s "since" is written in Polish by the browser', async () => {
    const page = await open(sites.frozen, '/pl/');
    await expect.poll(() => page.locator('[data-copydesk-freeze] time[data-copydesk-relative]').textContent()).toMatch(/temu|miesi|rok|lat/);
    await done(page);
  });

  it('while frozen every page offers Thaw (the freeze workflow of the repository named by GITHUB_REPOSITORY) and the holding statements, not Freeze', async () => {
    const page = desk;
    for (const path of [...pages, '/holding/']) {
      await visit(page, sites.frozen, path);
      const bar = page.locator('[data-copydesk-crisis]');
      expect(await bar.getAttribute('data-copydesk-crisis'), path).toBe('frozen');
      expect(await bar.locator('[data-copydesk-action="freeze"]').count(), path).toBe(0);
      expect(await bar.locator('[data-copydesk-action="thaw"]').getAttribute('href'), path).toBe(`https://github.com/${REPOSITORY.env}/actions/workflows/freeze.yml`);
      expect(await bar.locator('[data-copydesk-action="holding"]').count(), path).toBe(1);
    }
    await done(page);
  });

  it('the status page says who froze, why, since when and how to thaw; queued posts show as held', async () => {
    const page = await open(sites.frozen, '/status/');
    expect(await page.locator('[data-copydesk-freeze]').count()).toBe(1);
    expect(await page.locator('[data-copydesk-frozen]').getAttribute('data-copydesk-frozen')).toBe('yes');
    const text = await page.locator('[data-copydesk-frozen]').textContent();
    expect(text).toContain(FREEZE.reason);
    expect(text).toContain('anna');
    expect(text).toContain('2027-03-10 10:30 Europe/Warsaw (UTC+01:00) (');
    // "How long ago" is the reader's browser's to say (it is not frozen at build time).
    expect(await page.locator(`[data-copydesk-frozen="yes"] time[datetime="${new Date(FREEZE.since).toISOString()}"]`).count()).toBeGreaterThan(0);
    expect(text).toContain(`copydesk thaw --id ${FREEZE.id}`);
    await done(page);
    const cal = await open(sites.frozen, '/calendar/');
    expect(await cal.locator('[data-copydesk-freeze]').count()).toBe(1);
    expect(await cal.locator('[data-post-id="2027-03-queued-tart"]').getAttribute('data-status')).toBe('held');
    expect(await cal.locator('[data-post-id="2027-03-sent-opening"]').getAttribute('data-status')).toBe('sent');
    await done(cal);
  });
});

describe('the calendar at real size (thawed build)', () => {
  const busy = `[data-date="${BUSY_DAY}"]`;

  it('a busy day shows three posts and "+9 more", which unfolds in place and links to the day in the week view', async () => {
    const page = await open(sites.thawed, '/calendar/');
    const day = page.locator(busy);
    expect(await day.locator('.cd-chip').count()).toBe(BUSY_COUNT);
    expect(await day.locator('.cd-chip:visible').count()).toBe(3);
    const more = day.locator('.cd-more > summary');
    // Read out as "+9 more on Tuesday 16 March 2027", not nine "+9 more" in a row.
    expect(await more.textContent()).toMatch(/^\+9 more on Tuesday,? 16 March 2027$/);
    await more.click();
    expect(await day.locator('.cd-chip:visible').count()).toBe(BUSY_COUNT);
    await day.getByRole('link', { name: `All ${BUSY_COUNT} in the week view` }).click();
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toContain('Week 11');
    expect(new URL(page.url()).hash).toBe(`#d-${BUSY_DAY}`);
    expect(await page.locator(`#d-${BUSY_DAY} .cd-chip`).count()).toBe(BUSY_COUNT);
    await done(page);
  });

  it('the month page stays short on a desktop and on a phone, however busy a day is', async () => {
    for (const [opts, limit] of [[DESKTOP, 2_500], [PHONE, 5_000]] as const) {
      const page = await open(sites.thawed, '/calendar/', opts);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height, `${opts.viewport!.width} px wide`).toBeLessThan(limit);
      // The busy day's box holds three chips and "+9 more" (twelve chips were ~1,700 px).
      const box = await page.locator(busy).boundingBox();
      expect(box!.height, `${opts.viewport!.width} px wide`).toBeLessThan(650);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await done(page);
    }
  });

  it('filters by status and by network hide the posts that do not match (no script)', async () => {
    const page = await open(sites.thawed, '/calendar/');
    const filters = page.locator('[data-copydesk-filters]');
    const visibleStatuses = () => page.locator('.cd-month .cd-chip:visible').evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute('data-status')))]);
    expect((await visibleStatuses()).length).toBeGreaterThan(2);
    expect(await filters.getByRole('group', { name: 'Status' }).getByRole('radio').count()).toBeGreaterThan(3);
    expect(await filters.locator('label', { has: page.locator('#cd-f-status-failed') }).textContent()).toContain('Failed (1)');
    await page.locator('#cd-f-status-failed').check();
    expect(await visibleStatuses()).toEqual(['failed']);
    expect(await page.locator('[data-post-id="2027-03-failed-hours"]').isVisible()).toBe(true);
    await page.locator('#cd-f-status-all').check();
    await page.locator('#cd-f-network-bluesky').check();
    const nets = await page.locator('.cd-month .cd-chip:visible').evaluateAll((els) => els.map((e) => e.getAttribute('data-networks')));
    expect(nets.length).toBeGreaterThan(0);
    expect(nets.every((n) => n!.split(' ').includes('bluesky'))).toBe(true);
    expect(await page.locator('[data-post-id="2027-03-missed-pancakes"]').isVisible()).toBe(false);
    expect(await page.locator('[data-post-id="2027-03-sent-opening"]').isVisible()).toBe(true);
    await done(page);
  });

  it('"Jump to today" leads to today\'s day in the current month, from any month page', async () => {
    const page = await open(sites.thawed, '/calendar/2027-03/');
    await page.locator('[data-copydesk-jump="today"]').click();
    await page.waitForURL(/#d-2027-03-10$/);
    expect(new URL(page.url()).pathname).toBe('/calendar/');
    const today = page.locator('#d-2027-03-10');
    expect(await today.getAttribute('aria-current')).toBe('date');
    expect(await today.isVisible()).toBe(true);
    expect(await today.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; })).toBe(true);
    await done(page);
  });

  it('quiet periods shade their days with the reason, in the month (desktop and phone) and the week view', async () => {
    for (const opts of [DESKTOP, PHONE]) {
      const page = await open(sites.thawed, '/calendar/', opts);
      const day = page.locator('[data-date="2027-03-13"]');
      expect(await day.getAttribute('class')).toContain('cd-day--quiet');
      expect(await day.locator('.cd-quiet').isVisible()).toBe(true);
      expect(await day.locator('.cd-quiet').textContent()).toBe('Quiet: Stocktaking day');
      expect(await page.locator('[data-date="2027-03-12"]').getAttribute('data-quiet')).toBeNull();
      await done(page);
    }
    const week = await open(sites.thawed, '/calendar/week/2027-W10/');
    expect(await week.locator('#d-2027-03-13 .cd-quiet').textContent()).toBe('Quiet: Stocktaking day');
    await done(week);
  });
});

describe('page weight: what Chromium really downloads (thawed build)', () => {
  const types = ['/', '/voice/', '/pl/', '/calendar/', '/calendar/week/2027-W10/', '/posts/2027-03-queued-tart/', '/status/', '/credentials/', '/holding/'];

  it('no page type transfers more than 50 KB of JavaScript until search is opened, and none loads Pagefind', { timeout: 300_000 }, async () => {
    const heavy: string[] = [];
    for (const path of types) {
      // The phone layout loads the same scripts (mobile menu and table of contents included); two types suffice.
      for (const context of path === '/' || path === '/calendar/' ? [DESKTOP, PHONE] : [DESKTOP]) {
        const w = await pageWeight(browser, new URL(path.slice(1), sites.thawed!.server.url).href, { context });
        if (w.scriptBytes > 50 * 1024 || w.paths.some((p) => p.includes('pagefind'))) heavy.push(`${path} (${context.viewport!.width} px): ${w.scriptBytes} B of JS: ${w.scripts.join(', ')}`);
      }
    }
    expect(heavy).toEqual([]);
  });

  it('opening the search (button or Ctrl+K) loads Pagefind and finds a page', { timeout: 60_000 }, async () => {
    const w = await pageWeight(browser, sites.thawed!.server.url, {
      then: async (page) => {
        await page.keyboard.press('Control+k');
        const input = page.locator('#starlight__search .pagefind-ui__search-input');
        await input.waitFor();
        await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('pagefind-ui__search-input'))).toBe(true);
        await page.keyboard.type(SEARCH_WORD);
        await expect.poll(() => page.locator('#starlight__search .pagefind-ui__result-link').first().textContent(), { timeout: 15_000 }).toBe(SEARCH_PAGE_TITLE);
      },
    });
    expect(w.paths.some((p) => p.startsWith('/pagefind/'))).toBe(true);
    expect(w.scriptBytes).toBeGreaterThan(50 * 1024);
  });
});

describe('failures written for people (thawed build)', () => {
  it('the status page and the post page say which network, what happened, what to do, and link to the fix', async () => {
    for (const [path, scope] of [['/status/', '[data-copydesk-failures] > li'], ['/posts/2027-03-failed-hours/', '[data-network="mastodon"]']] as const) {
      const page = await open(sites.thawed, path);
      const note = page.locator(scope).locator('[data-copydesk-failure]');
      expect(await note.getAttribute('data-copydesk-failure'), path).toBe('login');
      expect(await note.locator('.cd-failure-what').textContent(), path).toBe('Mastodon, part 1 of 1: Mastodon did not accept our login, so nothing was posted there.');
      expect(await note.locator('.cd-failure-todo').textContent(), path).toContain(FAILURE.action);
      expect(await note.getByRole('link', { name: 'Credentials register' }).getAttribute('href'), path).toBe('/credentials/');
      expect(await note.getByRole('link', { name: 'Run the publisher' }).getAttribute('href'), path).toBe(`https://github.com/${REPOSITORY.config}/actions/workflows/publish.yml`);
      expect(await note.getByRole('link', { name: 'Open posts/2027/03-failed.md' }).getAttribute('href'), path).toBe(`https://github.com/${REPOSITORY.config}/blob/main/posts/2027/03-failed.md`);
      expect(await note.locator('.cd-failure-command').textContent(), path).toContain('copydesk publish');
      await note.getByRole('link', { name: 'Credentials register' }).click();
      await expect.poll(() => page.locator('h1').textContent(), { timeout: 15_000 }).toBe('Credentials register');
      await done(page);
    }
  });

  it('no built page shows a path of the build or publish machine', async () => {
    const { outDir, fixture } = sites.thawed!;
    const leaks: string[] = [];
    for (const file of (await readdir(outDir, { recursive: true })).filter((f) => f.endsWith('.html'))) {
      const html = await readFile(join(outDir, file), 'utf8');
      for (const bad of [fixture.root, PROJECT, '/home/runner', '/tmp/']) if (html.includes(bad)) leaks.push(`${file}: ${bad}`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('previews that look like the network (thawed build)', () => {
  it('each part shows the account handle and avatar; Mastodon cuts the long URL at 30 characters as it does; the link keeps the whole address', async () => {
    const page = await open(sites.thawed, '/posts/2027-03-queued-tart/');
    const url = QUEUED_PART1.slice(QUEUED_PART1.indexOf('https://'));
    const bsky = page.locator('[data-network="bluesky"] .cd-part').nth(0);
    const masto = page.locator('[data-network="mastodon"] .cd-part').nth(0);
    expect(await bsky.locator('.cd-handle').textContent()).toBe('@bakery.example');
    expect(await masto.locator('.cd-handle').textContent()).toBe('@bakery@mastodon.example');
    expect(await bsky.locator('.cd-avatar').isVisible()).toBe(true);
    // Bluesky: the link facet covers the URL as written.
    expect(await bsky.locator('.cd-part-text a').getAttribute('href')).toBe(url);
    expect(await bsky.locator('.cd-part-text a').innerText()).toBe(url);
    // Mastodon: "example.com/menu/spring/rhubar…" on screen, the full address in the link.
    const link = masto.locator('.cd-part-text a');
    expect(await link.getAttribute('href')).toBe(url);
    expect(await link.locator('.cd-ellipsis').textContent()).toBe('example.com/menu/spring/rhubar');
    expect(await link.locator('.cd-ellipsis').evaluate((el) => getComputedStyle(el, '::after').content)).toBe('"…"');
    expect((await link.boundingBox())!.width).toBeLessThan((await bsky.locator('.cd-part-text a').boundingBox())!.width);
    // Links are styled (coloured, not the text colour) the way the app does.
    const colour = (l: typeof link) => l.evaluate((el) => getComputedStyle(el).color);
    expect(await colour(link)).not.toBe(await masto.locator('.cd-part-text').evaluate((el) => getComputedStyle(el).color));
    await done(page);
  });

  it('alt text is behind an "ALT" button, shown on demand', async () => {
    const page = await open(sites.thawed, '/posts/2027-03-queued-tart/', PHONE);
    const alt = page.locator('[data-network="bluesky"] .cd-alt-toggle');
    expect(await alt.locator('.cd-alt').isVisible()).toBe(false);
    // "ALT" on screen as in the apps; a screen reader hears "ALT text of the image".
    expect(await alt.locator('summary').textContent()).toBe('ALT text of the image');
    expect(await alt.locator('summary .sr-only').textContent()).toBe(' text of the image');
    await alt.locator('summary').click();
    expect(await alt.locator('.cd-alt').isVisible()).toBe(true);
    expect(await alt.locator('.cd-alt').textContent()).toBe(ALT);
    await done(page);
  });
});

describe('"Propose a post" (thawed build)', () => {
  it('calendar and status pages open GitHub\'s new-file editor in posts/, prefilled with a post that passes the real check', async () => {
    const page = desk;
    const hrefs: string[] = [];
    for (const path of ['/calendar/', '/calendar/2027-03/', '/calendar/week/2027-W10/', '/status/']) {
      await visit(page, sites.thawed, path);
      const button = page.getByRole('link', { name: 'Propose a post' });
      hrefs.push((await button.getAttribute('href'))!);
    }
    expect(new Set(hrefs).size).toBe(1);
    const href = new URL(hrefs[0]!);
    expect(`${href.origin}${href.pathname}`).toBe(`https://github.com/${REPOSITORY.config}/new/main/posts`);
    const filename = href.searchParams.get('filename')!;
    const value = href.searchParams.get('value')!;
    expect(filename).toMatch(/^[\w-]+\.md$/);
    // The template as GitHub would commit it, parsed and checked in the fixture repository.
    const root = sites.thawed!.fixture.root;
    const config = await loadConfig(root);
    expect(config.ok).toBe(true);
    if (!config.ok) return;
    const parsed = parsePost({ file: `posts/${filename}`, root, bytes: new TextEncoder().encode(value), config: config.config });
    expect(parsed.ok && parsed.problems).toEqual([]);
    const { writeFile: write, rm: remove } = await import('node:fs/promises');
    await write(join(root, 'posts', filename), value);
    try {
      const report = await runCheck({ root, config: config.config, now: Date.parse(NOW), files: [`posts/${filename}`], changed: new Set([`posts/${filename}`]) });
      const findings = report.files.flatMap((f) => f.findings).filter((d) => d.severity === 'error');
      expect(findings).toEqual([]);
      expect(report.files.map((f) => f.file)).toEqual([`posts/${filename}`]);
    } finally {
      await remove(join(root, 'posts', filename));
    }
  });
});

describe('accessibility (axe, WCAG 2 A and AA)', () => {
  const types: [string, 'thawed' | 'frozen', string][] = [
    ['home (frozen banner)', 'frozen', '/'],
    ['playbook page', 'thawed', '/voice/'],
    ['calendar (month)', 'thawed', '/calendar/'],
    ['calendar (week)', 'thawed', '/calendar/week/2027-W10/'],
    ['post page', 'thawed', '/posts/2027-03-queued-tart/'],
    ['post page (failed send)', 'thawed', '/posts/2027-03-failed-hours/'],
    ['status (frozen)', 'frozen', '/status/'],
    ['status (thawed, Propose a post)', 'thawed', '/status/'],
    ['credentials', 'thawed', '/credentials/'],
    ['holding statements', 'frozen', '/holding/'],
    ['holding statement', 'thawed', '/holding/holding-oven-fire/'],
    ['call tree (Polish)', 'thawed', '/pl/roster/'],
    ['inbox', 'thawed', '/inbox/'],
    ['post page (sent, Retract)', 'thawed', '/posts/2027-03-sent-opening/'],
  ];
  // The dark theme changes only colours, so there the colour-contrast rule runs, on the pages
  // with the site's own colours (status badges, length warnings, freeze banner, cards).
  const runs = [
    { scheme: 'light', rules: undefined, pages: types },
    { scheme: 'dark', rules: ['color-contrast'], pages: types.filter(([name]) => /calendar \(month\)|post|status|credentials|holding|inbox/.test(name)) },
  ] as const;
  for (const run of runs) {
    it(`no violations on any page type, ${run.scheme} theme${run.rules ? ` (${run.rules.join(', ')})` : ''}`, { timeout: 150_000 }, async () => {
      const page = await session({ ...DESKTOP, colorScheme: run.scheme });
      const found: string[] = [];
      for (const [name, build, path] of run.pages) {
        await visit(page, sites[build], path);
        expect(await page.locator('html').getAttribute('data-theme')).toBe(run.scheme);
        found.push(...(await axe(page, run.rules ? [...run.rules] : undefined)).map((v) => `${name} ${path}: ${v}`));
      }
      await done(page);
      expect(found).toEqual([]);
    });
  }
});

describe('accessibility of what opens on demand (axe)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`"+N more" unfolded with a filter on, "ALT" opened, and the search dialog with Pagefind's input, ${scheme} theme`, { timeout: 120_000 }, async () => {
      const page = await session({ ...DESKTOP, colorScheme: scheme });
      const rules = scheme === 'dark' ? ['color-contrast'] : undefined;
      const found: string[] = [];
      await visit(page, sites.thawed, '/calendar/');
      await page.locator('#cd-f-network-mastodon').check();
      await page.locator(`[data-date="${BUSY_DAY}"] .cd-more > summary`).click();
      found.push(...(await axe(page, rules)).map((v) => `calendar: ${v}`));
      await visit(page, sites.thawed, '/posts/2027-03-queued-tart/');
      for (const summary of await page.locator('.cd-alt-toggle > summary').all()) await summary.click();
      found.push(...(await axe(page, rules)).map((v) => `post: ${v}`));
      await visit(page, sites.thawed, '/voice/');
      await page.locator('site-search button[data-open-modal]').click();
      await page.locator('#starlight__search .pagefind-ui__search-input').fill(SEARCH_WORD);
      await page.locator('#starlight__search .pagefind-ui__result-link').first().waitFor({ timeout: 15_000 });
      found.push(...(await axe(page, rules)).map((v) => `search: ${v}`));
      await done(page);
      expect(found).toEqual([]);
    });
  }
});

describe('screenshots (test-results/site/)', () => {
  it('key pages at desktop and phone width', { timeout: 120_000 }, async () => {
    const shots: [string, 'thawed' | 'frozen', string][] = [
      ['home-frozen', 'frozen', '/'],
      ['calendar', 'thawed', '/calendar/'],
      ['calendar-week', 'thawed', '/calendar/week/2027-W11/'],
      ['post-failed', 'thawed', '/posts/2027-03-failed-hours/'],
      ['status', 'thawed', '/status/'],
      ['post', 'thawed', '/posts/2027-03-queued-tart/'],
      ['status-frozen', 'frozen', '/status/'],
      ['credentials', 'thawed', '/credentials/'],
      ['holding', 'thawed', '/holding/holding-oven-fire/'],
      ['call-tree-pl', 'thawed', '/pl/roster/'],
      ['inbox', 'thawed', '/inbox/'],
      ['post-sent', 'thawed', '/posts/2027-03-sent-opening/'],
    ];
    await rm(SHOTS, { recursive: true, force: true });
    await mkdir(SHOTS, { recursive: true });
    for (const [size, opts] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const page = await session(opts);
      for (const [name, build, path] of shots) {
        await visit(page, sites[build], path);
        // Full length only where the phone layout is the point (the calendar becomes a list).
        await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: size === 'phone' && name !== 'home-frozen' });
      }
      await done(page);
    }
    expect((await readdir(SHOTS)).filter((f) => f.endsWith('.png'))).toHaveLength(shots.length * 2);
  });
});
