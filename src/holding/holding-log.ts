/**
 * `holding-log.jsonl` in the state store: every dispatch of a holding statement, sent or not, with
 * who asked. The ledger (`ledger/<statement-id>.jsonl`) keeps the per-network truth that makes a
 * statement go out once; this log is for people and the post-incident timeline.
 */
import { parseJsonLines } from '../state/json-lines.ts';
import type { SentRef } from '../publish/channel.ts';
import type { Network } from '../post/network.ts';
import type { StateStore } from '../state/store.ts';

export const HOLDING_LOG = 'holding-log.jsonl';

export interface HoldingLogEvent {
  /** When (ISO 8601, UTC). */
  at: string;
  /** The statement's `id` (e.g. `holding-aware`). */
  statementId: string;
  /**
   * `sent`: it went out now; `already-sent`: an earlier dispatch sent it, nothing sent;
   * `in-progress`: another dispatch is sending it; `failed`: not (fully) sent; `refused`: not sent,
   * the statement or its approval did not check out; `started`: this dispatch is about to send,
   * with the `publishAt` its parts carry (written before any part leaves).
   */
  outcome: 'started' | 'sent' | 'already-sent' | 'in-progress' | 'failed' | 'refused';
  /**
   * For `started`: the instant (epoch ms) this dispatch gave the statement as its scheduled time.
   * Bluesky record keys derive from it, so a later dispatch that reads back an interrupted send
   * must use the same one.
   */
  publishAt?: number;
  /** Who dispatched it. */
  by: string;
  /** Run id (GitHub run id, or `local-…`). */
  runId: string;
  /** The statement file (repository-relative). */
  file?: string;
  /** Per network: where it went, or what went wrong. */
  networks?: { network: Network; via: string; ref?: SentRef; error?: string }[];
  /** Why, for `failed`/`refused`. */
  reason?: string;
}

export function parseHoldingLog(text: string | undefined): HoldingLogEvent[] {
  return parseJsonLines<HoldingLogEvent>(text);
}

export async function readHoldingLog(store: StateStore): Promise<HoldingLogEvent[]> {
  return parseHoldingLog(await store.read(HOLDING_LOG));
}

/** Appends one event (a pure change: re-applied on the newest state if another writer won). */
export async function appendHoldingLog(store: StateStore, event: HoldingLogEvent): Promise<void> {
  await store.update(`holding ${event.statementId}: ${event.outcome} (by ${event.by})`, async (read) => {
    const text = await read(HOLDING_LOG);
    const base = text && !text.endsWith('\n') ? `${text}\n` : (text ?? '');
    return { [HOLDING_LOG]: `${base}${JSON.stringify(event)}\n` };
  });
}
