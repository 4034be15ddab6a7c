/**
 * Run records in the state store, read by `copydesk status`, the watchdog and the site:
 * `runs/last-run.json` after every run, `runs/last-success.json` after every run that completed
 * (the state store was reachable and every due post was handled, even if some failed).
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

export async function writeRunRecords(store: StateStore, r: PublishReport): Promise<void> {
  const text = JSON.stringify(runRecord(r), null, 2) + '\n';
  await store.update(`publish: run ${r.runId} ${r.completed ? 'completed' : 'stopped early'}`, async () => ({
    [LAST_RUN]: text,
    ...(r.completed ? { [LAST_SUCCESS]: text } : {}),
  }));
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
