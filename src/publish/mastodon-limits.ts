/**
 * The posting limits of one Mastodon instance, read from `GET /api/v2/instance`
 * (https://docs.joinmastodon.org/methods/instance/#v2, `configuration.statuses`). Instances differ:
 * 500 characters is only the default, so length checks should use what the instance says.
 */
import { mastodonErrorText, mastodonRequest, redactSecret } from './mastodon-http.ts';
import { instanceBaseUrl } from './mastodon-url.ts';

/** What an instance allows in one status. */
export interface MastodonLimits {
  /** `configuration.statuses.max_characters`: longest status text. */
  maxCharacters: number;
  /** `configuration.statuses.characters_reserved_per_url`: every URL counts as this many characters. */
  charactersReservedPerUrl: number;
  /** `configuration.statuses.max_media_attachments`: attachments per status. */
  maxMediaAttachments: number;
}

/** Where and how to ask. */
export interface FetchMastodonLimitsOptions {
  /** Base URL of the instance, e.g. `https://mastodon.social`. */
  instance: string;
  /** Optional access token; the endpoint is public, but some instances require a logged-in user. */
  token?: string;
  /** The fetch to use (injectable for tests). */
  fetch?: typeof fetch;
  /** Give up after this many milliseconds (default 15 000). */
  timeoutMs?: number;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Read the instance's status limits; a union, never a throw. */
export async function fetchMastodonLimits(
  opts: FetchMastodonLimitsOptions,
): Promise<MastodonLimits | { error: string }> {
  const base = instanceBaseUrl(opts.instance);
  if ('error' in base) return { error: base.error };
  const url = `${base.url}/api/v2/instance`;
  const outcome = await mastodonRequest({
    fetch: opts.fetch ?? globalThis.fetch,
    method: 'GET',
    url,
    token: opts.token,
    timeoutMs: opts.timeoutMs ?? 15_000,
  });
  if (outcome.kind !== 'response') return { error: `GET ${url} failed: ${outcome.error}` };
  if (outcome.status !== 200) {
    const detail = mastodonErrorText(outcome.json);
    return {
      error: redactSecret(`GET ${url} answered HTTP ${outcome.status}${detail ? `: ${detail}` : ''}`, opts.token),
    };
  }
  const statuses = (outcome.json as { configuration?: { statuses?: Record<string, unknown> } } | undefined)
    ?.configuration?.statuses;
  const maxCharacters = positiveInt(statuses?.max_characters);
  const charactersReservedPerUrl = positiveInt(statuses?.characters_reserved_per_url);
  const maxMediaAttachments = positiveInt(statuses?.max_media_attachments);
  if (maxCharacters === undefined || charactersReservedPerUrl === undefined || maxMediaAttachments === undefined) {
    return {
      error:
        `GET ${url} did not contain configuration.statuses.max_characters, characters_reserved_per_url ` +
        'and max_media_attachments as positive integers: is this a Mastodon 4.0+ instance?',
    };
  }
  return { maxCharacters, charactersReservedPerUrl, maxMediaAttachments };
}
