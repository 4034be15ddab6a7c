/**
 * The ledger: what copydesk did with each (post, network, thread part). One JSON Lines file per
 * post id in the state store (`ledger/<id>.jsonl`), one event per line, appended only: readable in
 * GitHub's file view, and two runs that append to the same file merge by re-applying on the tip.
 * Keyed by post id, never by file path: renaming or moving a post never re-publishes it.
 */
import type { SentRef } from '../publish/channel.ts';
import type { Network } from '../post/network.ts';
import { parseJsonLines } from '../state/json-lines.ts';
import type { StateStore } from '../state/store.ts';

export type LedgerState =
  /** About to send (written before the request leaves). An intent with no later event means the outcome is unknown. */
  | 'intent'
  /** The network accepted it; terminal. */
  | 'sent'
  /** The request may have reached the network; read back before any resend. */
  | 'unknown'
  /** Not sent; `error` says why and `action` what a person must do. */
  | 'failed'
  /** Too late (past max lateness, or fell due during a freeze or quiet period); terminal, never sent. */
  | 'missed'
  /** Past its `expires`; terminal, never sent. */
  | 'expired';

export interface LedgerEvent {
  /** When it happened (ISO 8601, UTC). */
  at: string;
  /** The post's `id`. */
  postId: string;
  /** The network. */
  network: Network;
  /** 0-based thread part (missed/expired events concern the whole post and use part 0). */
  part: number;
  state: LedgerState;
  /** Where it really went: the network, or `outbox` for the local folder. */
  via: Network | 'outbox';
  /** The publisher run that wrote it (GitHub run id, or `local-…`). */
  runId: string;
  /** The network's reference, for `sent`. */
  ref?: SentRef;
  /** Error text (no secrets), for `failed`/`unknown`. */
  error?: string;
  /** What a person should do, for `failed`. */
  action?: string;
  /** Why, for `missed`/`expired`. */
  reason?: string;
  /** The post file's path at the time (for people; never used as a key). */
  file?: string;
  /** Whether a `retry` is allowed after this instant (epoch ms), for `failed` with a rate limit. */
  retryAt?: number;
  /**
   * For `intent`/`sent`: the content hash of the part as it was sent (`partHash`). A later edit of
   * a part already out is noticed by comparing it, and never publishes anything on its own.
   */
  hash?: string;
  /** For `intent`/`sent`: how many parts the thread had when this part was sent. */
  partsTotal?: number;
  /**
   * For `intent` only: what this attempt created on the network and is about to publish (a
   * Threads container id), written before the publish request leaves. A later run publishes or
   * reads back THIS container, never creates a second one ({@link latestClaim}).
   */
  claim?: string;
}

/** The newest `claim` recorded for one (post, network, part), if any: events in append order. */
export function latestClaim(events: LedgerEvent[], postId: string, network: Network, part: number): string | undefined {
  let claim: string | undefined;
  for (const e of events) if (e.postId === postId && e.network === network && e.part === part && e.state === 'intent' && typeof e.claim === 'string' && e.claim) claim = e.claim;
  return claim;
}

export const LEDGER_DIR = 'ledger';

export function ledgerPath(postId: string): string {
  return `${LEDGER_DIR}/${postId}.jsonl`;
}

export function parseLedgerFile(text: string | undefined): LedgerEvent[] {
  return parseJsonLines<LedgerEvent>(text);
}

export function appendEvents(text: string | undefined, events: LedgerEvent[]): string {
  const base = text && !text.endsWith('\n') ? text + '\n' : (text ?? '');
  return base + events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** All events of all posts, oldest first. */
export async function readLedger(store: StateStore): Promise<LedgerEvent[]> {
  const files = await store.list(LEDGER_DIR);
  const all = (await Promise.all(files.map(async (f) => parseLedgerFile(await store.read(f))))).flat();
  return all.sort((a, b) => a.at.localeCompare(b.at));
}

/** Append events to their posts' files in one update (one commit in the git backend). */
export async function recordEvents(store: StateStore, events: LedgerEvent[], message: string): Promise<void> {
  if (!events.length) return;
  await store.update(message, async (read) => {
    const byFile = new Map<string, LedgerEvent[]>();
    for (const e of events) byFile.set(ledgerPath(e.postId), [...(byFile.get(ledgerPath(e.postId)) ?? []), e]);
    const writes: Record<string, string> = {};
    for (const [path, evs] of byFile) writes[path] = appendEvents(await read(path), evs);
    return writes;
  });
}

export type PartKey = `${string}\u0000${Network}\u0000${number}`;
export function partKey(postId: string, network: Network, part: number): PartKey {
  return `${postId}\u0000${network}\u0000${part}`;
}

/** The latest event per (post, network, part); a `sent` is never overridden by a later event. */
export function latestByPart(events: LedgerEvent[]): Map<PartKey, LedgerEvent> {
  const out = new Map<PartKey, LedgerEvent>();
  for (const e of events) {
    const k = partKey(e.postId, e.network, e.part);
    const prev = out.get(k);
    if (prev?.state === 'sent') continue;
    out.set(k, e);
  }
  return out;
}
