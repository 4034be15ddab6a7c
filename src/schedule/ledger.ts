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
  | 'expired'
  /**
   * `copydesk retract`: the post is taken back on `network` (every network, also ones added to the
   * post later, when `allNetworks`). Part 0, post-level, terminal: nothing of the post is ever sent
   * there again. `by` and `reason` say who and why. Written before anything is deleted.
   */
  | 'retract'
  /** About to delete this sent part (claimed by a compare-and-swap); no later event = outcome unknown, deleted again (a part already gone counts as removed). */
  | 'retract-intent'
  /** This part is no longer on the network (deleted now, or already gone: `alreadyGone`); terminal for the part. */
  | 'retracted'
  /** Deleting this part failed: `error`, and `action` for a person or `retryAt`; the next `copydesk retract` tries again. */
  | 'retract-failed';

/** The retraction states (every reader of the ledger must handle them; src/schedule/retraction.ts reads them). */
export const RETRACT_STATES: ReadonlySet<LedgerState> = new Set(['retract', 'retract-intent', 'retracted', 'retract-failed']);

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
  /** For `retract` and the part events of a retraction: who took it back (`--by`, the dispatching GitHub user, the local user). */
  by?: string;
  /** For `retract`: the retraction covers every network of the post, also those added later. */
  allNetworks?: boolean;
  /** For `retracted`: the network said it was already gone (404, record not found): nothing was deleted by this run. */
  alreadyGone?: boolean;
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

/**
 * The latest publishing event per (post, network, part); a `sent` is never overridden by a later
 * event. Retraction events are not publishing events (src/schedule/retraction.ts reads them).
 */
export function latestByPart(events: LedgerEvent[]): Map<PartKey, LedgerEvent> {
  const out = new Map<PartKey, LedgerEvent>();
  for (const e of events) {
    if (RETRACT_STATES.has(e.state)) continue;
    const k = partKey(e.postId, e.network, e.part);
    const prev = out.get(k);
    if (prev?.state === 'sent') continue;
    out.set(k, e);
  }
  return out;
}
