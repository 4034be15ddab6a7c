/**
 * Site benchmark: 1,000 posts (threads, images, half of them already sent according to the ledger)
 * in a temporary repository with the real playbook, one real `astro build`. Prints the build time
 * (goal ≤ 15 s) with Astro's own phases, the page count, and then the site's weight as a browser
 * really loads it: each page type opened in headless Chromium with an empty cache, every request
 * logged until the browser is idle (so dynamic imports count), JavaScript bytes transferred
 * (goal ≤ 50 KB without opening search), and the height of a month page at desktop and phone size.
 *
 *   node bench/site.bench.ts [posts]      (BENCH_VERBOSE=1: Astro's log)
 */
import { cp, mkdir, mkdtemp, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from '../test/helpers/chromium.ts';
import { recordEvents, type LedgerEvent } from '../src/schedule/ledger.ts';
import { buildSite, serveStatic } from '../src/site/serve.ts';
import { pageWeight } from '../test/helpers/script-weight.ts';
import { createDirStore } from '../src/state/dir-store.ts';
import { png } from '../test/site/fixture.ts';

const PROJECT = join(import.meta.dirname, '..');
const COUNT = Number(process.argv[2] ?? 1000);
const GOAL_MS = 15_000;
const NOW = '2027-04-01T10:00:00Z';
const START = Date.parse('2027-01-01T08:00:00Z');
const STEP = 4 * 3_600_000;

const WORDS = 'sourdough rye crust oven morning bakery loaf butter rhubarb tart cinnamon bun queue Saturday fresh flour starter honey poppy seed'.split(' ');
const sentence = (i: number, n: number) => Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
const pad = (n: number) => String(n).padStart(2, '0');
const local = (t: number) => {
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00Z`;
};

async function makeRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'copydesk-site-bench-'));
  await cp(join(PROJECT, 'playbook'), join(root, 'playbook'), { recursive: true });
  await cp(join(PROJECT, 'copydesk.config.yaml'), join(root, 'copydesk.config.yaml'));
  await mkdir(join(root, 'posts', 'media'), { recursive: true });
  await writeFile(join(root, 'posts', 'media', 'loaf.png'), png(320, 200, [200, 150, 90]));
  const events: LedgerEvent[] = [];
  for (let i = 0; i < COUNT; i++) {
    const at = START + i * STEP;
    const id = `bench-${String(i).padStart(4, '0')}`;
    const parts = i % 5 === 0 ? 3 : 1;
    const body = Array.from({ length: parts }, (_, p) => `${sentence(i + p, 18)}. https://example.com/menu/${i}/${p}`).join('\n---\n');
    const media = i % 4 === 0 ? `media:\n  - path: ../../media/loaf.png\n    alt: A ${sentence(i, 4)} loaf on the counter.\n` : '';
    const dir = join(root, 'posts', String(new Date(at).getUTCFullYear()), pad(new Date(at).getUTCMonth() + 1));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${id}.md`), `---\nid: ${id}\npublish_at: "${local(at)}"\nchannels: [bluesky, mastodon]\ntags: [${i % 3 === 0 ? 'promo' : 'menu'}]\n${media}---\n${body}\n`);
    if (at < Date.parse(NOW) && i % 10 !== 0) {
      for (const network of ['bluesky', 'mastodon'] as const) {
        for (let p = 0; p < parts; p++) {
          events.push({ at: new Date(at + 60_000).toISOString(), postId: id, network, part: p, state: 'sent', via: network, runId: `bench-${i}`, ref: { id: `${id}-${p}`, url: `https://social.example/${network}/${id}/${p}` } });
        }
      }
    }
  }
  await recordEvents(createDirStore(join(root, '.copydesk', 'state')), events, 'bench ledger');
  return root;
}

const JS_GOAL = 50 * 1024;
const PAGE_TYPES: [string, string][] = [
  ['playbook page', '/voice/'],
  ['home (Polish)', '/pl/'],
  ['calendar month', '/calendar/2027-02/'],
  ['calendar week', '/calendar/week/2027-W06/'],
  ['post page', '/posts/bench-0004/'],
  ['status', '/status/'],
  ['credentials', '/credentials/'],
];

/** What Chromium downloads per page type, and how tall a busy month is. */
async function browserFigures(outDir: string): Promise<void> {
  const server = await serveStatic(outDir);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  try {
    for (const [name, path] of PAGE_TYPES) {
      const w = await pageWeight(browser, new URL(path.slice(1), server.url).href);
      const pagefind = w.paths.some((p) => p.includes('pagefind'));
      console.log(`JS transferred, ${name} ${path}: ${kb(w.scriptBytes)} in ${w.scripts.length} files (goal ≤ ${kb(JS_GOAL)}: ${w.scriptBytes <= JS_GOAL ? 'met' : 'MISSED'}); all bytes ${kb(w.totalBytes)}${pagefind ? '; loads Pagefind without search being opened' : ''}`);
    }
    const opened = await pageWeight(browser, new URL('voice/', server.url).href, {
      then: async (page) => {
        await page.keyboard.press('Control+k');
        await page.locator('#starlight__search input').waitFor();
      },
    });
    console.log(`JS transferred, playbook page with search opened: ${kb(opened.scriptBytes)} in ${opened.scripts.length} files`);
    for (const [size, viewport, isMobile] of [['desktop', { width: 1280, height: 900 }, false], ['phone', { width: 390, height: 844 }, true]] as const) {
      const ctx = await browser.newContext({ viewport, isMobile });
      const page = await ctx.newPage();
      await page.goto(new URL('calendar/2027-02/', server.url).href);
      const r = await page.evaluate(() => ({ height: document.documentElement.scrollHeight, posts: document.querySelectorAll('.cd-month .cd-chip').length }));
      console.log(`month page /calendar/2027-02/ (${r.posts} posts), ${size}: ${r.height} px tall`);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

const root = await makeRepo();
let astroLog = '';
try {
  // Inside the project (see buildSite); removed afterwards.
  const outDir = join(PROJECT, 'node_modules', '.cache', 'copydesk-site-bench', basename(root));
  const built = await buildSite({
    projectRoot: PROJECT,
    outDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, COPYDESK_ROOT: root, COPYDESK_NOW: NOW, COPYDESK_SITE_CACHE: join(root, '.astro-cache') },
    log: (t: string) => {
      astroLog += t;
      if (process.env.BENCH_VERBOSE) process.stderr.write(t);
    },
  });
  if (!built.ok) {
    console.error(`site build failed (exit ${built.exitCode}):\n${built.output}`);
    process.exitCode = 1;
  } else {
    const files = await readdir(outDir, { recursive: true });
    const html = files.filter((f) => f.endsWith('.html')).length;
    const images = files.filter((f) => f.startsWith('media/') && /\.(png|jpe?g|gif|webp)$/i.test(f)).length;
    console.log(`posts: ${COUNT}, HTML pages: ${html}, image files served: ${images}; machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (other work on the machine slows the build)`);
    console.log(`build (astro build + pagefind, child process): ${(built.ms / 1000).toFixed(1)} s (goal ≤ ${GOAL_MS / 1000} s: ${built.ms <= GOAL_MS ? 'met' : 'MISSED'})`);
    // Where the time goes, from Astro's own log lines.
    for (const line of astroLog.split('\n')) {
      if (/Synced content|Generated|Collecting build info|✓ built in|Completed in|search index|page\(s\) built/.test(line)) console.log(`  ${line.replace(/\x1b\[[0-9;]*m/g, '').trim()}`);
    }
    if (COUNT >= 4 && !images) {
      console.error('no post image reached the site: the bench posts\' media paths are wrong');
      process.exitCode = 1;
    }
    await browserFigures(outDir);
  }
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
  else {
    await rm(root, { recursive: true, force: true });
    await rm(join(PROJECT, 'node_modules', '.cache', 'copydesk-site-bench', basename(root)), { recursive: true, force: true });
    await rmdir(join(PROJECT, 'node_modules', '.cache', 'copydesk-site-bench')).catch(() => {});
  }
}
