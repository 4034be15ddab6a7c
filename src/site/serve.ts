/**
 * Build the playbook site and serve `dist/` on localhost, for `npm start` and the browser tests.
 * The server is a small static file server with GitHub Pages' behaviour where it matters:
 * `/voice` redirects to `/voice/`, folders serve `index.html`, unknown paths get `404.html` with
 * status 404, and nothing outside the folder can be read.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface StaticServer {
  /** Base address, e.g. `http://127.0.0.1:43121/` (ends with the base path). */
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Interface to listen on (default 127.0.0.1: never exposed by accident). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** Path the site is built for (Astro `base`), e.g. `/repo/`; default `/`. */
  base?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif', '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.woff2': 'font/woff2', '.wasm': 'application/wasm',
  // Pagefind's index fragments and metadata are binary.
  '.pf_meta': 'application/octet-stream', '.pf_index': 'application/octet-stream', '.pf_fragment': 'application/octet-stream', '.pagefind': 'application/octet-stream',
};

/** Serve a built site folder. */
export async function serveStatic(dir: string, opts: ServeOptions = {}): Promise<StaticServer> {
  const rootDir = resolve(dir);
  const base = `/${(opts.base ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const server = createServer(async (req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed', { Allow: 'GET, HEAD' });
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (!path.startsWith(base) && `${path}/` !== base) return send(404, 'not found');
    const rel = path.slice(Math.min(base.length, path.length));
    const abs = normalize(join(rootDir, rel));
    if (abs !== rootDir && !abs.startsWith(rootDir + sep)) return send(404, 'not found');
    const file = async (p: string) => (await stat(p).catch(() => undefined));
    let target = abs;
    let s = await file(target);
    if (s?.isDirectory()) {
      if (!path.endsWith('/')) return send(301, 'moved', { Location: `${path}/` });
      target = join(target, 'index.html');
      s = await file(target);
    }
    let status = 200;
    if (!s?.isFile()) {
      target = join(rootDir, '404.html');
      s = await file(target);
      status = 404;
      if (!s?.isFile()) return send(404, 'not found');
    }
    res.writeHead(status, { 'Content-Type': TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': String(s.size) });
    if (req.method === 'HEAD') return res.end();
    createReadStream(target).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}${base}`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

export interface BuildOptions {
  /** Folder holding astro.config.mjs (the copydesk checkout). */
  projectRoot: string;
  /**
   * Where to write the site (default `<projectRoot>/dist`). Keep it inside `projectRoot`: Astro
   * writes its prerender chunks next to an outDir inside the working folder, but into the shared
   * `<projectRoot>/.astro/.prerender` otherwise, where two builds at once overwrite each other.
   */
  outDir?: string;
  /** Environment of the build (COPYDESK_ROOT, COPYDESK_NOW, COPYDESK_STATE, …; see astro.config.mjs). */
  env: Record<string, string | undefined>;
  /** Where the build's output goes (default: discarded). */
  log?: (text: string) => void;
}

export type BuildResult = { ok: true; outDir: string; ms: number } | { ok: false; exitCode: number | null; output: string; ms: number };

/** Run `astro build` in a child process (Astro uses ~600 MB; a child returns it when done). */
export function buildSite(o: BuildOptions): Promise<BuildResult> {
  const outDir = resolve(o.outDir ?? join(o.projectRoot, 'dist'));
  const started = performance.now();
  if (!outDir.startsWith(resolve(o.projectRoot) + sep)) {
    return Promise.resolve({ ok: false, exitCode: null, output: `outDir ${outDir} must be inside ${o.projectRoot} (see BuildOptions.outDir)`, ms: 0 });
  }
  return new Promise((ok) => {
    // A larger young generation: rendering a thousand pages allocates a lot of short-lived objects,
    // and the default 16 MB semi-space makes V8 collect garbage a few thousand times.
    const child = spawn(process.execPath, ['--max-semi-space-size=64', join(o.projectRoot, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build', '--outDir', outDir], {
      cwd: o.projectRoot,
      env: { ...o.env, ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (b: Buffer) => {
      const t = b.toString();
      output = (output + t).slice(-20_000);
      o.log?.(t);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => ok({ ok: false, exitCode: null, output: `${output}\n${e.message}`, ms: performance.now() - started }));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      ok(code === 0 ? { ok: true, outDir, ms } : { ok: false, exitCode: code, output, ms });
    });
  });
}

/** Build, then serve on localhost: what `npm start` runs. Resolves once the site is being served. */
export async function buildAndServe(o: BuildOptions & ServeOptions): Promise<{ ok: true; server: StaticServer } | { ok: false; message: string }> {
  const built = await buildSite(o);
  if (!built.ok) return { ok: false, message: `astro build failed (exit ${built.exitCode}):\n${built.output}` };
  const base = o.env.COPYDESK_BASE;
  return { ok: true, server: await serveStatic(built.outDir, { ...o, ...(base ? { base } : {}) }) };
}
