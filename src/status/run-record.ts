/**
 * The publisher's run records, read from the state store: `runs/last-success.json` and
 * `runs/last-run.json` = `{ at, runId, counts: { sent, alreadySent, missed, expired, held, failed } }`.
 * Written by the publisher after every run (src/publish/run-record.ts); read here by `status` and
 * `watchdog`, which must tell "never written" from "unreadable", and must not trust its shape.
 */
import { LAST_RUN, LAST_SUCCESS } from '../publish/run-record.ts';
import type { StateStore } from '../state/store.ts';

export { LAST_RUN, LAST_SUCCESS };

/** One publisher run as recorded. */
export interface RunRecord {
  /** When the run finished (ISO 8601). */
  at: string;
  /** GitHub run id, or `local-…`. */
  runId: string;
  /** What the run did, by outcome. */
  counts: Partial<Record<'sent' | 'alreadySent' | 'missed' | 'expired' | 'held' | 'failed', number>>;
}

/** `missing`: never written; `unreadable`: present but not a run record (the text says why). */
export type RunRecordResult =
  | { status: 'ok'; /** The record. */ record: RunRecord; /** Its `at`, epoch ms. */ at: number }
  | { status: 'missing' }
  | { status: 'unreadable'; /** Why (file and problem). */ error: string };

/** Parses a run record file. Pure. */
export function parseRunRecord(text: string | undefined, path = LAST_SUCCESS): RunRecordResult {
  if (text === undefined || text.trim() === '') return { status: 'missing' };
  try {
    const v = JSON.parse(text) as Partial<RunRecord>;
    const at = typeof v.at === 'string' ? Date.parse(v.at) : NaN;
    if (Number.isNaN(at)) return { status: 'unreadable', error: `${path} has no valid \`at\` time` };
    return { status: 'ok', at, record: { at: v.at!, runId: String(v.runId ?? 'unknown'), counts: typeof v.counts === 'object' && v.counts ? v.counts : {} } };
  } catch (e) {
    return { status: 'unreadable', error: `${path} is not JSON: ${(e as Error).message}` };
  }
}

export async function readRunRecord(store: StateStore, path = LAST_SUCCESS): Promise<RunRecordResult> {
  return parseRunRecord(await store.read(path), path);
}

/** "sent 2, missed 1" (non-zero counts only; "nothing to do" when all are zero). */
export function describeCounts(counts: RunRecord['counts']): string {
  const names: [keyof RunRecord['counts'], string][] = [['sent', 'sent'], ['alreadySent', 'already sent'], ['missed', 'missed'], ['expired', 'expired'], ['held', 'held'], ['failed', 'failed']];
  const bits = names.filter(([k]) => (counts[k] ?? 0) > 0).map(([k, label]) => `${label} ${counts[k]}`);
  return bits.length ? bits.join(', ') : 'nothing due';
}

/** Web address of a GitHub Actions run, when the run id is one. */
export function runUrl(runId: string, env: { server?: string; repository?: string }): string | undefined {
  if (!/^\d+$/.test(runId) || !env.repository) return undefined;
  return `${(env.server ?? 'https://github.com').replace(/\/+$/, '')}/${env.repository}/actions/runs/${runId}`;
}
