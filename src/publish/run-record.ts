/**
 * Run records in the state store, read by `copydesk status` and the site:
 * `runs/last-run.json` and `runs/last-success.json` (a run that completed: the state store was
 * reachable and every due post was handled, even if some failed).
 *
 * An idle run writes nothing. A run that sent, missed, expired or failed nothing, and held what the
 * last record already says, would only restate that record with a newer time: one state commit per
 * tick (over 10,000 a year), a state branch that grows forever and ticks that slow down with it.
 * So the records say when the publisher last DID something; "is it alive" comes from GitHub's
 * workflow runs API (src/watchdog/last-success-run.ts), which costs the repository nothing.
 */
import type { StateStore } from '../state/store.ts';
import type { PublishReport, RunCounts } from './publisher.ts';

export const LAST_RUN = 'runs/last-run.json';
export const LAST_SUCCESS = 'runs/last-success.json';

/** The shared contract of both files. */
export interface RunRecord {
  /** When the run finished (ISO 8601, UTC). */
  at: string;
  /** The run's id. */
  runId: string;
  /** Counts per (post, network). */
  counts: RunCounts;
}

export function runRecord(r: PublishReport): RunRecord {
  return { at: r.finishedAt, runId: r.runId, counts: { sent: r.sent, alreadySent: r.alreadySent, missed: r.missed, expired: r.expired, held: r.held, failed: r.failed } };
}

const STANDING: readonly (keyof RunCounts)[] = ['missed', 'expired', 'held', 'failed'];

/** What the last records say, for deciding whether this run has anything new to record. */
export interface LastRecords {
  /** `runs/last-run.json`, when readable. */
  lastRun?: RunRecord;
  /** `runs/last-success.json`, when readable. */
  lastSuccess?: RunRecord;
}

/**
 * True when the run changes nothing a reader of the records would see: it completed, sent nothing,
 * recorded nothing new in the ledger (no newly missed or expired part, no new failure), what still
 * stands (held, failed, missed, expired) reads as in the last record, and that last recorded run
 * completed too (so "stopped early" is never left standing). Counts such as `missed` cover every
 * post, not just this run's news.
 */
export function isIdleRun(r: PublishReport, last: LastRecords): boolean {
  const prev = last.lastRun;
  if (!r.completed || r.dryRun || !prev || last.lastSuccess?.runId !== prev.runId) return false;
  if (r.sent || r.newFailures || r.decisions.some((d) => d.recordedNow || d.sentThisRun?.length)) return false;
  // What still stands (held, failed, missed, expired) must read the same; `sent` and `alreadySent`
  // move from one to the other after a send, which the last record already told.
  const now = runRecord(r).counts;
  return STANDING.every((k) => (prev.counts?.[k] ?? 0) === now[k]);
}

export async function readLastRecords(store: StateStore): Promise<LastRecords> {
  const [lastRun, lastSuccess] = await Promise.all([readRunRecord(store, LAST_RUN), readRunRecord(store, LAST_SUCCESS)]);
  return { ...(lastRun ? { lastRun } : {}), ...(lastSuccess ? { lastSuccess } : {}) };
}

/** Write both records, unless the run is idle (`isIdleRun`). Returns whether it wrote. */
export async function writeRunRecords(store: StateStore, r: PublishReport, last?: LastRecords): Promise<'written' | 'idle'> {
  if (isIdleRun(r, last ?? (await readLastRecords(store)))) return 'idle';
  const text = JSON.stringify(runRecord(r), null, 2) + '\n';
  await store.update(`publish: run ${r.runId} ${r.completed ? 'completed' : 'stopped early'}`, async () => ({
    [LAST_RUN]: text,
    ...(r.completed ? { [LAST_SUCCESS]: text } : {}),
  }));
  return 'written';
}

/** Read a run record, or undefined when absent or unreadable. */
export async function readRunRecord(store: StateStore, path: string = LAST_RUN): Promise<RunRecord | undefined> {
  const text = await store.read(path);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    return undefined;
  }
}
