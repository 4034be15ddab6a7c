/**
 * A strict local stand-in for Meta's Threads API (graph.threads.net), built from the documented
 * API because no Threads server can run here (node:http on 127.0.0.1, random port):
 *
 * - `POST /v1.0/{user-id}/threads`          create a container: media_type TEXT, IMAGE, CAROUSEL (+ carousel items)
 *                                           https://developers.facebook.com/docs/threads/posts
 * - `GET  /v1.0/{container-id}?fields=status,error_message`
 *                                           https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
 * - `POST /v1.0/{user-id}/threads_publish`  `creation_id` → media id
 * - `GET  /v1.0/{media-id}?fields=…`        https://developers.facebook.com/docs/threads/threads-media
 * - `GET  /v1.0/{user-id}/threads`, `/replies` (fields, since, until, limit, after; cursor paging)
 *                                           https://developers.facebook.com/docs/threads/threads-media#retrieve-a-list-of-all-a-user-s-threads
 *                                           https://developers.facebook.com/docs/threads/reply-management
 * - `DELETE /v1.0/{media-id}`               https://developers.facebook.com/docs/threads/posts/delete-posts
 * - errors as the Graph API error object    https://developers.facebook.com/docs/graph-api/guides/error-handling
 *
 * Containers live as Threads documents them: IN_PROGRESS for `processingPolls` status reads, then
 * FINISHED (or ERROR when the image address cannot be fetched), EXPIRED 24 hours after creation
 * unless published, PUBLISHED once published (publishing it again is refused). At most 250 posts
 * in 24 hours. A token can expire or be revoked: every call then answers 400 with code 190
 * (OAuthException).
 *
 * Strict: an undocumented path, method, parameter or field, a token in the URL (copydesk keeps it
 * in the Authorization header so it never lands in a log), a missing token, or a request for a
 * user id that is not the account's is answered 599 and recorded in `violations`, which every
 * test expects to stay empty.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/** One container created on the fake. */
export interface FakeContainer {
  id: string;
  mediaType: 'TEXT' | 'IMAGE' | 'CAROUSEL';
  text: string;
  imageUrl?: string;
  altText?: string;
  replyToId?: string;
  carouselItem: boolean;
  children: string[];
  /** Epoch ms on the fake's clock. */
  createdAt: number;
  /** Status reads still answering IN_PROGRESS. */
  pollsLeft: number;
  /** Set when the processing failed (ERROR). */
  error?: string;
  /** The media id once published. */
  mediaId?: string;
}

/** One published post (or reply). */
export interface FakeThread {
  id: string;
  containerId: string;
  text: string;
  mediaType: string;
  /** Epoch ms. */
  at: number;
  replyToId?: string;
  /** Image addresses and alt texts, in order (carousel children included). */
  images: { url: string; alt?: string }[];
  permalink: string;
  deleted: boolean;
}

/** One request received (the token is never kept). */
export interface ThreadsRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  auth: 'valid' | 'invalid' | 'missing';
  at: number;
}

/** A programmed fault for the next publish request. */
export type PublishFault =
  /** The post IS published, then the connection is closed without an answer. */
  | { kind: 'publish-then-close' }
  /** 500 before anything is published. */
  | { kind: 'server-error' };

export interface ThreadsFakeOptions {
  /** The valid long-lived token. */
  token?: string;
  /** The account's Threads user id. */
  userId?: string;
  /** Start of the fake's clock (epoch ms). */
  now?: number;
  /** Status reads a new container answers IN_PROGRESS (default 1; Infinity: stuck). */
  processingPolls?: number;
  /**
   * Whether Threads could download an image address (default: any https address). A refused
   * address makes the container ERROR, as when Threads' fetcher gets a 404.
   */
  canFetch?: (url: string) => boolean;
}

export interface ThreadsFake {
  readonly url: string;
  readonly token: string;
  readonly userId: string;
  now: number;
  processingPolls: number;
  readonly requests: ThreadsRequest[];
  readonly violations: string[];
  readonly containers: FakeContainer[];
  /** Published posts and replies, oldest first (deleted ones stay, marked). */
  readonly threads: FakeThread[];
  /** The token expired (60 days after issue): code 190, subcode 463. */
  expireToken(): void;
  /** The token was revoked (the user removed the app, changed the password): code 190, subcode 460. */
  revokeToken(): void;
  /** The team stored a renewed token (the same value here, for simplicity): calls succeed again. */
  renewToken(): void;
  failNextPublish(fault: PublishFault): void;
  close(): Promise<void>;
}

const DAY = 24 * 3600_000;
const POSTS_PER_DAY = 250;
const CREATE_PARAMS = new Set(['media_type', 'text', 'image_url', 'video_url', 'alt_text', 'reply_to_id', 'is_carousel_item', 'children', 'link_attachment', 'reply_control', 'quote_post_id', 'topic_tag', 'allowlisted_country_codes', 'location_id', 'auto_publish_text']);
const MEDIA_FIELDS = new Set(['id', 'media_product_type', 'media_type', 'media_url', 'permalink', 'owner', 'username', 'text', 'timestamp', 'shortcode', 'thumbnail_url', 'children', 'is_quote_post', 'alt_text', 'link_attachment_url', 'status', 'error_message', 'has_replies', 'is_reply', 'root_post', 'replied_to']);
const CONTAINER_FIELDS = new Set(['id', 'status', 'error_message']);
const LIST_PARAMS = new Set(['fields', 'since', 'until', 'limit', 'before', 'after']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Threads' timestamp format: `2023-10-17T05:42:03+0000`. */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

export async function startThreadsFake(options: ThreadsFakeOptions = {}): Promise<ThreadsFake> {
  const token = options.token ?? 'THQWfake-threads-token';
  const userId = options.userId ?? '17841400000000001';
  const requests: ThreadsRequest[] = [];
  const violations: string[] = [];
  const containers: FakeContainer[] = [];
  const threads: FakeThread[] = [];
  const faults: PublishFault[] = [];
  const sockets = new Set<Socket>();
  const canFetch = options.canFetch ?? ((u: string) => u.startsWith('https://'));
  let tokenState: 'valid' | 'expired' | 'revoked' = 'valid';
  let nextId = 18000000000000001n;
  let base = '';
  const state = { now: options.now ?? Date.parse('2027-03-15T08:00:00Z'), processingPolls: options.processingPolls ?? 1 };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const graphError = (res: ServerResponse, status: number, code: number, message: string, extra: Record<string, unknown> = {}) =>
    json(res, status, { error: { message, type: code === 190 ? 'OAuthException' : 'THApiException', code, ...extra, fbtrace_id: 'AfakeTrace' } });
  const violate = (res: ServerResponse, message: string) => {
    violations.push(message);
    json(res, 599, { error: { message: `fake threads: ${message}`, code: -1 } });
  };
  const id = () => String(nextId++);

  const statusOf = (c: FakeContainer): ContainerStatus => {
    if (c.mediaId) return 'PUBLISHED';
    if (state.now - c.createdAt > DAY) return 'EXPIRED';
    if (c.error) return 'ERROR';
    return c.pollsLeft > 0 ? 'IN_PROGRESS' : 'FINISHED';
  };

  const checkParams = (res: ServerResponse, params: Record<string, string>, allowed: Set<string>, what: string): boolean => {
    const bad = Object.keys(params).filter((k) => !allowed.has(k));
    if (bad.length) {
      violate(res, `${what}: undocumented parameter(s) ${bad.join(', ')}`);
      return false;
    }
    return true;
  };
  const checkFields = (res: ServerResponse, fields: string | undefined, allowed: Set<string>, what: string): string[] | undefined => {
    if (!fields) {
      violate(res, `${what}: no fields= (copydesk always names the fields it reads)`);
      return undefined;
    }
    const list = fields.split(',');
    const bad = list.filter((f) => !allowed.has(f));
    if (bad.length) {
      violate(res, `${what}: unknown field(s) ${bad.join(', ')}`);
      return undefined;
    }
    return list;
  };

  function create(res: ServerResponse, p: Record<string, string>): void {
    if (!checkParams(res, p, CREATE_PARAMS, 'POST /threads')) return;
    const type = p.media_type;
    if (type !== 'TEXT' && type !== 'IMAGE' && type !== 'CAROUSEL') {
      if (type === 'VIDEO') return violate(res, 'copydesk never sends VIDEO');
      return graphError(res, 400, 100, 'Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}');
    }
    const item = p.is_carousel_item === 'true';
    if (p.is_carousel_item !== undefined && p.is_carousel_item !== 'true' && p.is_carousel_item !== 'false') return graphError(res, 400, 100, 'Param is_carousel_item must be a boolean');
    const text = p.text ?? '';
    if (item && (p.text !== undefined || p.reply_to_id !== undefined)) return violate(res, 'a carousel item takes no text or reply_to_id');
    if (type === 'TEXT' && !text) return graphError(res, 400, 100, 'Param text is required for TEXT posts');
    if ([...text].length > 500) return graphError(res, 400, 100, 'Param text must be at most 500 characters long', { error_subcode: 4279009 });
    if (p.alt_text !== undefined && [...p.alt_text].length > 1000) return graphError(res, 400, 100, 'Param alt_text must be at most 1000 characters long');
    if (type === 'IMAGE') {
      if (!p.image_url) return graphError(res, 400, 100, 'Param image_url is required for IMAGE');
      if (!URL.canParse(p.image_url)) return graphError(res, 400, 100, 'Param image_url must be a URL');
    } else if (p.image_url !== undefined || p.alt_text !== undefined) return violate(res, `image_url/alt_text on a ${type} container`);
    if (type === 'CAROUSEL' && item) return graphError(res, 400, 100, 'A carousel cannot be a carousel item');
    let children: string[] = [];
    if (type === 'CAROUSEL') {
      children = (p.children ?? '').split(',').filter(Boolean);
      if (children.length < 2 || children.length > 20) return graphError(res, 400, 100, 'Param children must list 2 to 20 carousel items');
      for (const c of children) {
        const child = containers.find((x) => x.id === c);
        if (!child || !child.carouselItem) return graphError(res, 400, 100, `Param children: ${c} is not a carousel item container`);
        if (statusOf(child) !== 'FINISHED') return graphError(res, 400, 100, `Carousel item ${c} is not ready (status ${statusOf(child)})`);
      }
    } else if (p.children !== undefined) return violate(res, 'children on a non-carousel container');
    if (p.reply_to_id !== undefined) {
      const parent = threads.find((t) => t.id === p.reply_to_id && !t.deleted);
      if (!parent) return graphError(res, 400, 100, 'Param reply_to_id does not refer to a post that exists', { error_subcode: 33 });
    }
    const c: FakeContainer = {
      id: id(), mediaType: type, text, carouselItem: item, children, createdAt: state.now, pollsLeft: state.processingPolls,
      ...(p.image_url ? { imageUrl: p.image_url } : {}), ...(p.alt_text !== undefined ? { altText: p.alt_text } : {}), ...(p.reply_to_id ? { replyToId: p.reply_to_id } : {}),
      ...(p.image_url && !canFetch(p.image_url) ? { error: 'Media download has failed. The media URI doesn\'t meet our requirements.' } : {}),
    };
    containers.push(c);
    json(res, 200, { id: c.id });
  }

  function publish(res: ServerResponse, p: Record<string, string>, socket: Socket): void {
    if (!checkParams(res, p, new Set(['creation_id']), 'POST /threads_publish')) return;
    const c = containers.find((x) => x.id === p.creation_id);
    if (!c) return graphError(res, 400, 100, 'Param creation_id does not refer to a container', { error_subcode: 33 });
    if (c.carouselItem) return violate(res, 'published a carousel item on its own');
    const st = statusOf(c);
    if (st === 'PUBLISHED') return graphError(res, 400, 10, 'The media has already been published', { error_subcode: 2207051 });
    if (st === 'EXPIRED') return graphError(res, 400, 24, 'The container has expired (24 hours); create a new one', { error_subcode: 2207008 });
    if (st === 'ERROR') return graphError(res, 400, 24, `The container could not be processed: ${c.error}`, { error_subcode: 2207032 });
    if (st === 'IN_PROGRESS') return graphError(res, 400, 9007, 'The media is not ready for publishing, please wait for a moment', { error_subcode: 2207027 });
    const fault = faults.shift();
    if (fault?.kind === 'server-error') return graphError(res, 500, 2, 'An unexpected error has occurred. Please retry your request later.');
    const recent = threads.filter((t) => state.now - t.at < DAY).length;
    if (recent >= POSTS_PER_DAY) return graphError(res, 400, 9, 'Application request limit reached: at most 250 posts in 24 hours', { error_subcode: 2207042 });
    const mediaId = id();
    c.mediaId = mediaId;
    const images = c.mediaType === 'CAROUSEL' ? c.children.map((k) => containers.find((x) => x.id === k)!).map((x) => ({ url: x.imageUrl!, ...(x.altText !== undefined ? { alt: x.altText } : {}) })) : c.imageUrl ? [{ url: c.imageUrl, ...(c.altText !== undefined ? { alt: c.altText } : {}) }] : [];
    threads.push({ id: mediaId, containerId: c.id, text: c.text, mediaType: c.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : c.mediaType === 'IMAGE' ? 'IMAGE' : 'TEXT_POST', at: state.now, ...(c.replyToId ? { replyToId: c.replyToId } : {}), images, permalink: `https://www.threads.net/@copydesk/post/C${mediaId.slice(-8)}`, deleted: false });
    if (fault?.kind === 'publish-then-close') return void socket.destroy();
    json(res, 200, { id: mediaId });
  }

  function list(res: ServerResponse, p: Record<string, string>, replies: boolean): void {
    if (!checkParams(res, p, LIST_PARAMS, `GET /${replies ? 'replies' : 'threads'}`)) return;
    const fields = checkFields(res, p.fields, MEDIA_FIELDS, 'GET list');
    if (!fields) return;
    const since = p.since !== undefined ? Number(p.since) * 1000 : -Infinity;
    const until = p.until !== undefined ? Number(p.until) * 1000 : Infinity;
    if (!Number.isFinite(since) && p.since !== undefined) return graphError(res, 400, 100, 'Param since must be a unix timestamp');
    const limit = p.limit !== undefined ? Number(p.limit) : 25;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return graphError(res, 400, 100, 'Param limit must be between 1 and 100');
    const all = threads.filter((t) => !t.deleted && Boolean(t.replyToId) === replies && t.at >= since && t.at <= until).reverse();
    const start = p.after ? Number(Buffer.from(p.after, 'base64url').toString()) : 0;
    const page = all.slice(start, start + limit);
    const data = page.map((t) => Object.fromEntries(fields.map((f) => [f, f === 'id' ? t.id : f === 'text' ? t.text : f === 'timestamp' ? stamp(t.at) : f === 'permalink' ? t.permalink : f === 'media_type' ? t.mediaType : null])));
    const after = Buffer.from(String(start + page.length)).toString('base64url');
    const more = start + page.length < all.length;
    json(res, 200, { data, paging: { cursors: { before: Buffer.from(String(start)).toString('base64url'), after }, ...(more ? { next: `${base}/v1.0/${userId}/${replies ? 'replies' : 'threads'}?after=${after}` } : {}) } });
  }

  function getObject(res: ServerResponse, objectId: string, p: Record<string, string>): void {
    if (!checkParams(res, p, new Set(['fields']), `GET /${objectId}`)) return;
    const c = containers.find((x) => x.id === objectId);
    if (c) {
      const fields = checkFields(res, p.fields, CONTAINER_FIELDS, 'GET container');
      if (!fields) return;
      const st = statusOf(c);
      if (st === 'IN_PROGRESS' && fields.includes('status')) c.pollsLeft--;
      return json(res, 200, Object.fromEntries(fields.map((f) => [f, f === 'id' ? c.id : f === 'status' ? st : (st === 'ERROR' ? c.error : st === 'EXPIRED' ? 'The container expired' : null)])));
    }
    const t = threads.find((x) => x.id === objectId && !x.deleted);
    if (!t) return graphError(res, 400, 100, `Object with ID '${objectId}' does not exist`, { error_subcode: 33 });
    const fields = checkFields(res, p.fields, MEDIA_FIELDS, 'GET media');
    if (!fields) return;
    json(res, 200, Object.fromEntries(fields.map((f) => [f, f === 'id' ? t.id : f === 'text' ? t.text : f === 'timestamp' ? stamp(t.at) : f === 'permalink' ? t.permalink : null])));
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = req.method === 'POST' ? await readBody(req) : '';
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) params[k] = v;
    if (req.method === 'POST') {
      if (url.search) return violate(res, `POST ${url.pathname} with a query string (parameters go in the form body)`);
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return violate(res, `POST ${url.pathname} without a form body`);
      for (const [k, v] of new URLSearchParams(body)) params[k] = v;
    }
    const header = req.headers.authorization;
    const auth: ThreadsRequest['auth'] = !header ? 'missing' : header === `Bearer ${token}` ? 'valid' : 'invalid';
    requests.push({ method: req.method ?? '', path: url.pathname, params: { ...params }, auth, at: state.now });
    if ('access_token' in params) return violate(res, 'the token was sent as a parameter (it must stay in the Authorization header, out of URLs and logs)');
    if (auth === 'missing') return graphError(res, 400, 190, 'An active access token must be used to query information about the current user.');
    if (auth === 'invalid') return graphError(res, 400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (tokenState === 'expired') return graphError(res, 400, 190, `Error validating access token: Session has expired on ${stamp(state.now - 3600_000)}.`, { error_subcode: 463 });
    if (tokenState === 'revoked') return graphError(res, 400, 190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', { error_subcode: 460 });
    const m = /^\/v1\.0\/([^/]+)(?:\/([a-z_]+))?$/.exec(url.pathname);
    if (!m) return violate(res, `${req.method} ${url.pathname}: not a documented path`);
    const [, first, edge] = m;
    if (edge !== undefined) {
      if (first !== userId && first !== 'me') return violate(res, `${req.method} ${url.pathname}: user id ${first} is not the token's user`);
      if (req.method === 'POST' && edge === 'threads') return create(res, params);
      if (req.method === 'POST' && edge === 'threads_publish') return publish(res, params, req.socket);
      if (req.method === 'GET' && (edge === 'threads' || edge === 'replies')) return list(res, params, edge === 'replies');
      return violate(res, `${req.method} ${url.pathname}: not a documented edge`);
    }
    if (req.method === 'GET') return getObject(res, first!, params);
    if (req.method === 'DELETE') {
      if (Object.keys(params).length) return violate(res, 'DELETE with parameters');
      const t = threads.find((x) => x.id === first && !x.deleted);
      if (!t) return graphError(res, 400, 100, `Object with ID '${first}' does not exist`, { error_subcode: 33 });
      t.deleted = true;
      return json(res, 200, { success: true, deleted_id: t.id });
    }
    violate(res, `${req.method} ${url.pathname}: not a documented method`);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    token,
    userId,
    get now() { return state.now; },
    set now(v: number) { state.now = v; },
    get processingPolls() { return state.processingPolls; },
    set processingPolls(v: number) { state.processingPolls = v; },
    requests,
    violations,
    containers,
    threads,
    expireToken() { tokenState = 'expired'; },
    revokeToken() { tokenState = 'revoked'; },
    renewToken() { tokenState = 'valid'; },
    failNextPublish(f) { faults.push(f); },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
