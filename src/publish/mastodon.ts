/**
 * The Mastodon channel: publishes one thread part as one status with plain `fetch`.
 *
 * - Media: `POST /api/v2/media` (multipart `file` + `description`), polling `GET /api/v1/media/:id`
 *   while the instance processes it (https://docs.joinmastodon.org/methods/media/).
 * - Status: `POST /api/v1/statuses` with `Idempotency-Key` set to the part's deterministic key, so
 *   a retry within the hour returns the original status instead of a copy
 *   (https://docs.joinmastodon.org/methods/statuses/#create).
 * - Never `scheduled_at`: a status scheduled on the server would go out even if copydesk is frozen.
 * - Read-back (`find`) for everything the key cannot cover: see mastodon-find.ts.
 *
 * Creating the channel makes no request; nothing touches the network until `send` or `find`.
 */
import type { Channel, FindResult, OutgoingPart, RemoveResult, SendResult, SentRef } from './channel.ts';
import type { AccountIdCache } from './mastodon-find.ts';
import { findMastodonStatus } from './mastodon-find.ts';
import { mastodonRequest, redactSecret } from './mastodon-http.ts';
import { uploadMastodonMedia } from './mastodon-media.ts';
import { failureFromOutcome, TOKEN_ACTION } from './mastodon-outcome.ts';
import type { MastodonSession } from './mastodon-session.ts';
import { instanceBaseUrl } from './mastodon-url.ts';

export { fetchMastodonLimits } from './mastodon-limits.ts';
export type { FetchMastodonLimitsOptions, MastodonLimits } from './mastodon-limits.ts';

/** How to reach one Mastodon account. */
export interface MastodonChannelOptions {
  /** Base URL of the instance, e.g. `https://mastodon.social`. */
  instance: string;
  /** User access token with write:statuses, write:media, read:accounts, read:statuses. Secret. */
  token: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** How to wait between media polls (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Per-request timeout in ms, body included (default 30 000). */
  timeoutMs?: number;
  /** Pause between media-processing polls in ms (default 2 000). */
  mediaPollMs?: number;
  /** Most media-processing polls per attachment before answering `retry` (default 30). */
  mediaPollMax?: number;
  /** Called once with the token when the channel is created, so the run masks and redacts it (secret-sink.ts). */
  onSecret?: (value: string) => void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Mastodon's `language` is an ISO 639-1 code: keep the primary subtag of a BCP 47 tag
 * (`en-GB` → `en`), or leave it out and let the instance guess when there is none.
 */
function iso639(lang: string): string | undefined {
  const primary = lang.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** Create the channel; validates the options but makes no request. */
export function createMastodonChannel(opts: MastodonChannelOptions): Channel {
  opts.onSecret?.(opts.token);
  const base = instanceBaseUrl(opts.instance);
  const session: MastodonSession | undefined =
    'url' in base
      ? {
          base: base.url,
          // A secret pasted with a trailing newline would make every header invalid.
          token: opts.token.trim(),
          fetch: opts.fetch ?? globalThis.fetch,
          sleep: opts.sleep ?? defaultSleep,
          timeoutMs: opts.timeoutMs ?? 30_000,
          mediaPollMs: opts.mediaPollMs ?? 2_000,
          mediaPollMax: opts.mediaPollMax ?? 30,
        }
      : undefined;
  const configError = 'error' in base ? base.error : undefined;
  const cache: AccountIdCache = {};

  async function send(part: OutgoingPart): Promise<SendResult> {
    if (!session) {
      return {
        status: 'failed',
        error: configError ?? 'Mastodon instance is not configured',
        action: 'Set the Mastodon instance to a base URL like https://mastodon.social.',
      };
    }
    if (session.token === '') {
      return {
        status: 'failed',
        error: 'no Mastodon access token is configured',
        action: 'Store a Mastodon access token as the repository secret MASTODON_TOKEN.',
      };
    }
    const mediaIds: string[] = [];
    for (const media of part.media) {
      const uploaded = await uploadMastodonMedia(session, media);
      if (uploaded.status !== 'ready') return uploaded;
      mediaIds.push(uploaded.id);
    }

    const body: Record<string, unknown> = {
      status: part.text,
      visibility: part.visibility ?? 'public',
    };
    if (mediaIds.length > 0) body.media_ids = mediaIds;
    if (part.parent) body.in_reply_to_id = part.parent.id;
    const language = iso639(part.lang);
    if (language) body.language = language;

    const what = 'POST /api/v1/statuses';
    const outcome = await mastodonRequest({
      fetch: session.fetch,
      method: 'POST',
      url: `${session.base}/api/v1/statuses`,
      token: session.token,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': part.idempotencyKey },
      body: JSON.stringify(body),
      timeoutMs: session.timeoutMs,
    });
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
      const status = outcome.json as { id?: unknown; url?: unknown } | undefined;
      if (typeof status?.id !== 'string' || status.id === '') {
        // Accepted but unreadable: the status may exist, so the publisher must read back.
        return { status: 'unknown', error: `Mastodon ${what} answered HTTP ${outcome.status} without a status id` };
      }
      return {
        status: 'sent',
        ref: typeof status.url === 'string' ? { id: status.id, url: status.url } : { id: status.id },
      };
    }
    return failureFromOutcome(outcome, 'status', what, session.token);
  }

  async function find(part: OutgoingPart): Promise<FindResult> {
    if (!session) return { status: 'unknown', error: configError ?? 'Mastodon instance is not configured' };
    const result = await findMastodonStatus(session, cache, part);
    return result.status === 'unknown' ? { ...result, error: redactSecret(result.error, session.token) } : result;
  }

  /**
   * `DELETE /api/v1/statuses/:id` (https://docs.joinmastodon.org/methods/statuses/#delete): 200
   * with the deleted status; 404 when it is already gone (or was never this account's), which counts
   * as removed. A delete can be repeated safely, so every transient problem is a `retry`.
   */
  async function remove(ref: SentRef): Promise<RemoveResult> {
    if (!session) return { status: 'failed', error: configError ?? 'Mastodon instance is not configured', action: 'Set the Mastodon instance to a base URL like https://mastodon.social.' };
    if (session.token === '') return { status: 'failed', error: 'no Mastodon access token is configured', action: 'Store a Mastodon access token as the repository secret MASTODON_TOKEN.' };
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(ref.id)) return { status: 'failed', error: `"${ref.id}" is not a Mastodon status id`, action: 'Find the status on the instance and delete it by hand.' };
    const what = `DELETE /api/v1/statuses/${ref.id}`;
    const outcome = await mastodonRequest({ fetch: session.fetch, method: 'DELETE', url: `${session.base}/api/v1/statuses/${encodeURIComponent(ref.id)}`, token: session.token, timeoutMs: session.timeoutMs });
    if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) return { status: 'removed', alreadyGone: false };
    if (outcome.kind === 'response' && (outcome.status === 404 || outcome.status === 410)) return { status: 'removed', alreadyGone: true };
    const f = failureFromOutcome(outcome, 'status', what, session.token);
    if (f.status === 'failed') {
      // 401/403 keep the token action; anything else refused is for a person to look at.
      return { status: 'failed', error: f.error, action: f.action === TOKEN_ACTION ? TOKEN_ACTION : `The instance refused to delete the status: delete it by hand${ref.url ? ` at ${ref.url}` : ''}, then run \`copydesk retract\` again to record it.` };
    }
    return { status: 'retry', error: f.error, ...(f.status === 'retry' && f.retryAt !== undefined ? { retryAt: f.retryAt } : {}) };
  }

  return { name: 'mastodon', send, find, remove };
}
