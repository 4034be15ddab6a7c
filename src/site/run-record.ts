/**
 * The publisher's run records (`runs/last-run.json`, `runs/last-success.json`), read with the
 * publisher's own `readRunRecord`, then checked: a record without a valid time is "no run known",
 * and missing counts read as 0, so a malformed file never breaks the status page.
 */
import { LAST_RUN, LAST_SUCCESS, readRunRecord, type RunRecord } from '../publish/run-record.ts';
import type { StateStore } from '../state/store.ts';
import type { SiteRuns } from './data.ts';

const COUNT_KEYS = ['sent', 'alreadySent', 'missed', 'expired', 'held', 'failed'] as const;

/** The record in the documented shape, or undefined when it has no valid `at`. */
export function checkRunRecord(v: unknown): RunRecord | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) return undefined;
  const c = (r.counts && typeof r.counts === 'object' ? r.counts : {}) as Record<string, unknown>;
  const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, typeof c[k] === 'number' ? c[k] : 0])) as unknown as RunRecord['counts'];
  return { at: r.at, runId: typeof r.runId === 'string' ? r.runId : String(r.runId ?? ''), counts };
}

export async function readRuns(store: StateStore): Promise<SiteRuns> {
  const [lastRun, lastSuccess] = (await Promise.all([readRunRecord(store, LAST_RUN), readRunRecord(store, LAST_SUCCESS)])).map(checkRunRecord);
  return { ...(lastRun ? { lastRun } : {}), ...(lastSuccess ? { lastSuccess } : {}) };
}
