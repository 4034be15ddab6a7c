/**
 * Which channel each network uses in this run, decided from the environment:
 * - credentials present → the real network (Bluesky: `BLUESKY_APP_PASSWORD` + identifier from
 *   `BLUESKY_IDENTIFIER` or `channels.bluesky.identifier`; Mastodon: `MASTODON_TOKEN` +
 *   `channels.mastodon.instance`; Threads: `THREADS_ACCESS_TOKEN`, `channels.threads`);
 * - none, outside GitHub Actions → the outbox folder, so a fresh clone works;
 * - none, inside Actions → nothing: the posts are held with the secret to add. Never the outbox in
 *   CI, where a "sent" to a folder on a throwaway runner would be a lost post.
 * Channels are built on first use only: constructing one makes no request.
 */
import { join } from 'node:path';
import type { CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import { PUBLISHABLE } from '../config/config.ts';
import { CREDENTIAL_SECRET } from '../schedule/plan.ts';
import type { Channel } from './channel.ts';
import type { Network } from '../post/network.ts';
import { createOutboxChannel, OUTBOX_DIR } from './outbox.ts';
import { secretValues } from './redact.ts';

export type ChannelMode =
  /** Publish to the network itself. */
  | { kind: 'network'; detail: string }
  /** Write to `outbox/<network>/` (local runs without credentials). */
  | { kind: 'outbox'; detail: string }
  /** Nothing can publish (in Actions without credentials): `detail` says which secret to add. */
  | { kind: 'missing'; detail: string };

export interface ChannelSetup {
  /** How each publishable network is handled in this run. */
  modes: Record<Network, ChannelMode>;
  /** True inside GitHub Actions. */
  inActions: boolean;
  /** For the plan: the networks that can be sent to (CI), or `outbox` (local). */
  credentials: Set<Network> | 'outbox';
  /** Texts for "no credentials" holds. */
  credentialHelp: Partial<Record<Network, string>>;
  /** True when at least one network publishes for real (approval is then required). */
  anyReal: boolean;
  /** Build a network's channel (call only when something is due there). */
  channel: (network: Network) => Channel;
  /** Secret values from the environment, for redaction. */
  secrets: string[];
}

export interface ChannelSetupInput {
  root: string;
  config: Config;
  env: CommandContext['env'];
  /** Injected fetch for the network channels (tests). */
  fetch?: typeof fetch;
  /** Receives each credential a channel holds or mints (session JWTs), to mask and redact it (secret-sink.ts). */
  onSecret?: (value: string) => void;
}

// Moved to redact.ts (the state store needs it without loading the channels); re-exported for callers.
export { secretValues } from './redact.ts';

export function resolveChannels({ root, config, env, fetch: fetchImpl, onSecret }: ChannelSetupInput): ChannelSetup {
  const inActions = env.GITHUB_ACTIONS === 'true';
  const modes = {} as Record<Network, ChannelMode>;
  const help: Partial<Record<Network, string>> = {};
  const blueskyId = env.BLUESKY_IDENTIFIER?.trim() || config.channels.bluesky.identifier;
  const mastodonInstance = config.channels.mastodon.instance;

  for (const network of PUBLISHABLE) {
    const secret = CREDENTIAL_SECRET[network];
    let missing: string | undefined;
    if (!env[secret]?.trim()) missing = `no credentials for ${network}: add the secret ${secret} to the publish environment`;
    else if (network === 'bluesky' && !blueskyId) missing = 'no account for bluesky: set `channels.bluesky.identifier` in copydesk.config.yaml (or the variable BLUESKY_IDENTIFIER)';
    else if (network === 'mastodon' && !mastodonInstance) missing = 'no instance for mastodon: set `channels.mastodon.instance` in copydesk.config.yaml';
    const detail = network === 'bluesky' ? `Bluesky as ${blueskyId} on ${config.channels.bluesky.service}` : network === 'mastodon' ? `Mastodon on ${mastodonInstance}` : `Threads as ${config.channels.threads.userId ?? 'the token\'s user (me)'} on ${config.channels.threads.api}${config.channels.threads.siteUrl ? `, images from ${config.channels.threads.siteUrl}/media/` : ', no site_url: posts with images are held'}`;
    if (!missing) modes[network] = { kind: 'network', detail };
    else if (inActions) {
      modes[network] = { kind: 'missing', detail: missing };
      help[network] = missing;
    } else modes[network] = { kind: 'outbox', detail: `${missing.replace(/: add the secret .*$/, '')}; writing to ${OUTBOX_DIR}/${network}/ instead` };
  }

  const real = new Set(PUBLISHABLE.filter((n) => modes[n].kind === 'network'));
  const secrets = secretValues(env);
  return {
    modes,
    inActions,
    credentials: inActions ? real : 'outbox',
    credentialHelp: help,
    anyReal: real.size > 0,
    secrets,
    channel(network) {
      const mode = modes[network];
      if (mode.kind === 'outbox') return createOutboxChannel(join(root, OUTBOX_DIR), network);
      if (mode.kind === 'missing') throw new Error(mode.detail);
      return lazyNetworkChannel(network, async () => {
        if (network === 'threads') {
          const { createThreadsChannel } = await import('./threads.ts');
          const t = config.channels.threads;
          return createThreadsChannel({ api: t.api, token: env.THREADS_ACCESS_TOKEN!, ...(t.userId ? { userId: t.userId } : {}), ...(t.siteUrl ? { siteUrl: t.siteUrl } : {}), ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(onSecret ? { onSecret } : {}) });
        }
        if (network === 'mastodon') {
          const { createMastodonChannel } = await import('./mastodon.ts');
          return createMastodonChannel({ instance: mastodonInstance!, token: env.MASTODON_TOKEN!, ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(onSecret ? { onSecret } : {}) });
        }
        const { createBlueskyChannel } = await import('./bluesky.ts');
        return createBlueskyChannel({ service: config.channels.bluesky.service, identifier: blueskyId!, password: env.BLUESKY_APP_PASSWORD!, ...(fetchImpl ? { fetch: fetchImpl } : {}), ...(onSecret ? { onSecret } : {}) });
      });
    },
  };
}

/** Defers loading a network module (and its dependencies) until the first find/send. */
function lazyNetworkChannel(name: Network, load: () => Promise<Channel>): Channel {
  let loaded: Promise<Channel> | undefined;
  const get = () => (loaded ??= load());
  return {
    name,
    find: async (part) => (await get()).find(part),
    send: async (part) => (await get()).send(part),
    async remove(ref, network) {
      const ch = await get();
      return ch.remove ? ch.remove(ref, network) : { status: 'failed', error: `copydesk cannot delete on ${name}`, action: 'Delete it on the network by hand.' };
    },
  };
}
