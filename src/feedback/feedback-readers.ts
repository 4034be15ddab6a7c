/**
 * Which networks the collector reads in this run, from the environment (the same secrets as the
 * publisher, src/publish/channels.ts): Bluesky with `BLUESKY_APP_PASSWORD` and an identifier
 * (`BLUESKY_IDENTIFIER` or `channels.bluesky.identifier`), Mastodon with `MASTODON_TOKEN` and
 * `channels.mastodon.instance`; only networks in `channels.enabled`. No credentials: no reader
 * (there is no local "outbox" of notifications). Building a reader makes no request.
 */
import type { CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import type { FeedbackReader } from './feedback-reader.ts';

export interface ReaderSetup {
  readers: FeedbackReader[];
  /** Why a network is not read, one line each ("mastodon: no MASTODON_TOKEN"). */
  skipped: string[];
}

export async function feedbackReaders(o: { config: Config; env: CommandContext['env']; fetch?: typeof fetch; onSecret?: (v: string) => void }): Promise<ReaderSetup> {
  const readers: FeedbackReader[] = [];
  const skipped: string[] = [];
  const enabled = new Set(o.config.channels.enabled);
  const extra = { ...(o.fetch ? { fetch: o.fetch } : {}), ...(o.onSecret ? { onSecret: o.onSecret } : {}) };
  if (enabled.has('bluesky')) {
    const password = o.env.BLUESKY_APP_PASSWORD?.trim();
    const identifier = o.env.BLUESKY_IDENTIFIER?.trim() || o.config.channels.bluesky.identifier;
    if (!password) skipped.push('bluesky: no BLUESKY_APP_PASSWORD');
    else if (!identifier) skipped.push('bluesky: no account (set channels.bluesky.identifier or BLUESKY_IDENTIFIER)');
    else {
      const { createBlueskyReader } = await import('./bluesky-notifications.ts');
      readers.push(createBlueskyReader({ service: o.config.channels.bluesky.service, identifier, password, ...extra }));
    }
  }
  if (enabled.has('mastodon')) {
    const token = o.env.MASTODON_TOKEN?.trim();
    const instance = o.config.channels.mastodon.instance;
    if (!token) skipped.push('mastodon: no MASTODON_TOKEN');
    else if (!instance) skipped.push('mastodon: no instance (set channels.mastodon.instance)');
    else {
      const { createMastodonReader } = await import('./mastodon-notifications.ts');
      readers.push(createMastodonReader({ instance, token, ...(o.fetch ? { fetch: o.fetch } : {}) }));
    }
  }
  return { readers, skipped };
}
