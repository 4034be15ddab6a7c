/**
 * A local web server (node:http on 127.0.0.1) serving the page shapes link cards meet in the
 * wild: full Open Graph tags, a page without og:title, relative og:image behind a redirect, huge
 * images, redirect chains and loops, redirects to private addresses, slow answers, a PDF, a page
 * over the size limit, a 403, gzip, an SVG picture. Each request is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';

export interface CardServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  /** Paths requested, in order. */
  requests: string[];
  /** Bytes of the big pages actually written before the client hung up, by path. */
  written: Map<string, number>;
  /** Sizes of the images served, by path. */
  sizes: Record<string, number>;
  close(): Promise<void>;
}

/** A PNG of random pixels: barely compressible, so its size is about width × height × 3. */
export async function noisePng(width: number, height: number): Promise<Buffer> {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

const page = (head: string, body = '<p>Hello</p>') => `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;

export async function startCardServer(): Promise<CardServer> {
  const small = await sharp({ create: { width: 1200, height: 630, channels: 3, background: '#f0822d' } }).png().toBuffer();
  const wide = await sharp({ create: { width: 400, height: 100, channels: 3, background: '#2d82f0' } }).jpeg().toBuffer();
  const huge = await noisePng(1000, 800); // ~2.4 MB: over Bluesky's 1 MB, under the 5 MB read limit
  const giant = await noisePng(1500, 1300); // ~5.9 MB: over the read limit
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>');
  const requests: string[] = [];
  const written = new Map<string, number>();
  let base = '';

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    const html = (s: string, status = 200) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(s);
    };
    const img = (b: Buffer, type = 'image/png') => {
      res.writeHead(200, { 'content-type': type, 'content-length': b.length });
      res.end(b);
    };
    const redirect = (to: string, status = 302) => {
      res.writeHead(status, { location: to });
      res.end();
    };
    switch (path) {
      case '/full':
        return html(page(`<title>Ignored title</title><meta property="og:title" content="Rhubarb tart &amp; coffee"><meta property="og:description" content="Our spring menu,\n  every morning."><meta property="og:image" content="${base}/img/small.png">`));
      case '/hostile':
        return html(page('<meta property="og:title" content="Win ![x](https://evil.test/p.png) <img src=x onerror=alert(1)> @everyone #1 [click](https://evil.test)"><meta property="og:description" content="| cell | break\n```">'));
      case '/no-og':
        return html(page('<title>  Spring menu | Café </title><meta name="description" content="From the page description">'));
      case '/nothing':
        return html(page('<meta name="viewport" content="width=device-width">'));
      case '/go-relative':
        return redirect('/blog/2027/post.html', 301);
      case '/blog/2027/post.html':
        return html(page('<meta property="og:title" content="Relative"><meta property="og:image" content="../img/wide.jpg">'));
      case '/blog/img/wide.jpg':
        return img(wide, 'image/jpeg');
      case '/huge':
        return html(page(`<meta property="og:title" content="Huge picture"><meta property="og:image" content="/img/huge.png">`));
      case '/giant':
        return html(page(`<meta property="og:title" content="Giant picture"><meta property="og:image" content="/img/giant.png">`));
      case '/svg':
        return html(page(`<meta property="og:title" content="SVG picture"><meta property="og:image" content="/img/pic.svg">`));
      case '/img/small.png':
        return img(small);
      case '/img/huge.png':
        return img(huge);
      case '/img/giant.png':
        return img(giant);
      case '/img/pic.svg':
        return img(svg, 'image/svg+xml');
      case '/chain/1':
        return redirect('/chain/2');
      case '/chain/2':
        return redirect(`${base}/chain/3`, 307);
      case '/chain/3':
        return redirect('/full', 308);
      case '/loop':
        return redirect('/loop');
      case '/to-metadata':
        return redirect('http://169.254.169.254/latest/meta-data/');
      case '/to-private':
        return redirect('http://10.0.0.7/admin');
      case '/to-ipv6-loopback':
        return redirect(`http://[::1]:${(server.address() as AddressInfo).port}/full`);
      case '/to-mapped-loopback':
        return redirect(`http://[::ffff:127.0.0.2]:${(server.address() as AddressInfo).port}/full`);
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><head>');
        return; // never finishes
      case '/no-answer':
        return; // never answers
      case '/pdf':
        res.writeHead(200, { 'content-type': 'application/pdf' });
        return res.end('%PDF-1.7');
      case '/forbidden':
        return html('<h1>Forbidden</h1>', 403);
      case '/gzip': {
        const body = gzipSync(page('<meta property="og:title" content="Compressed">'));
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
        return res.end(body);
      }
      case '/big-early':
      case '/big-late': {
        // 20 MB of HTML, written in 64 KB chunks; the tags first or only after 1.2 MB.
        res.writeHead(200, { 'content-type': 'text/html' });
        const tags = '<meta property="og:title" content="Big page">';
        const filler = `<p>${'x'.repeat(65_536 - 7)}</p>`;
        let sent = 0;
        const start = path === '/big-early' ? `<html><head>${tags}</head><body>` : '<html><head></head><body>';
        res.write(start);
        sent += start.length;
        written.set(path, sent);
        const pump = () => {
          while (sent < 20_000_000) {
            const chunk = path === '/big-late' && sent > 1_200_000 && sent < 1_300_000 ? tags + filler : filler;
            sent += chunk.length;
            written.set(path, sent);
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('</body></html>');
        };
        res.on('error', () => {});
        return pump();
      }
      default:
        return html('<h1>Not found</h1>', 404);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return {
    base, port, requests, written,
    sizes: { small: small.length, huge: huge.length, giant: giant.length },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
