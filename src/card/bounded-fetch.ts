/**
 * One bounded GET for link cards: the only place copydesk fetches a page a post links to. A link
 * is written by whoever opens a pull request, so every request is limited:
 * - https only; the address is resolved first and EVERY address the name has (IPv4 and IPv6) must
 *   be public (./public-address.ts); the connection then goes to the address that was checked
 *   (`lookup` is pinned), so a name that changes its answer between check and connect (DNS
 *   rebinding) cannot reach the runner or the metadata service;
 * - at most `maxRedirects` redirects, each one checked again like the first URL;
 * - a connect timeout and a total deadline for the whole chain;
 * - at most `maxBytes` read (after decompression, so a small gzip bomb cannot grow): for a page,
 *   reading stops there and the beginning is kept (the `<head>` is at the start); for an image,
 *   it is refused.
 * The permission to use http or a non-public address is a parameter for tests only; no
 * environment variable turns it on.
 * Node APIs: https://nodejs.org/api/http.html#httprequesturl-options-callback (`lookup`),
 * https://nodejs.org/api/dns.html#dnspromiseslookuphostname-options (`all: true`).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { canonicalAddress, nonPublicReason } from './public-address.ts';

/** Limits of one fetch (a redirect chain counts as one). */
export interface FetchLimits {
  /** Give up when the TCP (and TLS) connection is not up after this many ms. */
  connectTimeoutMs: number;
  /** Give up when the whole chain (redirects and body) is not done after this many ms. */
  totalTimeoutMs: number;
  /** Read at most this many bytes of the body (after decompression). */
  maxBytes: number;
  /** Follow at most this many redirects. */
  maxRedirects: number;
}

/**
 * What tests may allow that production never does. Omitted in production: https to public
 * addresses only.
 */
export interface FetchPermission {
  /** Allow `http:` URLs (the tests' local server speaks plain HTTP). */
  http?: boolean;
  /** Non-public addresses allowed anyway, exactly these (tests: `['127.0.0.1']`). */
  addresses?: readonly string[];
  /**
   * Host names answered without DNS, like curl's `--resolve` (tests: `{ 'cafe.example.com':
   * '127.0.0.1' }`, so a post can link to a real-looking address the URL extractor accepts).
   * The answer is still checked against `addresses`.
   */
  hosts?: Readonly<Record<string, string>>;
}

/** Why a fetch gave no body. `blocked` means copydesk refused, the others that the site did. */
export type FetchFailure =
  | 'bad-url' | 'not-https' | 'blocked' | 'dns' | 'timeout' | 'redirects' | 'status' | 'type' | 'too-large' | 'network';

export type FetchOutcome =
  | {
      ok: true;
      /** The URL after redirects: relative links in the body resolve against it. */
      url: string;
      /** The `Content-Type` media type, lower case, without parameters. */
      type: string;
      /** The body, at most `maxBytes`. */
      body: Buffer;
      /** True when the body was longer and reading stopped at `maxBytes` (`truncate` mode only). */
      truncated: boolean;
    }
  | { ok: false; code: FetchFailure; reason: string };

export interface FetchRequest {
  url: string;
  /** Which media types are acceptable (checked on the `Content-Type` of the final answer). */
  accepts: (type: string) => boolean;
  /** Human name of what is expected, for messages ("an HTML page", "an image"). */
  expected: string;
  /** Sent as `Accept`. */
  accept: string;
  limits: FetchLimits;
  /** Over `maxBytes`: keep the beginning (true, pages) or refuse (false, images). */
  truncate: boolean;
  /** Tests only. */
  permission?: FetchPermission;
}

const USER_AGENT = 'Mozilla/5.0 (compatible; copydesk-link-card/1.0; +https://docs.bsky.app/docs/advanced-guides/posts#website-card-embeds)';

/** GET a URL within the limits; never throws. */
export async function boundedFetch(req: FetchRequest): Promise<FetchOutcome> {
  const deadline = Date.now() + req.limits.totalTimeoutMs;
  let url = req.url;
  for (let hop = 0; ; hop++) {
    const target = await checkTarget(url, req.permission, Math.max(1, Math.min(req.limits.connectTimeoutMs, deadline - Date.now())));
    if (!target.ok) return hop === 0 ? target : { ...target, reason: `${target.reason} (reached by a redirect)` };
    const answer = await getOnce(target.url, target.address, req, deadline);
    if (answer.kind === 'failure') return answer.failure;
    if (answer.kind === 'redirect') {
      if (hop >= req.limits.maxRedirects) return { ok: false, code: 'redirects', reason: `more than ${req.limits.maxRedirects} redirects starting at ${req.url}` };
      try {
        url = new URL(answer.location, target.url).href;
      } catch {
        return { ok: false, code: 'bad-url', reason: `a redirect points to an invalid address (${answer.location.slice(0, 200)})` };
      }
      continue;
    }
    return answer.outcome;
  }
}

type Target = { ok: true; url: URL; address: { address: string; family: 4 | 6 } } | { ok: false; code: FetchFailure; reason: string };

/** Scheme, then every address of the host; the first allowed address is the one connected to. */
async function checkTarget(raw: string, permission: FetchPermission | undefined, dnsTimeoutMs: number): Promise<Target> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'bad-url', reason: `${raw.slice(0, 200)} is not a valid address` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && permission?.http)) {
    return { ok: false, code: 'not-https', reason: `${url.href.slice(0, 200)} is not https (copydesk fetches cards over https only)` };
  }
  if (url.username || url.password) return { ok: false, code: 'bad-url', reason: `${url.host} carries a user name or password in the address` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  const pinned = permission?.hosts?.[host.toLowerCase()];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else if (pinned !== undefined) addresses = [{ address: pinned, family: isIP(pinned) }];
  else {
    try {
      // getaddrinfo has no timeout of its own: bounded here (the lookup goes on in the background).
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('DNS timeout'), { code: 'a DNS timeout' })), dnsTimeoutMs); timer.unref?.(); });
      try {
        addresses = await Promise.race([dnsLookup(host, { all: true, verbatim: true }), slow]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      return { ok: false, code: 'dns', reason: `the name ${host} does not resolve (${(e as NodeJS.ErrnoException).code ?? 'DNS error'})` };
    }
  }
  const allowed = new Set((permission?.addresses ?? []).map(canonicalAddress));
  if (!addresses.length) return { ok: false, code: 'dns', reason: `the name ${host} has no address` };
  for (const a of addresses) {
    const why = allowed.has(canonicalAddress(a.address)) ? undefined : nonPublicReason(a.address);
    if (why) return { ok: false, code: 'blocked', reason: `${isIP(host) ? host : `${host} resolves to ${a.address}, which`} is ${why}; copydesk only fetches cards from public addresses` };
  }
  const first = addresses[0]!;
  return { ok: true, url, address: { address: first.address, family: first.family === 6 ? 6 : 4 } };
}

type Once =
  | { kind: 'redirect'; location: string }
  | { kind: 'done'; outcome: Extract<FetchOutcome, { ok: true }> | Extract<FetchOutcome, { ok: false }> }
  | { kind: 'failure'; failure: Extract<FetchOutcome, { ok: false }> };

function getOnce(url: URL, pinned: { address: string; family: 4 | 6 }, req: FetchRequest, deadline: number): Promise<Once> {
  return new Promise((resolve) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (o: Once) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      resolve(o);
    };
    const fail = (code: FetchFailure, reason: string) => finish({ kind: 'failure', failure: { ok: false, code, reason } });
    // The connection goes to the address checked above, whatever DNS says now.
    const lookup: LookupFunction = (_host, opts, cb) => {
      if ((opts as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
      else cb(null, pinned.address, pinned.family);
    };
    const mod = url.protocol === 'https:' ? https : http;
    const request = mod.request(url, {
      method: 'GET',
      lookup,
      headers: { 'user-agent': USER_AGENT, accept: req.accept, 'accept-encoding': 'gzip, deflate, br' },
      // One connection per request: no keep-alive pool shared with anything else.
      agent: false,
    });
    const timeLeft = Math.max(0, deadline - Date.now());
    timers.push(setTimeout(() => { request.destroy(); fail('timeout', `${url.host} did not answer within ${Math.round(req.limits.totalTimeoutMs / 1000)} s`); }, timeLeft));
    timers.push(setTimeout(() => { if (!connected) { request.destroy(); fail('timeout', `could not connect to ${url.host} within ${Math.round(req.limits.connectTimeoutMs / 1000)} s`); } }, Math.min(timeLeft, req.limits.connectTimeoutMs)));
    let connected = false;
    request.on('socket', (s) => s.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true)));
    request.on('error', (e) => fail('network', `${url.host}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    request.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.destroy();
        return finish({ kind: 'redirect', location: res.headers.location });
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        const hint = status === 401 || status === 403 || status === 429 ? ' (the site may block automated fetchers)' : '';
        return fail('status', `${url.host} answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}${hint}`);
      }
      const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!req.accepts(type)) {
        res.destroy();
        return fail('type', `${url.href.slice(0, 200)} is ${type || 'of no stated type'}, not ${req.expected}`);
      }
      const declared = Number(res.headers['content-length']);
      const encoding = (res.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (!req.truncate && encoding === 'identity' && declared > req.limits.maxBytes) {
        res.destroy();
        return fail('too-large', `${url.href.slice(0, 200)} is ${declared} bytes; copydesk reads at most ${req.limits.maxBytes}`);
      }
      let body: Readable = res;
      if (encoding === 'gzip' || encoding === 'x-gzip') body = res.pipe(createGunzip());
      else if (encoding === 'deflate') body = res.pipe(createInflate());
      else if (encoding === 'br') body = res.pipe(createBrotliDecompress());
      else if (encoding !== 'identity') {
        res.destroy();
        return fail('type', `${url.host} sent an encoding copydesk does not read (${encoding})`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      body.on('data', (c: Buffer) => {
        if (settled) return;
        if (size + c.length > req.limits.maxBytes) {
          res.destroy();
          body.destroy();
          if (!req.truncate) return fail('too-large', `${url.href.slice(0, 200)} is over ${req.limits.maxBytes} bytes; copydesk reads at most that`);
          chunks.push(c.subarray(0, req.limits.maxBytes - size));
          return finish({ kind: 'done', outcome: { ok: true, url: url.href, type, body: Buffer.concat(chunks), truncated: true } });
        }
        size += c.length;
        chunks.push(c);
      });
      body.on('error', (e) => fail('network', `${url.host}: the answer broke off (${(e as NodeJS.ErrnoException).code ?? e.message})`));
      body.on('end', () => finish({ kind: 'done', outcome: { ok: true, url: url.href, type, body: Buffer.concat(chunks), truncated: false } }));
    });
    request.end();
  });
}
