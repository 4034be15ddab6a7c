/** Everything a Mastodon request needs, resolved once when the channel is created (no request is made then). */
export interface MastodonSession {
  /** Instance base URL without a trailing slash, e.g. `https://mastodon.social`. */
  base: string;
  /** User access token (secret: never put it in a result or message). */
  token: string;
  /** The fetch to use. */
  fetch: typeof fetch;
  /** Waits between media-processing polls (injectable so tests do not sleep). */
  sleep: (ms: number) => Promise<void>;
  /** Per-request timeout in milliseconds, covering the response body too. */
  timeoutMs: number;
  /** Pause between two `GET /api/v1/media/:id` polls, in milliseconds. */
  mediaPollMs: number;
  /** Most polls of one attachment before giving up for this run. */
  mediaPollMax: number;
}
