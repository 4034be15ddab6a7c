/** Validate and normalise the configured instance address once, so every request URL is built the same way. */

/** `https://example.social` (no trailing slash), or why the configured value is unusable. */
export function instanceBaseUrl(instance: string): { url: string } | { error: string } {
  const trimmed = instance.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return {
      error: `Mastodon instance "${trimmed}" is not a URL: expected a base URL like https://mastodon.social`,
    };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { error: `Mastodon instance "${trimmed}" must start with https:// (got ${parsed.protocol})` };
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    return {
      error: 'Mastodon instance URL must be a plain base URL like https://mastodon.social (no user, password, query or #)',
    };
  }
  return { url: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}` };
}
