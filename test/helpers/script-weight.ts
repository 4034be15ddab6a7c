/**
 * What a browser really downloads to show a page: a request log in Chromium (Playwright's
 * `requestfinished` events and `Request.sizes()`, https://playwright.dev/docs/api/class-request#request-sizes)
 * over a real page load, kept open until the browser is idle, so scripts a page imports later
 * (dynamic `import()` on `requestIdleCallback`, as Starlight's search did with Pagefind's UI)
 * are counted too. A count of `<script>` tags in the HTML misses those.
 */
import type { Browser, BrowserContextOptions, Page, Request } from 'playwright-core';

export interface PageWeight {
  /** JavaScript bytes transferred (headers + body as sent), every script the page fetched. */
  scriptBytes: number;
  /** Every byte transferred for the page (HTML, CSS, scripts, images, fetches). */
  totalBytes: number;
  /** Path of each script fetched, in order. */
  scripts: string[];
  /** Every URL path fetched. */
  paths: string[];
}

/**
 * Load `url` in a fresh browser context (an empty cache, as a first visit), wait until the browser
 * is idle (plus `settleMs`), and sum what was transferred. `then` may act on the loaded page (open
 * the search) before the log closes.
 */
export async function pageWeight(browser: Browser, url: string, opts: { context?: BrowserContextOptions; settleMs?: number; then?: (page: Page) => Promise<void> } = {}): Promise<PageWeight> {
  const ctx = await browser.newContext(opts.context ?? {});
  try {
    return await measure(await ctx.newPage(), url, opts.settleMs ?? 500, opts.then);
  } finally {
    await ctx.close();
  }
}

async function measure(page: Page, url: string, settleMs: number, then?: (page: Page) => Promise<void>): Promise<PageWeight> {
  const pending: Promise<{ type: string; path: string; bytes: number }>[] = [];
  const onFinished = (req: Request) => {
    pending.push(req.sizes().then((s) => ({ type: req.resourceType(), path: new URL(req.url()).pathname, bytes: s.responseBodySize + s.responseHeadersSize })));
  };
  page.on('requestfinished', onFinished);
  try {
    await page.goto(url, { waitUntil: 'networkidle' });
    // Idle, then a little longer: what `requestIdleCallback` starts must have finished too.
    await page.evaluate((ms) => new Promise<void>((resolve) => (window.requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 1)))(() => setTimeout(resolve, ms))), settleMs);
    await page.waitForLoadState('networkidle');
    if (then) {
      await then(page);
      await page.waitForLoadState('networkidle');
    }
  } finally {
    page.off('requestfinished', onFinished);
  }
  const all = await Promise.all(pending);
  const scripts = all.filter((r) => r.type === 'script' || /\.m?js$/.test(r.path));
  return {
    scriptBytes: scripts.reduce((n, r) => n + r.bytes, 0),
    totalBytes: all.reduce((n, r) => n + r.bytes, 0),
    scripts: scripts.map((r) => r.path),
    paths: all.map((r) => r.path),
  };
}
