/**
 * Link cards against a local web server serving real-world page shapes. What a user notices: the
 * card's title, description, domain and picture; the picture always fits Bluesky's 1,000,000
 * bytes; a page that cannot give a card gives a reason and a fix instead; and a link in a post can
 * never make copydesk fetch a private, loopback or metadata address, or read without limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { boundedFetch, type FetchLimits } from '../../src/card/bounded-fetch.ts';
import { DEFAULT_CARD_LIMITS, fetchCard, type CardLimits } from '../../src/card/fetch-card.ts';
import { nonPublicReason } from '../../src/card/public-address.ts';
import { startCardServer, type CardServer } from '../helpers/card-server.ts';

let server: CardServer;
beforeAll(async () => {
  server = await startCardServer();
});
afterAll(async () => {
  await server?.close();
});

const NOW = new Date('2027-03-10T08:00:00Z');
/** The test server is http on 127.0.0.1: exactly that is allowed, nothing else. */
const LOCAL = { http: true, addresses: ['127.0.0.1'] };
const fast: FetchLimits = { connectTimeoutMs: 1000, totalTimeoutMs: 1500, maxBytes: 1_000_000, maxRedirects: 5 };
const limits: CardLimits = { page: fast, image: { ...fast, maxBytes: 5_000_000, totalTimeoutMs: 5000 } };
const card = (path: string, o: { permission?: typeof LOCAL | undefined } = { permission: LOCAL }) =>
  fetchCard(`${server.base}${path}`, { now: NOW, limits, ...(o.permission ? { permission: o.permission } : {}) });

describe('pages with Open Graph tags', () => {
  it('builds the card from og:title, og:description and og:image, with a re-encoded JPEG picture', async () => {
    const r = await card('/full');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.problems).toEqual([]);
    expect(r.card).toMatchObject({ uri: `${server.base}/full`, title: 'Rhubarb tart & coffee', titleFrom: 'og:title', description: 'Our spring menu, every morning.', domain: '127.0.0.1', imageUrl: `${server.base}/img/small.png`, fetchedAt: NOW.toISOString() });
    const meta = await sharp(r.card.thumb!.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([1200, 630]);
    expect(r.card.thumb!.bytes.byteLength).toBeLessThanOrEqual(1_000_000);
  });

  it('falls back to <title> and the meta description when the page has no og:title', async () => {
    const r = await card('/no-og');
    expect(r.ok && r.card).toMatchObject({ title: 'Spring menu | Café', titleFrom: 'title', description: 'From the page description' });
    expect(r.ok && r.card.thumb).toBeUndefined();
  });

  it('gives no card, with a reason and a fix, when the page has no title at all', async () => {
    const r = await card('/nothing');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.reason).toContain('has no og:title and no <title>');
    expect(r.problem.fix).toMatch(/og:title/);
  });

  it('resolves a relative og:image against the final page URL after a redirect', async () => {
    const r = await card('/go-relative');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.card.finalUrl).toBe(`${server.base}/blog/2027/post.html`);
    expect(r.card.uri).toBe(`${server.base}/go-relative`);
    expect(r.card.imageUrl).toBe(`${server.base}/blog/img/wide.jpg`);
    expect([r.card.thumb!.width, r.card.thumb!.height]).toEqual([400, 100]);
  });

  it('reads a gzip-compressed page', async () => {
    const r = await card('/gzip');
    expect(r.ok && r.card.title).toBe('Compressed');
  });
});

describe('pictures', () => {
  it('re-encodes an og:image over 1 MB until it fits Bluesky, keeping its aspect ratio', async () => {
    expect(server.sizes.huge).toBeGreaterThan(1_000_000);
    const r = await card('/huge');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.problems).toEqual([]);
    const t = r.card.thumb!;
    expect(t.bytes.byteLength).toBeLessThanOrEqual(1_000_000);
    expect((await sharp(t.bytes).metadata()).format).toBe('jpeg');
    expect(Math.abs(t.width / t.height - 1000 / 800)).toBeLessThan(0.01);
  });

  it('refuses an og:image over the 5 MB read limit: the card goes without a picture, with a warning', async () => {
    expect(server.sizes.giant).toBeGreaterThan(5_000_000);
    const r = await card('/giant');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.card.title).toBe('Giant picture');
    expect(r.card.thumb).toBeUndefined();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.reason).toMatch(/over|is \d+ bytes/);
    expect(r.problems[0]!.fix).toContain('smaller og:image');
  });

  it('never renders an SVG picture (it can reference other files)', async () => {
    const r = await card('/svg');
    expect(r.ok && r.card.thumb).toBeUndefined();
    expect(r.ok && r.problems[0]!.reason).toMatch(/not an image|svg/i);
  });
});

describe('redirects', () => {
  it('follows a chain of relative and absolute redirects (301/302/307/308)', async () => {
    const r = await card('/chain/1');
    expect(r.ok && r.card.title).toBe('Rhubarb tart & coffee');
    expect(r.ok && r.card.finalUrl).toBe(`${server.base}/full`);
  });

  it('stops a redirect loop after 5 redirects', async () => {
    const before = server.requests.filter((p) => p === '/loop').length;
    const r = await card('/loop');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.reason).toContain('more than 5 redirects');
    expect(server.requests.filter((p) => p === '/loop').length - before).toBe(6);
  });

  it.each([
    ['/to-metadata', '169.254.169.254', 'link-local'],
    ['/to-private', '10.0.0.7', 'private'],
    ['/to-ipv6-loopback', '::1', 'loopback'],
    ['/to-mapped-loopback', '::ffff:7f00:2', 'loopback'],
  ])('refuses a redirect from %s to %s before connecting', async (path, address, kind) => {
    const r = await card(path);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.reason).toContain(address);
    expect(r.problem.reason).toContain(kind);
    expect(r.problem.reason).toContain('reached by a redirect');
    expect(r.problem.fix).toMatch(/public page/);
  });
});

describe('without the test permission (production)', () => {
  it('refuses http', async () => {
    const r = await card('/full', { permission: undefined });
    expect(!r.ok && r.problem.reason).toContain('is not https');
  });

  it('refuses the loopback address even over an allowed scheme', async () => {
    const r = await fetchCard(`${server.base}/full`, { now: NOW, limits, permission: { http: true } });
    expect(!r.ok && r.problem.reason).toMatch(/127\.0\.0\.1 is a loopback address/);
    const r2 = await fetchCard(`http://localhost:${server.port}/full`, { now: NOW, limits, permission: { http: true } });
    expect(!r2.ok && r2.problem.reason).toMatch(/localhost resolves to .*, which is a loopback address/);
  });

  it('has production limits of 10 s, 1 MB per page and 5 MB per picture', () => {
    expect(DEFAULT_CARD_LIMITS.page).toMatchObject({ totalTimeoutMs: 10_000, maxBytes: 1_000_000, maxRedirects: 5 });
    expect(DEFAULT_CARD_LIMITS.image.maxBytes).toBe(5_000_000);
  });
});

describe('bad answers', () => {
  it('gives up on a page that never finishes, within the total timeout', async () => {
    const t0 = Date.now();
    const r = await card('/slow-body');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(!r.ok && r.problem.reason).toMatch(/did not answer within/);
  });

  it('gives up on a server that never answers', async () => {
    const r = await card('/no-answer');
    expect(!r.ok && r.problem.reason).toMatch(/did not answer within/);
  });

  it('refuses a non-HTML answer', async () => {
    const r = await card('/pdf');
    expect(!r.ok && r.problem.reason).toContain('is application/pdf, not an HTML page');
  });

  it('says a 403 may mean the site blocks fetchers', async () => {
    const r = await card('/forbidden');
    expect(!r.ok && r.problem.reason).toMatch(/answered 403.*block automated fetchers/);
    expect(!r.ok && r.problem.fix).toMatch(/browser/);
  });

  it('stops reading a page at 1 MB and still builds the card from its head', async () => {
    const r = await card('/big-early');
    expect(r.ok && r.card.title).toBe('Big page');
    // The server had 20 MB to send; the connection was closed long before (socket buffers allow some slack).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.written.get('/big-early')!).toBeLessThan(8_000_000);
  });

  it('gives no card when the tags come only after the first 1 MB', async () => {
    const r = await card('/big-late');
    expect(!r.ok && r.problem.reason).toContain('in its first 1000000 bytes');
  });

  it('reports an unknown host as a reason, not a crash', async () => {
    const r = await boundedFetch({ url: 'https://no-such-host.invalid/', accepts: () => true, expected: 'x', accept: '*/*', limits: fast, truncate: true });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe('dns');
  });
});

describe('which addresses are public', () => {
  it.each([
    '127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::1', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '2001:db8::1',
  ])('%s is not public', (a) => {
    expect(nonPublicReason(a)).toBeDefined();
  });
  it.each(['93.184.215.14', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])('%s is public', (a) => {
    expect(nonPublicReason(a)).toBeUndefined();
  });
});

describe('re-encoding (makeThumbnail)', () => {
  it('lowers quality, then size, until the picture fits, keeping the aspect ratio', async () => {
    const { noisePng } = await import('../helpers/card-server.ts');
    const { makeThumbnail } = await import('../../src/card/thumbnail.ts');
    const input = await noisePng(1600, 900);
    const r = await makeThumbnail(input, 150_000);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.thumb.bytes.byteLength).toBeLessThanOrEqual(150_000);
    expect(r.thumb.width).toBeLessThan(1200); // had to shrink below the first size
    expect(Math.abs(r.thumb.width / r.thumb.height - 16 / 9)).toBeLessThan(0.02);
  });

  it('gives a reason, not a broken picture, when it cannot fit or is not an image', async () => {
    const { makeThumbnail } = await import('../../src/card/thumbnail.ts');
    const { noisePng } = await import('../helpers/card-server.ts');
    const tiny = await makeThumbnail(await noisePng(400, 300), 200);
    expect(!tiny.ok && tiny.reason).toContain('does not fit in 200 bytes');
    const junk = await makeThumbnail(new TextEncoder().encode('<html>not a picture</html>'));
    expect(!junk.ok && junk.reason).toContain('cannot be read as an image');
  });
});
