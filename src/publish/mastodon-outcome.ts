/**
 * Map a Mastodon answer that is not a success into a SendResult. The same HTTP status means
 * different things depending on the step: before the status is posted (media upload and polling)
 * nothing visible exists yet, so every transient problem is a plain `retry`; for
 * `POST /api/v1/statuses` a timeout, dropped connection or 5xx may hide a status that was created,
 * so it is `unknown` and the publisher must read back before sending again.
 *
 * Status codes and bodies: https://docs.joinmastodon.org/methods/statuses/#create,
 * https://docs.joinmastodon.org/methods/media/, rate limits: https://docs.joinmastodon.org/api/rate-limits/.
 */
import type { SendResult } from './channel.ts';
import type { MastodonHttpOutcome } from './mastodon-http.ts';
import { mastodonErrorText, rateLimitResetMs, redactSecret } from './mastodon-http.ts';

/** The name of the secret holding the access token; only its name is ever shown. */
export const MASTODON_TOKEN_SECRET = 'MASTODON_TOKEN';

/** What a person must do when the instance rejects the token (401) or its scopes (403). */
export const TOKEN_ACTION =
  'Renew the token for mastodon: issue a new Mastodon access token (on the instance: Preferences > Development > your application, ' +
  'scopes write:statuses, write:media, read:accounts, read:statuses) and store it as the repository secret ' +
  `${MASTODON_TOKEN_SECRET}; the current one was revoked, expired or lacks a scope.`;

/** Which step the answer belongs to. */
export type MastodonStep = 'media' | 'status';

/** Failure results: everything except `sent`. */
export type SendFailure = Exclude<SendResult, { status: 'sent' }>;

/**
 * Turn a non-success outcome into a failure result.
 * @param what  request label for messages, e.g. `POST /api/v1/statuses`
 */
export function failureFromOutcome(
  outcome: MastodonHttpOutcome,
  step: MastodonStep,
  what: string,
  token: string,
): SendFailure {
  const result = classify(outcome, step, what);
  // Belt and braces: a server or proxy could echo the Authorization header in an error body.
  if (result.status === 'failed') {
    return { ...result, error: redactSecret(result.error, token), action: redactSecret(result.action, token) };
  }
  return { ...result, error: redactSecret(result.error, token) };
}

function classify(outcome: MastodonHttpOutcome, step: MastodonStep, what: string): SendFailure {
  if (outcome.kind === 'not-sent') {
    return { status: 'retry', error: `Mastodon ${what} could not connect (nothing was sent): ${outcome.error}` };
  }
  if (outcome.kind === 'lost') {
    const error = `Mastodon ${what} got no complete answer: ${outcome.error}`;
    return step === 'status' ? { status: 'unknown', error } : { status: 'retry', error };
  }
  const code = outcome.status;
  const detail = mastodonErrorText(outcome.json);
  const error = `Mastodon ${what} answered HTTP ${code}${detail ? `: ${detail}` : ''}`;
  if (code === 429) {
    const retryAt = rateLimitResetMs(outcome.headers);
    return retryAt === undefined ? { status: 'retry', error } : { status: 'retry', error, retryAt };
  }
  // 401 (invalid_token: revoked or expired) is the credential itself; 403 a missing scope. Both need
  // a new token, so the publisher reports it once for Mastodon, not once per post.
  if (code === 401 || code === 403) return { status: 'failed', error, action: TOKEN_ACTION, credential: true };
  if (code === 422) {
    return {
      status: 'failed',
      error,
      action:
        step === 'media'
          ? 'The instance refused the media file: replace it with a supported image, video or audio file within the size limit, then publish again.'
          : 'The instance refused the post as written: change the text, media or thread as the error says, then publish again.',
    };
  }
  if (code === 413) {
    return {
      status: 'failed',
      error,
      action: 'The file is larger than the instance accepts: make the media file smaller, then publish again.',
    };
  }
  if (code >= 300 && code < 400) {
    const location = outcome.headers.get('location');
    return {
      status: 'failed',
      error: `${error}${location ? ` (redirect to ${location})` : ''}`,
      action: 'Set the Mastodon instance to the base URL the server redirects to (https, no path), then publish again.',
    };
  }
  if (code === 408 || code >= 500) {
    return step === 'status' ? { status: 'unknown', error } : { status: 'retry', error };
  }
  if (code === 404 || code === 410) {
    return {
      status: 'failed',
      error,
      action:
        'Check that the Mastodon instance URL points at a Mastodon server; if this part replies to a status that was deleted, restore or re-publish the earlier part first.',
    };
  }
  return {
    status: 'failed',
    error,
    action: 'The instance rejected the request: check the Mastodon instance URL and the post, then publish again.',
  };
}
