/**
 * Upload one attachment and wait until the instance has processed it, because
 * `POST /api/v1/statuses` refuses attachments that are still processing.
 *
 * `POST /api/v2/media` answers 200 with a `url` when the file was processed synchronously, or 202
 * with `url: null` while it is processed in the background; `GET /api/v1/media/:id` then answers
 * 206 until processing ends and 200 with the `url` after (https://docs.joinmastodon.org/methods/media/).
 */
import { posix } from 'node:path';
import type { OutgoingMedia } from './channel.ts';
import { mastodonRequest } from './mastodon-http.ts';
import type { SendFailure } from './mastodon-outcome.ts';
import { failureFromOutcome } from './mastodon-outcome.ts';
import type { MastodonSession } from './mastodon-session.ts';

/** The upload's outcome: the attachment id to put in `media_ids[]`, or why not. */
export type MediaUploadResult = { status: 'ready'; id: string } | SendFailure;

interface MediaAttachmentJson {
  id?: unknown;
  url?: unknown;
}

function attachment(json: unknown): { id: string; url: string | null } | undefined {
  const body = json as MediaAttachmentJson | undefined;
  if (typeof body?.id !== 'string' || body.id === '') return undefined;
  return { id: body.id, url: typeof body.url === 'string' && body.url !== '' ? body.url : null };
}

/** Upload `media` with its alt text as `description`, then poll until processed (bounded). */
export async function uploadMastodonMedia(session: MastodonSession, media: OutgoingMedia): Promise<MediaUploadResult> {
  // The bytes were read by the publisher through the one media reader; never the file system here.
  const form = new FormData();
  form.append('file', new File([media.bytes.slice()], posix.basename(media.repoPath), { type: media.mime }));
  form.append('description', media.alt);

  const what = 'POST /api/v2/media';
  const uploaded = await mastodonRequest({
    fetch: session.fetch,
    method: 'POST',
    url: `${session.base}/api/v2/media`,
    token: session.token,
    body: form,
    timeoutMs: session.timeoutMs,
  });
  if (uploaded.kind !== 'response' || (uploaded.status !== 200 && uploaded.status !== 202)) {
    return failureFromOutcome(uploaded, 'media', what, session.token);
  }
  const created = attachment(uploaded.json);
  if (!created) {
    return { status: 'retry', error: `Mastodon ${what} answered HTTP ${uploaded.status} without an attachment id` };
  }
  if (uploaded.status === 200 && created.url !== null) return { status: 'ready', id: created.id };
  return waitUntilProcessed(session, created.id);
}

async function waitUntilProcessed(session: MastodonSession, id: string): Promise<MediaUploadResult> {
  const what = `GET /api/v1/media/${id}`;
  for (let attempt = 1; attempt <= session.mediaPollMax; attempt++) {
    await session.sleep(session.mediaPollMs);
    const polled = await mastodonRequest({
      fetch: session.fetch,
      method: 'GET',
      url: `${session.base}/api/v1/media/${encodeURIComponent(id)}`,
      token: session.token,
      timeoutMs: session.timeoutMs,
    });
    if (polled.kind === 'response' && polled.status === 206) continue;
    if (polled.kind === 'response' && polled.status === 200) {
      if (attachment(polled.json)?.url) return { status: 'ready', id };
      continue;
    }
    return failureFromOutcome(polled, 'media', what, session.token);
  }
  return {
    status: 'retry',
    error: `Mastodon was still processing media ${id} after ${session.mediaPollMax} checks ${session.mediaPollMs} ms apart`,
  };
}
