/**
 * A strict local stand-in for a Mastodon instance (node:http on 127.0.0.1, random port), built from
 * the documented API, because no Mastodon server can run here:
 *
 * - `GET  /api/v2/instance`                        https://docs.joinmastodon.org/methods/instance/#v2
 * - `POST /api/v2/media`, `GET /api/v1/media/:id`  https://docs.joinmastodon.org/methods/media/
 * - `POST /api/v1/statuses`                        https://docs.joinmastodon.org/methods/statuses/#create
 * - `DELETE /api/v1/statuses/:id`                  https://docs.joinmastodon.org/methods/statuses/#delete
 *   (200 with the deleted status and its `text` source; 404 "Record not found" once it is gone)
 * - `GET  /api/v1/accounts/verify_credentials`     https://docs.joinmastodon.org/methods/accounts/#verify_credentials
 * - `GET  /api/v1/accounts/:id/statuses`           https://docs.joinmastodon.org/methods/accounts/#statuses
 *   (paginated with `max_id`/`since_id`/`min_id` and a `Link` header: https://docs.joinmastodon.org/api/guidelines/#pagination)
 * - rate-limit headers                              https://docs.joinmastodon.org/api/rate-limits/
 * - `GET  /api/v1/notifications`                   https://docs.joinmastodon.org/methods/notifications/#get
 *   (types[], exclude_types[], include_filtered, account_id; paginated like statuses, `Link` header)
 * - `GET  /api/v2/notifications/policy`            https://docs.joinmastodon.org/methods/notifications/#get-policy
 * - `GET  /api/v1/statuses/:id/context`            https://docs.joinmastodon.org/methods/statuses/#context
 *
 * Customers are other accounts (`addAccount`); `receiveMention` makes one of them write a status
 * that mentions the team (any visibility, `direct` included, optionally replying to another
 * status) and the notification Mastodon would create for it, unless the policy drops it. A
 * notification the policy filters is only listed with `include_filtered=true`.
 *
 * Anything else (another path or method, a missing `Authorization` header, a status without
 * `Idempotency-Key`, `scheduled_at`, an undocumented parameter) is answered with HTTP 599 and
 * recorded in `violations`, which every test expects to stay empty.
 *
 * Behaviour a client must cope with is real here: `Idempotency-Key` is remembered for one hour of
 * the fake's own clock (`now`), uploads answer 202 and `GET /api/v1/media/:id` 206 until processed,
 * a status naming unprocessed media is refused with 422, and status text comes back only as HTML
 * rendered the way Mastodon renders it (paragraphs, `<br />`, links with hidden spans, hashtags,
 * mentions without their domain).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One attachment as stored by the fake. */
export interface FakeMedia {
  /** Attachment id. */
  id: string;
  /** Alt text received as `description`. */
  description: string | null;
  /** MIME type of the uploaded file. */
  mime: string;
  /** File name of the uploaded file. */
  filename: string;
  /** Size in bytes. */
  size: number;
  /** Polls of `GET /api/v1/media/:id` still to answer 206 before the file counts as processed. */
  pollsLeft: number;
  /** Id of the status it is attached to, once attached. */
  statusId: string | null;
}

/** One status created on the fake. */
export interface FakeStatus {
  /** Status id. */
  id: string;
  /** ISO creation time from the fake's clock. */
  created_at: string;
  /** The text exactly as posted. */
  text: string;
  /** HTML as Mastodon renders it. */
  content: string;
  /** The replied-to status id, or null. */
  in_reply_to_id: string | null;
  /** `public`, `unlisted`, `private` or `direct`. */
  visibility: string;
  /** ISO 639-1 code sent, or null. */
  language: string | null;
  /** Attachments in order, with their descriptions. */
  media: FakeMedia[];
  /** The `Idempotency-Key` it was created with. */
  idempotencyKey: string;
  /** Public web address. */
  url: string;
  /** For a status by someone else (a customer, `addCustomerStatus`): their `acct`; absent for the token's own account. */
  author?: string;
  /** The author's account id; absent: the team's account. */
  accountId?: string;
}

/** Another account on the fake (a customer). */
export interface FakeAccount {
  id: string;
  /** `maria` (local) or `maria@other.example` (remote). */
  acct: string;
  display_name: string;
  /** ISO creation time. */
  created_at: string;
}

/** One notification of the team's account. */
export interface FakeNotification {
  id: string;
  type: 'mention';
  created_at: string;
  accountId: string;
  statusId: string;
  /** The notification policy filtered it: listed only with `include_filtered=true`. */
  filtered: boolean;
}

/** `GET /api/v2/notifications/policy` values. */
export type PolicyValue = 'accept' | 'filter' | 'drop';
export interface FakeNotificationPolicy {
  for_not_following: PolicyValue;
  for_not_followers: PolicyValue;
  for_new_accounts: PolicyValue;
  for_private_mentions: PolicyValue;
  for_limited_accounts: PolicyValue;
}

/** One request the fake received. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Whether `Authorization: Bearer <token>` was right, wrong or absent (the value is never kept). */
  auth: 'valid' | 'invalid' | 'missing';
  /** The `Idempotency-Key` header, if sent. */
  idempotencyKey?: string;
  /** The fake's clock when it arrived. */
  at: number;
}

/** A programmed failure for the next `POST /api/v1/statuses`. */
export type StatusFault =
  /** 429 with `X-RateLimit-*` headers; `reset` is the ISO `X-RateLimit-Reset` value. */
  | { kind: 'rate-limited'; reset: string }
  /** 422 with `{"error": error}`. */
  | { kind: 'unprocessable'; error: string }
  /** A 5xx; with `created` the status IS created before the error is answered. */
  | { kind: 'server-error'; status: 500 | 502 | 503; created: boolean }
  /** The status IS created, then the connection is closed without an answer. */
  | { kind: 'accept-then-close' }
  /** The status IS created, then no answer ever comes (the client times out). */
  | { kind: 'accept-then-hang' }
  /** 401, as when the token was revoked a moment ago. */
  | { kind: 'unauthorized' };

/** A programmed failure for the next `DELETE /api/v1/statuses/:id`. */
export type DeleteFault =
  /** 429 with `X-RateLimit-Reset` = `reset` (ISO). */
  | { kind: 'rate-limited'; reset: string }
  /** A 5xx before anything is deleted. */
  | { kind: 'server-error'; status: 500 | 502 | 503 };

/** Instance settings. */
export interface MastodonFakeOptions {
  /** The only valid access token (default `fake-mastodon-token`). */
  token?: string;
  /** Start of the fake's clock, epoch ms (default 2025-03-01T09:00:00Z). */
  now?: number;
  /** How many `GET /api/v1/media/:id` answer 206 after an upload (default 1); 0 answers uploads with 200. */
  mediaProcessingPolls?: number;
  /** `configuration.statuses.max_characters` (default 500). */
  maxCharacters?: number;
  /** `configuration.statuses.max_media_attachments` (default 4). */
  maxMediaAttachments?: number;
  /** `configuration.statuses.characters_reserved_per_url` (default 23). */
  charactersReservedPerUrl?: number;
}

/** A running fake. */
export interface MastodonFake {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** The valid access token (a new one after `issueToken`). */
  readonly token: string;
  /** The fake's clock (epoch ms); set it to move time, e.g. past the one-hour idempotency window. */
  now: number;
  /** How many polls newly uploaded media answer 206 (0: uploads answer 200 at once). */
  mediaProcessingPolls: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Every request a real client should never make; tests assert this stays empty. */
  readonly violations: string[];
  /** Statuses created, oldest first. */
  readonly statuses: FakeStatus[];
  /** Attachments uploaded, oldest first. */
  readonly media: FakeMedia[];
  /** The account id of the token's user. */
  readonly accountId: string;
  /**
   * A status written by someone else (a customer) on this instance, so the shop can reply to it:
   * it is never listed in the shop's own timeline.
   */
  addCustomerStatus(spec: { acct: string; text: string; visibility?: 'public' | 'unlisted' | 'private' | 'direct' }): FakeStatus;
  /** Answer the next `times` status posts with `fault`. */
  failNextStatusPosts(fault: StatusFault, times?: number): void;
  /** Statuses deleted with `DELETE /api/v1/statuses/:id`, in order (a status appears once: a second delete is a 404). */
  readonly deleted: FakeStatus[];
  /** Answer the next `times` status deletions with `fault`. */
  failNextDeletes(fault: DeleteFault, times?: number): void;
  /** Make the token invalid from now on (every authenticated request answers 401). */
  revokeToken(): void;
  /** A person issued a new token: only `value` is valid from now on. */
  issueToken(value: string): void;
  /** Stop the server and drop open connections. */
  close(): Promise<void>;
  /** Notifications of the team's account, oldest first. */
  readonly notifications: FakeNotification[];
  /** The notification policy (edit it in tests; default: everything accepted). */
  policy: FakeNotificationPolicy;
  /** Answer `GET /api/v2/notifications/policy` with 404, as servers before 4.3 do. */
  policyUnsupported: boolean;
  /** Create a customer account. */
  addAccount(acct: string, opts?: { displayName?: string; createdAt?: string }): FakeAccount;
  /**
   * `account` writes a status mentioning the team. `filter`: the policy kept it aside (listed only
   * with include_filtered); `drop`: no notification at all. Returns the status.
   */
  receiveMention(account: FakeAccount, text: string, opts?: { visibility?: 'public' | 'unlisted' | 'private' | 'direct'; inReplyTo?: string; policy?: 'accept' | 'filter' | 'drop'; language?: string }): FakeStatus;
}

/** Mastodon's idempotency window: keys are "stored for up to 1 hour". */
const IDEMPOTENCY_MS = 60 * 60_000;
const RATE_LIMIT = 300;
const USERNAME = 'copydesk';
/** What `configuration.media_attachments.supported_mime_types` lists (a subset of Mastodon's). */
const SUPPORTED_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'video/mp4', 'audio/mpeg'];
const VISIBILITIES = new Set(['public', 'unlisted', 'private', 'direct']);
/** Documented `POST /api/v1/statuses` parameters (JSON keys; form keys add `[]`/`[...]`). */
const STATUS_PARAMS = new Set([
  'status',
  'media_ids',
  'poll',
  'in_reply_to_id',
  'sensitive',
  'spoiler_text',
  'visibility',
  'language',
  'scheduled_at',
  'quoted_status_id',
  'quote_approval_policy',
]);

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const TOKEN_RE =
  /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)'])|(^|[^\w/@])@(\w+)(?:@([a-z0-9-]+(?:\.[a-z0-9-]+)+))?|(^|[^\w&/#])#(\w+)/gi;

/** Render one line the way Mastodon's TextFormatter does: escape, then links, mentions, hashtags. */
function renderLine(line: string, base: string): string {
  let html = '';
  let last = 0;
  for (const m of line.matchAll(TOKEN_RE)) {
    const index = m.index ?? 0;
    html += escapeHtml(line.slice(last, index));
    if (m[1]) {
      const url = m[1];
      const prefix = /^https?:\/\/(www\.)?/.exec(url)?.[0] ?? '';
      const rest = url.slice(prefix.length);
      const shown = rest.slice(0, 30);
      const hidden = rest.slice(30);
      html +=
        `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no">` +
        `<span class="invisible">${escapeHtml(prefix)}</span>` +
        `<span class="${hidden ? 'ellipsis' : ''}">${escapeHtml(shown)}</span>` +
        `<span class="invisible">${escapeHtml(hidden)}</span></a>`;
    } else if (m[3]) {
      const host = m[4] ? `https://${m[4]}` : base;
      html +=
        escapeHtml(m[2] ?? '') +
        `<span class="h-card" translate="no"><a href="${escapeHtml(`${host}/@${m[3]}`)}" class="u-url mention">` +
        `@<span>${escapeHtml(m[3])}</span></a></span>`;
    } else {
      html +=
        escapeHtml(m[5] ?? '') +
        `<a href="${escapeHtml(`${base}/tags/${m[6]}`)}" class="mention hashtag" rel="tag">#<span>${escapeHtml(m[6] ?? '')}</span></a>`;
    }
    last = index + m[0].length;
  }
  return html + escapeHtml(line.slice(last));
}

/** Mastodon's plain-text → HTML: paragraphs on blank lines, `<br />` on single line breaks. */
export function renderStatusHtml(text: string, base: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/)
    .map((para) => `<p>${para.split('\n').map((line) => renderLine(line, base)).join('<br />')}</p>`)
    .join('');
}

/** Characters as Mastodon counts them: code points, every URL as `reserved` characters. */
function countCharacters(text: string, reserved: number): number {
  return [...text.replace(/https?:\/\/\S+/g, 'x'.repeat(reserved))].length;
}

/** Field names of a form (the project's TS lib has no DOM.Iterable, so no `keys()`). */
function formKeys(form: FormData): string[] {
  const keys: string[] = [];
  form.forEach((_value, key) => keys.push(key));
  return keys;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Start a fake instance on 127.0.0.1 with a random port. */
export async function startMastodonFake(options: MastodonFakeOptions = {}): Promise<MastodonFake> {
  let token = options.token ?? 'fake-mastodon-token';
  const limits = {
    max_characters: options.maxCharacters ?? 500,
    max_media_attachments: options.maxMediaAttachments ?? 4,
    characters_reserved_per_url: options.charactersReservedPerUrl ?? 23,
  };
  const accountId = '109000000000000001';
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const statuses: FakeStatus[] = [];
  const deleted: FakeStatus[] = [];
  const deleteFaults: DeleteFault[] = [];
  /** Statuses by other accounts (customers): not in `statuses`, which are the team's. */
  const remoteStatuses: FakeStatus[] = [];
  const accounts: FakeAccount[] = [];
  const notifications: FakeNotification[] = [];
  let nextAccount = 109000000000000100n;
  let nextNotification = 500001n;
  const policy: FakeNotificationPolicy = { for_not_following: 'accept', for_not_followers: 'accept', for_new_accounts: 'accept', for_private_mentions: 'accept', for_limited_accounts: 'accept' };
  let policyUnsupported = false;
  const media: FakeMedia[] = [];
  const idempotency = new Map<string, { statusId: string; at: number }>();
  const faults: StatusFault[] = [];
  const sockets = new Set<Socket>();
  let tokenValid = true;
  let nextStatus = 110000000000000001n;
  let nextMedia = 22000001;
  let base = '';

  const state = {
    now: options.now ?? Date.parse('2025-03-01T09:00:00Z'),
    mediaProcessingPolls: options.mediaProcessingPolls ?? 1,
  };

  function rateHeaders(remaining: number, reset: string): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(RATE_LIMIT),
      'X-RateLimit-Remaining': String(Math.max(0, remaining)),
      'X-RateLimit-Reset': reset,
    };
  }

  function windowReset(): string {
    const window = 5 * 60_000;
    return new Date(Math.floor(state.now / window) * window + window).toISOString();
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      ...rateHeaders(RATE_LIMIT - requests.length, windowReset()),
      ...headers,
    });
    res.end(text);
  }

  function violate(res: ServerResponse, message: string): void {
    violations.push(message);
    send(res, 599, { error: `fake mastodon: ${message}` });
  }

  function mediaJson(m: FakeMedia): Record<string, unknown> {
    const processed = m.pollsLeft <= 0;
    return {
      id: m.id,
      type: m.mime.split('/')[0] === 'image' ? 'image' : 'unknown',
      url: processed ? `${base}/system/media_attachments/files/${m.id}/original/${m.filename}` : null,
      preview_url: `${base}/system/media_attachments/files/${m.id}/small/${m.filename}`,
      remote_url: null,
      meta: {},
      description: m.description,
      blurhash: null,
    };
  }

  const account = (): Record<string, unknown> => ({
    id: accountId,
    username: USERNAME,
    acct: USERNAME,
    display_name: 'Copydesk test shop',
    url: `${base}/@${USERNAME}`,
    locked: false,
    bot: false,
  });

  const customerAccount = (acct: string): { id: string; username: string; acct: string; display_name: string; url: string; locked: boolean; bot: boolean } => ({ id: `2${[...acct].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 1e9, 7)}`, username: acct.split('@')[0]!, acct, display_name: acct, url: `${base}/@${acct}`, locked: false, bot: false });
  const mentionsOf = (text: string) => [...text.matchAll(/(?:^|[^\w/@])@(\w+(?:@[a-z0-9-]+(?:\.[a-z0-9-]+)+)?)/gi)].map((m) => ({ ...customerAccount(m[1]!), acct: m[1]! }));
  function otherAccountJson(id: string): Record<string, unknown> {
    const a = accounts.find((x) => x.id === id)!;
    const local = !a.acct.includes('@');
    return {
      id: a.id,
      username: a.acct.split('@')[0],
      acct: a.acct,
      display_name: a.display_name,
      url: local ? `${base}/@${a.acct}` : `https://${a.acct.split('@')[1]}/@${a.acct.split('@')[0]}`,
      created_at: a.created_at,
      locked: false,
      bot: false,
    };
  }

  const findStatus = (id: string): FakeStatus | undefined => statuses.find((s) => s.id === id) ?? remoteStatuses.find((s) => s.id === id);

  function statusJson(s: FakeStatus): Record<string, unknown> {
    const parent = s.in_reply_to_id ? statuses.find((x) => x.id === s.in_reply_to_id) : undefined;
    return {
      id: s.id,
      created_at: s.created_at,
      in_reply_to_id: s.in_reply_to_id,
      in_reply_to_account_id: parent ? (parent.author ? customerAccount(parent.author).id : (parent.accountId ?? accountId)) : s.in_reply_to_id ? (findStatus(s.in_reply_to_id)?.accountId ?? accountId) : null,
      sensitive: false,
      spoiler_text: '',
      visibility: s.visibility,
      language: s.language,
      uri: `${base}/users/${USERNAME}/statuses/${s.id}`,
      url: s.url,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      content: s.content,
      reblog: null,
      application: { name: 'copydesk', website: null },
      account: s.author ? customerAccount(s.author) : s.accountId ? otherAccountJson(s.accountId) : account(),
      media_attachments: s.media.map(mediaJson),
      mentions: mentionsOf(s.text).map((m) => ({ id: m.id, username: m.username, acct: m.acct, url: m.url })),
      tags: [],
      emojis: [],
      card: null,
      poll: null,
    };
  }

  /** Check `Authorization`; answers and returns false when the request must stop here. */
  function authorised(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, required: boolean): boolean {
    if (record.auth === 'missing') {
      if (required) violate(res, `${record.method} ${record.path} without Authorization header`);
      return !required;
    }
    const header = req.headers.authorization ?? '';
    if (!/^Bearer \S+$/.test(header)) {
      violate(res, `${record.method} ${record.path} with a malformed Authorization header (expected "Bearer <token>")`);
      return false;
    }
    if (record.auth === 'invalid') {
      send(res, 401, { error: 'The access token is invalid' });
      return false;
    }
    return true;
  }

  async function parseForm(req: IncomingMessage, body: Buffer): Promise<FormData> {
    const request = new Request(`http://fake${req.url ?? '/'}`, {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    });
    return request.formData();
  }

  async function uploadMedia(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      return violate(res, 'POST /api/v2/media must be multipart/form-data');
    }
    const form = await parseForm(req, body);
    for (const key of formKeys(form)) {
      if (!['file', 'thumbnail', 'description', 'focus'].includes(key)) {
        return violate(res, `POST /api/v2/media with undocumented field "${key}"`);
      }
    }
    const file = form.get('file');
    if (!(file instanceof File)) return send(res, 422, { error: "Validation failed: File can't be blank" });
    if (!SUPPORTED_MIME_TYPES.includes(file.type)) {
      return send(res, 422, { error: 'Validation failed: File content type is invalid, File is invalid' });
    }
    const description = form.get('description');
    const m: FakeMedia = {
      id: String(nextMedia++),
      description: typeof description === 'string' ? description : null,
      mime: file.type,
      filename: file.name,
      size: file.size,
      pollsLeft: state.mediaProcessingPolls,
      statusId: null,
    };
    media.push(m);
    // 4.0+: processed synchronously → 200 with url; otherwise 202 with url null.
    send(res, m.pollsLeft <= 0 ? 200 : 202, mediaJson(m));
  }

  function getMedia(res: ServerResponse, id: string): void {
    const m = media.find((x) => x.id === id);
    if (!m) return send(res, 404, { error: 'Record not found' });
    if (m.pollsLeft > 0) {
      m.pollsLeft -= 1;
      return send(res, 206, mediaJson({ ...m, pollsLeft: 1 }));
    }
    send(res, 200, mediaJson(m));
  }

  interface StatusParams {
    status?: string;
    media_ids: string[];
    in_reply_to_id?: string;
    visibility?: string;
    language?: string;
    scheduled_at?: string;
    undocumented: string[];
  }

  async function statusParams(req: IncomingMessage, body: Buffer): Promise<StatusParams | string> {
    const type = req.headers['content-type'] ?? '';
    const params: StatusParams = { media_ids: [], undocumented: [] };
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    if (/^application\/json/i.test(type)) {
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return 'POST /api/v1/statuses with a body that is not JSON';
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'JSON body must be an object';
      const obj = json as Record<string, unknown>;
      for (const key of Object.keys(obj)) if (!STATUS_PARAMS.has(key)) params.undocumented.push(key);
      params.status = str(obj.status);
      if (obj.media_ids !== undefined) {
        if (!Array.isArray(obj.media_ids) || !obj.media_ids.every((x) => typeof x === 'string')) {
          return 'media_ids must be an array of strings';
        }
        params.media_ids = obj.media_ids as string[];
      }
      params.in_reply_to_id = str(obj.in_reply_to_id);
      params.visibility = str(obj.visibility);
      params.language = str(obj.language);
      params.scheduled_at = str(obj.scheduled_at);
      return params;
    }
    if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
      const form = await parseForm(req, body);
      for (const key of formKeys(form)) {
        const bare = key.replace(/\[.*$/, '');
        if (!STATUS_PARAMS.has(bare)) params.undocumented.push(key);
      }
      params.status = str(form.get('status'));
      params.media_ids = form.getAll('media_ids[]').filter((x): x is string => typeof x === 'string');
      params.in_reply_to_id = str(form.get('in_reply_to_id'));
      params.visibility = str(form.get('visibility'));
      params.language = str(form.get('language'));
      params.scheduled_at = str(form.get('scheduled_at'));
      return params;
    }
    return `POST /api/v1/statuses with unsupported Content-Type "${type}"`;
  }

  function createStatus(p: StatusParams, key: string): FakeStatus {
    const id = String(nextStatus++);
    const attached = p.media_ids.map((mid) => media.find((m) => m.id === mid) as FakeMedia);
    for (const m of attached) m.statusId = id;
    const text = p.status ?? '';
    const s: FakeStatus = {
      id,
      created_at: new Date(state.now).toISOString(),
      text,
      content: renderStatusHtml(text, base),
      in_reply_to_id: p.in_reply_to_id ?? null,
      visibility: p.visibility ?? 'public',
      language: p.language ?? null,
      media: attached,
      idempotencyKey: key,
      url: `${base}/@${USERNAME}/${id}`,
    };
    statuses.push(s);
    idempotency.set(key, { statusId: id, at: state.now });
    return s;
  }

  async function postStatus(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      return violate(res, 'POST /api/v1/statuses without Idempotency-Key (a retry could double-post)');
    }
    const p = await statusParams(req, body);
    if (typeof p === 'string') return violate(res, p);
    if (p.undocumented.length > 0) {
      return violate(res, `POST /api/v1/statuses with undocumented parameter(s) ${p.undocumented.join(', ')}`);
    }
    if (p.scheduled_at !== undefined) {
      return violate(res, 'POST /api/v1/statuses with scheduled_at (server-side scheduling escapes a freeze)');
    }
    if (p.visibility !== undefined && !VISIBILITIES.has(p.visibility)) {
      return violate(res, `visibility "${p.visibility}" is not one of public, unlisted, private, direct`);
    }
    if (p.language !== undefined && !/^[a-z]{2,3}$/.test(p.language)) {
      return violate(res, `language "${p.language}" is not an ISO 639 code`);
    }

    // Faults that stop a request before the controller runs (rate limiter, auth, validation, a crash).
    const fault = faults.shift();
    if (fault?.kind === 'rate-limited') {
      return send(res, 429, { error: 'Too many requests' }, rateHeaders(0, fault.reset));
    }
    if (fault?.kind === 'unauthorized') return send(res, 401, { error: 'The access token is invalid' });
    if (fault?.kind === 'unprocessable') return send(res, 422, { error: fault.error });
    if (fault?.kind === 'server-error' && !fault.created) {
      return send(res, fault.status, { error: 'We are sorry, but something went wrong on our end.' });
    }

    let status: FakeStatus | undefined;
    const known = idempotency.get(key);
    if (known && state.now - known.at < IDEMPOTENCY_MS) {
      status = statuses.find((s) => s.id === known.statusId);
    }
    if (!status) {
      const text = p.status ?? '';
      if (text.trim() === '' && p.media_ids.length === 0) {
        return send(res, 422, { error: "Validation failed: Text can't be blank" });
      }
      if (countCharacters(text, limits.characters_reserved_per_url) > limits.max_characters) {
        return send(res, 422, { error: `Validation failed: Text character limit of ${limits.max_characters} exceeded` });
      }
      if (p.media_ids.length > limits.max_media_attachments) {
        return send(res, 422, {
          error: `Validation failed: Cannot attach more than ${limits.max_media_attachments} files`,
        });
      }
      for (const mid of p.media_ids) {
        const m = media.find((x) => x.id === mid);
        if (!m) return send(res, 422, { error: `Validation failed: media ${mid} does not exist` });
        if (m.pollsLeft > 0) {
          return send(res, 422, {
            error: 'Cannot attach files that have not finished processing. Try again in a moment!',
          });
        }
      }
      if (p.in_reply_to_id !== undefined && !findStatus(p.in_reply_to_id)) {
        return send(res, 404, { error: 'Record not found' });
      }
      status = createStatus(p, key);
    }

    // Faults after the status exists: the client cannot tell that it went out.
    if (fault?.kind === 'server-error') {
      return send(res, fault.status, { error: 'We are sorry, but something went wrong on our end.' });
    }
    if (fault?.kind === 'accept-then-close') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'accept-then-hang') return; // never answer; close() drops the socket
    send(res, 200, statusJson(status));
  }

  /**
   * `GET /api/v1/accounts/:id/statuses`, paginated as documented: newest first, `limit` (default 20,
   * max 40), `max_id` (older than), `since_id` (newer than), `min_id` (immediately newer than), and a
   * `Link` header with `rel="next"` (older page, only when this page is full, as Mastodon's
   * `records_continue?`) and `rel="prev"` (newer page).
   * https://docs.joinmastodon.org/methods/accounts/#statuses, https://docs.joinmastodon.org/api/guidelines/#pagination
   */
  function accountStatuses(res: ServerResponse, id: string, query: Record<string, string>): void {
    const documented = new Set(['max_id', 'since_id', 'min_id', 'limit', 'only_media', 'exclude_replies', 'exclude_reblogs', 'pinned', 'tagged']);
    const extra = Object.keys(query).filter((k) => !documented.has(k));
    if (extra.length) return violate(res, `GET /api/v1/accounts/:id/statuses with undocumented parameter(s) ${extra.join(', ')}`);
    for (const k of ['max_id', 'since_id', 'min_id'] as const) {
      if (query[k] !== undefined && !/^\d+$/.test(query[k]!)) return violate(res, `${k} "${query[k]}" is not a status id`);
    }
    if (id !== accountId) return send(res, 404, { error: 'Record not found' });
    const asked = query.limit === undefined ? 20 : Number(query.limit);
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, 40) : 20;
    const big = (v: string | undefined) => (v === undefined ? undefined : BigInt(v));
    const maxId = big(query.max_id);
    const sinceId = big(query.since_id);
    const minId = big(query.min_id);
    // Only the account's own statuses, and never its direct messages: Mastodon's profile timeline
    // (AccountStatusesFilter) leaves `direct` out, so a client cannot find a direct reply there.
    let list = statuses.filter((s) => !s.author && s.visibility !== 'direct').filter((s) => (maxId === undefined || BigInt(s.id) < maxId) && (sinceId === undefined || BigInt(s.id) > sinceId) && (minId === undefined || BigInt(s.id) > minId));
    // min_id: the page immediately newer than it (oldest first, then shown newest first).
    list = minId !== undefined ? list.slice(0, limit).reverse() : [...list].reverse().slice(0, limit);
    const headers: Record<string, string> = {};
    if (list.length) {
      const self = `${base}/api/v1/accounts/${accountId}/statuses`;
      const links = [`<${self}?limit=${limit}&min_id=${list[0]!.id}>; rel="prev"`];
      if (list.length === limit) links.unshift(`<${self}?limit=${limit}&max_id=${list.at(-1)!.id}>; rel="next"`);
      headers.Link = links.join(', ');
    }
    send(res, 200, list.map(statusJson), headers);
  }

  /**
   * `GET /api/v1/notifications`: newest first, `limit` (default 40, max 80), `max_id`/`since_id`/
   * `min_id` as for statuses, `types[]`/`exclude_types[]`, `account_id`, `include_filtered`
   * (default false: filtered notifications are left out). `Link` header like Mastodon's.
   */
  function listNotifications(res: ServerResponse, url: URL): void {
    const documented = new Set(['max_id', 'since_id', 'min_id', 'limit', 'types[]', 'exclude_types[]', 'account_id', 'include_filtered', 'grouped_types[]']);
    const keys = [...new Set([...url.searchParams.keys()])];
    const extra = keys.filter((k) => !documented.has(k));
    if (extra.length) return violate(res, `GET /api/v1/notifications with undocumented parameter(s) ${extra.join(', ')}`);
    const q = url.searchParams;
    for (const k of ['max_id', 'since_id', 'min_id'] as const) {
      const v = q.get(k);
      if (v !== null && !/^\d+$/.test(v)) return violate(res, `${k} "${v}" is not a notification id`);
    }
    const known = new Set(['mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite', 'poll', 'update', 'admin.sign_up', 'admin.report', 'severed_relationships', 'moderation_warning', 'quote', 'quoted_update']);
    for (const t of [...q.getAll('types[]'), ...q.getAll('exclude_types[]')]) if (!known.has(t)) return violate(res, `notification type "${t}" is not documented`);
    const inc = q.get('include_filtered');
    if (inc !== null && inc !== 'true' && inc !== 'false') return violate(res, `include_filtered "${inc}" is not a boolean`);
    const asked = q.get('limit') === null ? 40 : Number(q.get('limit'));
    const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, 80) : 40;
    const big = (v: string | null) => (v === null ? undefined : BigInt(v));
    const maxId = big(q.get('max_id'));
    const sinceId = big(q.get('since_id'));
    const minId = big(q.get('min_id'));
    const types = q.getAll('types[]');
    const exclude = q.getAll('exclude_types[]');
    let list = notifications.filter(
      (n) =>
        (inc === 'true' || !n.filtered) &&
        (types.length === 0 || types.includes(n.type)) &&
        !exclude.includes(n.type) &&
        (q.get('account_id') === null || n.accountId === q.get('account_id')) &&
        (maxId === undefined || BigInt(n.id) < maxId) &&
        (sinceId === undefined || BigInt(n.id) > sinceId) &&
        (minId === undefined || BigInt(n.id) > minId),
    );
    list = minId !== undefined ? list.slice(0, limit).reverse() : [...list].reverse().slice(0, limit);
    const headers: Record<string, string> = {};
    if (list.length) {
      const self = `${base}/api/v1/notifications`;
      const links = [`<${self}?limit=${limit}&min_id=${list[0]!.id}>; rel="prev"`];
      if (list.length === limit) links.unshift(`<${self}?limit=${limit}&max_id=${list.at(-1)!.id}>; rel="next"`);
      headers.Link = links.join(', ');
    }
    send(
      res,
      200,
      list.map((n) => ({
        id: n.id,
        type: n.type,
        created_at: n.created_at,
        group_key: `ungrouped-${n.id}`,
        account: otherAccountJson(n.accountId),
        status: statusJson(findStatus(n.statusId)!),
        ...(n.filtered ? { filtered: true } : {}),
      })),
      headers,
    );
  }

  /** `GET /api/v1/statuses/:id/context`: ancestors (root first) and descendants (depth first). */
  function statusContext(res: ServerResponse, id: string): void {
    const s = findStatus(id);
    if (!s) return send(res, 404, { error: 'Record not found' });
    const ancestors: FakeStatus[] = [];
    for (let p = s.in_reply_to_id ? findStatus(s.in_reply_to_id) : undefined; p; p = p.in_reply_to_id ? findStatus(p.in_reply_to_id) : undefined) ancestors.unshift(p);
    const all = [...statuses, ...remoteStatuses].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const descendants: FakeStatus[] = [];
    const walk = (parent: string) => {
      for (const c of all.filter((x) => x.in_reply_to_id === parent)) {
        descendants.push(c);
        walk(c.id);
      }
    };
    walk(s.id);
    send(res, 200, { ancestors: ancestors.map(statusJson), descendants: descendants.map(statusJson) });
  }

  function instanceJson(): Record<string, unknown> {
    return {
      domain: new URL(base).host,
      title: 'Fake Mastodon',
      version: '4.3.0',
      source_url: 'https://github.com/mastodon/mastodon',
      description: 'A strict local fake for tests.',
      configuration: {
        urls: { streaming: base.replace(/^http/, 'ws') },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses: limits,
        media_attachments: {
          supported_mime_types: SUPPORTED_MIME_TYPES,
          image_size_limit: 16777216,
          image_matrix_limit: 33177600,
          video_size_limit: 103809024,
        },
        polls: { max_options: 4, max_characters_per_option: 50, min_expiration: 300, max_expiration: 2629746 },
      },
      registrations: { enabled: false, approval_required: false, message: null },
      rules: [],
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = parsed.pathname;
    const header = req.headers.authorization;
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(parsed.searchParams),
      auth: header === undefined ? 'missing' : tokenValid && header === `Bearer ${token}` ? 'valid' : 'invalid',
      at: state.now,
    };
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') record.idempotencyKey = key;
    requests.push(record);
    const body = await readBody(req);

    if (method === 'GET' && path === '/api/v2/instance') {
      if (!authorised(req, res, record, false)) return;
      return send(res, 200, instanceJson());
    }
    if (method === 'POST' && path === '/api/v2/media') {
      if (!authorised(req, res, record, true)) return;
      return uploadMedia(req, res, body);
    }
    const mediaMatch = /^\/api\/v1\/media\/([^/]+)$/.exec(path);
    if (method === 'GET' && mediaMatch) {
      if (!authorised(req, res, record, true)) return;
      return getMedia(res, decodeURIComponent(mediaMatch[1] ?? ''));
    }
    if (method === 'POST' && path === '/api/v1/statuses') {
      if (!authorised(req, res, record, true)) return;
      return postStatus(req, res, body);
    }
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      if (!authorised(req, res, record, true)) return;
      return send(res, 200, { ...account(), source: { privacy: 'public', language: 'en' } });
    }
    const deleteMatch = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && deleteMatch) {
      if (!authorised(req, res, record, true)) return;
      if (Object.keys(record.query).length || body.length) return violate(res, `DELETE /api/v1/statuses/:id with parameters or a body (none are documented besides delete_media)`);
      if (record.idempotencyKey !== undefined) return violate(res, 'DELETE /api/v1/statuses/:id with an Idempotency-Key (only POST honours it)');
      const fault = deleteFaults.shift();
      if (fault?.kind === 'rate-limited') return send(res, 429, { error: 'Too many requests' }, { ...rateHeaders(0, fault.reset) });
      if (fault?.kind === 'server-error') return send(res, fault.status, { error: 'Something went wrong' });
      const id = decodeURIComponent(deleteMatch[1] ?? '');
      const i = statuses.findIndex((x) => x.id === id);
      if (i < 0) return send(res, 404, { error: 'Record not found' });
      const [gone] = statuses.splice(i, 1);
      deleted.push(gone!);
      return send(res, 200, { ...statusJson(gone!), text: gone!.text });
    }
    const statusesMatch = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(path);
    if (method === 'GET' && statusesMatch) {
      if (!authorised(req, res, record, false)) return;
      return accountStatuses(res, decodeURIComponent(statusesMatch[1] ?? ''), record.query);
    }
    if (method === 'GET' && path === '/api/v1/notifications') {
      if (!authorised(req, res, record, true)) return;
      return listNotifications(res, parsed);
    }
    if (method === 'GET' && path === '/api/v2/notifications/policy') {
      if (!authorised(req, res, record, true)) return;
      if (Object.keys(record.query).length) return violate(res, 'GET /api/v2/notifications/policy takes no parameters');
      if (policyUnsupported) return send(res, 404, { error: 'Record not found' });
      return send(res, 200, { ...policy, summary: { pending_requests_count: 0, pending_notifications_count: notifications.filter((n) => n.filtered).length } });
    }
    const contextMatch = /^\/api\/v1\/statuses\/([^/]+)\/context$/.exec(path);
    if (method === 'GET' && contextMatch) {
      if (!authorised(req, res, record, false)) return;
      if (Object.keys(record.query).length) return violate(res, 'GET /api/v1/statuses/:id/context takes no parameters');
      return statusContext(res, decodeURIComponent(contextMatch[1] ?? ''));
    }
    violate(res, `unexpected request ${method} ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`fake crashed on ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) send(res, 599, { error: 'fake mastodon crashed' });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    get token() {
      return token;
    },
    accountId,
    requests,
    violations,
    statuses,
    media,
    get now() {
      return state.now;
    },
    set now(value: number) {
      state.now = value;
    },
    get mediaProcessingPolls() {
      return state.mediaProcessingPolls;
    },
    set mediaProcessingPolls(value: number) {
      state.mediaProcessingPolls = value;
    },
    addCustomerStatus(spec) {
      const id = String(nextStatus++);
      const s: FakeStatus = {
        id, created_at: new Date(state.now).toISOString(), text: spec.text, content: renderStatusHtml(spec.text, base), in_reply_to_id: null,
        visibility: spec.visibility ?? 'public', language: 'en', media: [], idempotencyKey: '', url: `${base}/@${spec.acct.split('@')[0]}/${id}`, author: spec.acct,
      };
      statuses.push(s);
      return s;
    },
    failNextStatusPosts(fault: StatusFault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    deleted,
    failNextDeletes(fault: DeleteFault, times = 1) {
      for (let i = 0; i < times; i++) deleteFaults.push(fault);
    },
    revokeToken() {
      tokenValid = false;
    },
    issueToken(value: string) {
      token = value;
      tokenValid = true;
    },
    notifications,
    get policy() {
      return policy;
    },
    set policy(value: FakeNotificationPolicy) {
      Object.assign(policy, value);
    },
    get policyUnsupported() {
      return policyUnsupported;
    },
    set policyUnsupported(value: boolean) {
      policyUnsupported = value;
    },
    addAccount(acct, o = {}) {
      const a: FakeAccount = { id: String(nextAccount++), acct, display_name: o.displayName ?? acct, created_at: o.createdAt ?? new Date(state.now - 365 * 86_400_000).toISOString() };
      accounts.push(a);
      return a;
    },
    receiveMention(from, text, o = {}) {
      if (o.inReplyTo !== undefined && !findStatus(o.inReplyTo)) throw new Error(`fake mastodon: no status ${o.inReplyTo} to reply to`);
      const id = String(nextStatus++);
      const s: FakeStatus = {
        id,
        created_at: new Date(state.now).toISOString(),
        text,
        content: renderStatusHtml(text, base),
        in_reply_to_id: o.inReplyTo ?? null,
        visibility: o.visibility ?? 'public',
        language: o.language ?? null,
        media: [],
        idempotencyKey: '',
        url: `${base}/@${from.acct}/${id}`,
        accountId: from.id,
      };
      remoteStatuses.push(s);
      if (o.policy !== 'drop') {
        notifications.push({ id: String(nextNotification++), type: 'mention', created_at: s.created_at, accountId: from.id, statusId: id, filtered: o.policy === 'filter' });
      }
      return s;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
