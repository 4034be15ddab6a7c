/**
 * Conditional ledger writes. `StateStore.update` re-runs a change on the newest state whenever
 * another run got there first, so a change that checks before it appends is a compare-and-swap:
 * of two publishers racing for the same part, exactly one writes the `intent` and sends.
 */
import type { StateStore } from '../state/store.ts';
import type { LedgerEvent } from './ledger.ts';
import { appendEvents, LEDGER_DIR, ledgerPath, parseLedgerFile } from './ledger.ts';
import { retractionCovering } from './retraction.ts';

const PART_STATES = new Set(['intent', 'sent', 'unknown', 'failed']);

/**
 * Every event, each post's file in append order (files in path order). The publisher and the plan
 * read this rather than the time-sorted `readLedger`: append order is what the compare-and-swap
 * sees, and it cannot be reordered by clocks that differ between two machines.
 */
export async function readLedgerAppendOrder(store: StateStore): Promise<LedgerEvent[]> {
  const files = await store.list(LEDGER_DIR);
  return (await Promise.all(files.map(async (f) => parseLedgerFile(await store.read(f))))).flat();
}

/** Same event (the fields that identify one write). */
function same(a: LedgerEvent | undefined, b: LedgerEvent | undefined): boolean {
  if (!a || !b) return a === b;
  return a.at === b.at && a.state === b.state && a.runId === b.runId && a.part === b.part && a.network === b.network;
}

/** The latest part event (intent/sent/unknown/failed) of one (network, part) in a post's file. */
export function lastPartEvent(events: LedgerEvent[], network: string, part: number): LedgerEvent | undefined {
  let last: LedgerEvent | undefined;
  for (const e of events) {
    if (e.network !== network || e.part !== part || !PART_STATES.has(e.state)) continue;
    if (last?.state === 'sent') continue;
    last = e;
  }
  return last;
}

/** What {@link claimPart} did. */
export type ClaimResult =
  /** The intent is written: this run sends the part now. */
  | { status: 'claimed' }
  /** Another run wrote first (or marked it missed/expired): that run owns the part. */
  | { status: 'lost' }
  /** The post was retracted on this network (`copydesk retract`) a moment ago: nothing written, never sent. */
  | { status: 'retracted'; reason: string }
  /** A freeze holding the post is stored on the tip the intent would have gone on: nothing written. */
  | { status: 'frozen'; reason: string };

/**
 * Append `intent` only if the part's latest event is still `expected` (what the plan saw), no
 * missed/expired was recorded for this schedule (`publishAt`), and `frozen` (read on the very same
 * state, e.g. `freeze.json`) finds no freeze holding the post. The freeze is thus read after every
 * other check and in the same compare-and-swap as the intent: a freeze stored a moment before
 * wins, and one stored a moment after is after the intent in the branch's history.
 */
export async function claimPart(
  store: StateStore,
  intent: LedgerEvent,
  expected: LedgerEvent | undefined,
  publishAt?: number,
  frozen?: (read: (path: string) => Promise<string | undefined>) => Promise<string | undefined>,
): Promise<ClaimResult> {
  let result: ClaimResult = { status: 'lost' };
  await store.update(`publish: ${intent.postId} ${intent.network} part ${intent.part + 1} (intent, run ${intent.runId})`, async (read) => {
    const path = ledgerPath(intent.postId);
    const text = await read(path);
    const events = parseLedgerFile(text);
    // A run that just marked it missed or expired wins too: nothing goes out after that.
    const terminal = events.some((e) => e.network === intent.network && (e.state === 'missed' || e.state === 'expired') && (publishAt === undefined || Date.parse(e.at) >= publishAt));
    // A retraction stored a moment ago wins the same way: from then on nothing of the post goes out.
    const retract = retractionCovering(events, intent.network);
    if (retract) {
      result = { status: 'retracted', reason: `retracted by ${retract.by ?? 'unknown'} at ${retract.at}: ${retract.reason ?? 'no reason given'} (stored while this run was checking the post; nothing was sent)` };
      return null;
    }
    if (terminal || !same(lastPartEvent(events, intent.network, intent.part), expected)) {
      result = { status: 'lost' };
      return null;
    }
    const reason = frozen ? await frozen(read) : undefined;
    if (reason !== undefined) {
      result = { status: 'frozen', reason };
      return null;
    }
    result = { status: 'claimed' };
    return { [path]: appendEvents(text, [intent]) };
  });
  return result;
}

/** A missed/expired event and the schedule it concerns. */
export interface TerminalRecord {
  /** The event to append (state `missed` or `expired`, part 0). */
  event: LedgerEvent;
  /** The post's publish_at when it was decided (epoch ms). */
  publishAt?: number;
}

/**
 * Record missed/expired decisions once: skipped when the post's file already holds one for that
 * network and schedule (another run may have recorded it a moment ago). One commit for all.
 */
export async function recordTerminalOnce(store: StateStore, records: TerminalRecord[], message: string): Promise<LedgerEvent[]> {
  if (!records.length) return [];
  let written: LedgerEvent[] = [];
  await store.update(message, async (read) => {
    written = [];
    const byPath = new Map<string, TerminalRecord[]>();
    for (const r of records) byPath.set(ledgerPath(r.event.postId), [...(byPath.get(ledgerPath(r.event.postId)) ?? []), r]);
    const writes: Record<string, string> = {};
    for (const [path, list] of byPath) {
      const text = await read(path);
      const existing = parseLedgerFile(text);
      const fresh = list
        .filter((r) => !existing.some((e) => e.network === r.event.network && (e.state === 'missed' || e.state === 'expired') && (r.publishAt === undefined || Date.parse(e.at) >= r.publishAt)))
        .map((r) => r.event);
      if (fresh.length) {
        writes[path] = appendEvents(text, fresh);
        written.push(...fresh);
      }
    }
    return Object.keys(writes).length ? writes : null;
  });
  return written;
}
