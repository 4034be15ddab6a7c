/**
 * The Threads channel (Meta's Threads API, https://developers.facebook.com/docs/threads/posts):
 * a post is a container, then a publish.
 *
 * 1. `POST /v1.0/{user-id}/threads` (`media_type` TEXT, IMAGE or CAROUSEL; `text`, `image_url`,
 *    `alt_text`, `reply_to_id`; carousel items with `is_carousel_item=true`, then `children`) → a
 *    container id;
 * 2. the container id is CLAIMED in the ledger (`part.claim`) before anything is published:
 *    Threads has no idempotency key, so the claim is what makes a rerun after a crash publish the
 *    same container, or find it PUBLISHED, and never create a second post;
 * 3. `GET /v1.0/{container-id}?fields=status,error_message` until FINISHED (IN_PROGRESS → poll;
 *    still not ready → `retry`, the next run resumes the same container);
 * 4. `POST /v1.0/{user-id}/threads_publish` with `creation_id` → the media id;
 * 5. `GET /v1.0/{media-id}?fields=permalink` for the link people open.
 *
 * Images: Threads downloads `image_url` itself, so the channel sends the site's public address of
 * the file (`channels.threads.site_url` + `/media/<repository path>`, where the site serves it);
 * without it a post with images fails before anything is created, with the setting to add.
 * Replies: `reply_to_id` is the previous part's media id.
 * Read-back (`find`): the claimed container's status, then the account's posts
 * (`GET /v1.0/{user-id}/threads`, replies `GET /v1.0/{user-id}/replies`, `fields=id,text,timestamp,permalink`,
 * `since` the attempt) for the media id.
 * Creating the channel makes no request.
 */
import type { Channel, FindResult, OutgoingPart, RemoveResult, SendResult, SentRef } from './channel.ts';
import { redactSecret } from './mastodon-http.ts';
import type { GraphOutcome, ThreadsSession } from './threads-http.ts';
import { graphError, graphRequest, isTokenProblem, THREADS_TOKEN_ACTION, THREADS_TOKEN_SECRET, threadsFailure } from './threads-http.ts';

/** How to reach one Threads account. */
export interface ThreadsChannelOptions {
  /** Graph API base, default `https://graph.threads.net`. */
  api?: string;
  /** The Threads user id (default `me`). */
  userId?: string;
  /** Long-lived access token (threads_basic, threads_content_publish). Secret. */
  token: string;
  /** Public base URL of the site that serves `/media/<path>`; required for posts with images. */
  siteUrl?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout (default 30 000 ms). */
  timeoutMs?: number;
  /** Pause between container status polls (default 5 000 ms; Meta suggests about 30 s in all before publishing). */
  pollMs?: number;
  /** Most polls per container in one send (default 12). */
  pollMax?: number;
  /** The clock for `retryAt` (default `Date.now`; time is a parameter). */
  now?: () => number;
  /** Called once with the token, so the run masks and redacts it (secret-sink.ts). */
  onSecret?: (value: string) => void;
}

/** A post counts as this part only if created at most this long before the part's scheduled time. */
export const THREADS_FIND_SLACK_MS = 15 * 60_000;
/** Posts read per page (the documented default is 25, the most 100), and pages read at most. */
const FIND_PAGE = 100;
const FIND_MAX_PAGES = 5;

/** What a person does when the read-back cannot be certain. */
export const THREADS_UNCERTAIN_ACTION =
  'Look at the Threads account: if this part is there, nothing more is needed. If it is not, run `copydesk publish --retry <post id>` to send it.';

type ContainerStatus = 'FINISHED' | 'IN_PROGRESS' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Public address of a media file on the site (the same path as src/site/ui.ts `mediaPath`). */
export function publicMediaUrl(siteUrl: string, repoPath: string): string {
  return `${siteUrl.replace(/\/+$/, '')}/media/${repoPath.split('/').map(encodeURIComponent).join('/')}`;
}

export function createThreadsChannel(opts: ThreadsChannelOptions): Channel {
  opts.onSecret?.(opts.token);
  const s: ThreadsSession = {
    base: `${(opts.api ?? 'https://graph.threads.net').replace(/\/+$/, '')}/v1.0`,
    token: opts.token.trim(),
    userId: opts.userId ?? 'me',
    fetch: opts.fetch ?? globalThis.fetch,
    sleep: opts.sleep ?? defaultSleep,
    timeoutMs: opts.timeoutMs ?? 30_000,
    pollMs: opts.pollMs ?? 5_000,
    pollMax: opts.pollMax ?? 12,
    now: opts.now ?? Date.now,
  };
  const user = encodeURIComponent(s.userId);

  const ok = (o: GraphOutcome): boolean => o.kind === 'response' && o.status >= 200 && o.status < 300;
  const idOf = (o: GraphOutcome): string | undefined => {
    const id = ok(o) && o.kind === 'response' ? (o.json as { id?: unknown } | undefined)?.id : undefined;
    return typeof id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
  };

  async function containerStatus(id: string): Promise<{ status: ContainerStatus; error?: string } | { failure: Exclude<SendResult, { status: 'sent' }> }> {
    const what = 'GET /{container-id}?fields=status,error_message';
    const o = await graphRequest(s, 'GET', `/${encodeURIComponent(id)}`, { fields: 'status,error_message' });
    if (!ok(o) || o.kind !== 'response') return { failure: threadsFailure(s, o, 'status', what) };
    const j = o.json as { status?: unknown; error_message?: unknown };
    if (typeof j?.status !== 'string' || !['FINISHED', 'IN_PROGRESS', 'ERROR', 'EXPIRED', 'PUBLISHED'].includes(j.status)) {
      return { failure: { status: 'retry', error: `Threads ${what} answered without a known status` } };
    }
    return { status: j.status as ContainerStatus, ...(typeof j.error_message === 'string' ? { error: j.error_message.slice(0, 300) } : {}) };
  }

  /** Poll until FINISHED. */
  async function waitFinished(id: string): Promise<{ ready: true } | { ready: false; result: Exclude<SendResult, { status: 'sent' }> } | { published: true }> {
    for (let i = 0; ; i++) {
      const st = await containerStatus(id);
      if ('failure' in st) return { ready: false, result: st.failure };
      if (st.status === 'FINISHED') return { ready: true };
      if (st.status === 'PUBLISHED') return { published: true };
      if (st.status === 'ERROR' || st.status === 'EXPIRED') {
        return { ready: false, result: { status: 'failed', error: `Threads could not prepare the post (container ${st.status}${st.error ? `: ${st.error}` : ''})`, action: 'Check that every image is a JPEG or PNG under 8 MB reachable at the site address (channels.threads.site_url), and the text, then run `copydesk publish --retry <post id>`.' } };
      }
      if (i + 1 >= s.pollMax) return { ready: false, result: { status: 'retry', error: `Threads is still preparing the post (container IN_PROGRESS after ${s.pollMax} checks); the next run publishes the same container`, retryAt: s.now() + 5 * 60_000 } };
      await s.sleep(s.pollMs);
    }
  }

  async function create(params: Record<string, string>, what: string): Promise<string | Exclude<SendResult, { status: 'sent' }>> {
    const o = await graphRequest(s, 'POST', `/${user}/threads`, params);
    const id = idOf(o);
    if (id) return id;
    return ok(o) ? { status: 'retry', error: `Threads ${what} answered without a container id` } : threadsFailure(s, o, 'container', what);
  }

  async function createContainer(part: OutgoingPart): Promise<string | Exclude<SendResult, { status: 'sent' }>> {
    const what = 'POST /{user-id}/threads';
    const reply: Record<string, string> = part.parent ? { reply_to_id: part.parent.id } : {};
    if (part.media.length === 0) return create({ media_type: 'TEXT', text: part.text, ...reply }, what);
    const urls = part.media.map((m) => publicMediaUrl(opts.siteUrl!, m.repoPath));
    if (part.media.length === 1) return create({ media_type: 'IMAGE', image_url: urls[0]!, alt_text: part.media[0]!.alt, text: part.text, ...reply }, what);
    const children: string[] = [];
    for (const [i, m] of part.media.entries()) {
      const child = await create({ media_type: 'IMAGE', image_url: urls[i]!, alt_text: m.alt, is_carousel_item: 'true' }, `${what} (carousel item ${i + 1})`);
      if (typeof child !== 'string') return child;
      const w = await waitFinished(child);
      if (!('ready' in w)) return { status: 'retry', error: 'Threads reported a carousel item already published' };
      if (!w.ready) return w.result.status === 'retry' ? { status: 'retry', error: w.result.error, ...(w.result.retryAt ? { retryAt: w.result.retryAt } : {}) } : w.result;
      children.push(child);
    }
    return create({ media_type: 'CAROUSEL', children: children.join(','), text: part.text, ...reply }, `${what} (carousel)`);
  }

  async function permalinkOf(id: string): Promise<SentRef> {
    const o = await graphRequest(s, 'GET', `/${encodeURIComponent(id)}`, { fields: 'permalink' });
    const url = ok(o) && o.kind === 'response' ? (o.json as { permalink?: unknown } | undefined)?.permalink : undefined;
    return typeof url === 'string' && /^https:\/\//.test(url) ? { id, url } : { id };
  }

  async function publishContainer(creationId: string): Promise<SendResult> {
    const what = 'POST /{user-id}/threads_publish';
    const o = await graphRequest(s, 'POST', `/${user}/threads_publish`, { creation_id: creationId });
    const id = idOf(o);
    if (id) return { status: 'sent', ref: await permalinkOf(id) };
    if (ok(o)) return { status: 'unknown', error: `Threads ${what} answered without a media id` };
    return threadsFailure(s, o, 'publish', what);
  }

  /** Look for the part among the account's posts (or replies) since the attempt. */
  async function readBack(part: OutgoingPart): Promise<FindResult> {
    const path = part.part > 0 || part.parent ? 'replies' : 'threads';
    const what = `GET /{user-id}/${path}`;
    const since = Math.floor((part.scheduledAt - THREADS_FIND_SLACK_MS) / 1000);
    let params: Record<string, string> = { fields: 'id,text,timestamp,permalink', since: String(since), limit: String(FIND_PAGE) };
    let match: FindResult | undefined;
    for (let page = 1; page <= FIND_MAX_PAGES; page++) {
      const o = await graphRequest(s, 'GET', `/${user}/${path}`, params);
      if (!ok(o) || o.kind !== 'response') {
        const e = o.kind === 'response' ? graphError(o.json) : undefined;
        const token = isTokenProblem(o);
        const error = redactSecret(`Threads ${what} ${o.kind === 'response' ? `answered HTTP ${o.status}${e ? `: ${e.message}${e.code !== undefined ? ` (code ${e.code})` : ''}` : ''}` : `failed: ${o.error}`}`, s.token);
        return token ? { status: 'unknown', error, action: THREADS_TOKEN_ACTION, credential: true } : { status: 'unknown', error };
      }
      const j = o.json as { data?: unknown; paging?: { cursors?: { after?: unknown }; next?: unknown } };
      if (!Array.isArray(j?.data)) return { status: 'unknown', error: `Threads ${what} did not answer with a list of posts` };
      for (const raw of j.data as { id?: unknown; text?: unknown; timestamp?: unknown; permalink?: unknown }[]) {
        if (typeof raw?.id !== 'string' || typeof raw.text !== 'string') continue;
        const t = typeof raw.timestamp === 'string' ? Date.parse(raw.timestamp) : NaN;
        if (Number.isFinite(t) && t < since * 1000) continue;
        if (raw.text.trim() !== part.text.trim()) continue;
        // Newest first: keep the last match, the oldest copy.
        match = { status: 'found', ref: typeof raw.permalink === 'string' ? { id: raw.id, url: raw.permalink } : { id: raw.id } };
      }
      if (match) return match;
      const after = j.paging?.cursors?.after;
      if (!j.paging?.next || typeof after !== 'string' || j.data.length === 0) return { status: 'absent' };
      params = { ...params, after };
    }
    return { status: 'unknown', error: `read back ${FIND_MAX_PAGES * FIND_PAGE} Threads posts without reaching the time of the attempt`, action: THREADS_UNCERTAIN_ACTION };
  }

  async function send(part: OutgoingPart): Promise<SendResult> {
    if (s.token === '') return { status: 'failed', error: 'no Threads access token is configured', action: `Store a Threads long-lived token as the secret ${THREADS_TOKEN_SECRET}.`, credential: true };
    if (part.media.length > 0 && !opts.siteUrl) {
      return {
        status: 'failed',
        error: 'Threads fetches every image from a public address, and no public site address is configured; nothing was sent',
        action: 'Set `channels.threads.site_url` in copydesk.config.yaml to the public address of the copydesk site (it serves images at /media/…), or post without images on Threads.',
      };
    }
    let creation = part.claimed;
    if (creation) {
      // An earlier attempt created (and claimed) this container: publish it, or find it published.
      const w = await waitFinished(creation);
      if ('published' in w) {
        const found = await readBack(part);
        if (found.status === 'found') return { status: 'sent', ref: found.ref };
        return { status: 'unknown', error: `Threads says the claimed container ${creation} is already published, but the post was not found on the account${found.status === 'unknown' ? ` (${found.error})` : ''}; nothing was published again` };
      }
      if (w.ready) return publishContainer(creation);
      // ERROR or EXPIRED (24 hours after creation): nothing went out from it, make a new one.
      if (w.result.status !== 'failed' || w.result.credential) return w.result;
      creation = undefined;
    }
    const created = await createContainer(part);
    if (typeof created !== 'string') return created;
    try {
      await part.claim?.(created);
    } catch (e) {
      return { status: 'retry', error: `the Threads container could not be recorded in the ledger (${e instanceof Error ? e.message : String(e)}); nothing was published` };
    }
    const w = await waitFinished(created);
    if ('published' in w) return { status: 'unknown', error: `Threads says container ${created} is already published` };
    if (!w.ready) return w.result;
    return publishContainer(created);
  }

  async function find(part: OutgoingPart): Promise<FindResult> {
    if (part.claimed) {
      const st = await containerStatus(part.claimed);
      if ('failure' in st) return st.failure.status === 'failed' && st.failure.credential ? { status: 'unknown', error: st.failure.error, action: st.failure.action, credential: true } : { status: 'unknown', error: st.failure.error };
      if (st.status !== 'PUBLISHED') return { status: 'absent' };
      const found = await readBack(part);
      if (found.status === 'found') return found;
      return { status: 'unknown', error: `Threads says container ${part.claimed} is published, but the post was not found on the account`, action: THREADS_UNCERTAIN_ACTION };
    }
    return readBack(part);
  }

  async function remove(ref: SentRef): Promise<RemoveResult> {
    const what = 'DELETE /{threads-media-id}';
    const o = await graphRequest(s, 'DELETE', `/${encodeURIComponent(ref.id)}`);
    if (ok(o)) return { status: 'removed', alreadyGone: false };
    const e = o.kind === 'response' ? graphError(o.json) : undefined;
    if (o.kind === 'response' && (o.status === 404 || (e?.code === 100 && e.subcode === 33))) return { status: 'removed', alreadyGone: true };
    const f = threadsFailure(s, o, 'container', what);
    if (f.status === 'failed') return { status: 'failed', error: f.error, action: f.action };
    if (f.status === 'retry') return { status: 'retry', error: f.error, ...(f.retryAt ? { retryAt: f.retryAt } : {}) };
    return { status: 'retry', error: f.error };
  }

  return { name: 'threads', send, find, remove };
}

export { THREADS_TOKEN_ACTION };
