/**
 * What the state store remembers of each day's re-read issue: `reread/<date>.json`. Every change
 * is a pure function of what it reads (the store's compare-and-swap re-runs it on a newer tip), so
 * two overlapping publisher ticks agree on one issue: the first to store its claim opens it, the
 * other sees the claim and waits.
 */
import type { StateChange } from '../state/store.ts';

/** Folder of the records in the state store. */
export const REREAD_DIR = 'reread';

/** A claim older than this is from a run that died before opening the issue: another run may take over. */
export const STALE_CLAIM_MS = 10 * 60_000;

/** One day's re-read issue. */
export interface RereadRecord {
  /** Local date `YYYY-MM-DD` (team zone). */
  date: string;
  /** The run that claimed the right to open the issue (`GITHUB_RUN_ID` and attempt, or a local id). */
  claimedBy?: string;
  /** When it claimed it (ISO 8601, UTC). */
  claimedAt?: string;
  /** The issue number once opened. */
  issue?: number;
  /** The issue's web address. */
  url?: string;
  /** SHA-256 of the title and body last written: an unchanged list makes no GitHub call. */
  hash?: string;
  /** Closed after the day's last post (or on a later day): never opened again. */
  closed?: boolean;
}

export const recordPath = (date: string) => `${REREAD_DIR}/${date}.json`;

/** The record, or undefined when absent or unreadable (an unreadable record is rewritten by the next claim). */
export function parseRecord(text: string | undefined): RereadRecord | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as RereadRecord;
    return v && typeof v === 'object' && typeof v.date === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const write = (r: RereadRecord) => ({ [recordPath(r.date)]: `${JSON.stringify(r, null, 2)}\n` });

/** Claim the opening of `date`'s issue for `runId`, unless an issue exists, the day is closed or a fresh claim by another run stands. */
export function claimChange(date: string, runId: string, now: number): StateChange {
  return async (read) => {
    const cur = parseRecord(await read(recordPath(date)));
    if (cur?.issue !== undefined || cur?.closed) return null;
    if (cur?.claimedBy === runId) return null;
    if (cur?.claimedBy && cur.claimedAt && now - Date.parse(cur.claimedAt) < STALE_CLAIM_MS) return null;
    return write({ date, claimedBy: runId, claimedAt: new Date(now).toISOString() });
  };
}

/** Record the opened issue (kept if one is already recorded: the first one stays the day's issue). */
export function openedChange(date: string, issue: number, url: string, hash: string): StateChange {
  return async (read) => {
    const cur = parseRecord(await read(recordPath(date))) ?? { date };
    if (cur.issue !== undefined && cur.issue !== issue) return null;
    if (cur.issue === issue && cur.hash === hash) return null;
    return write({ ...cur, date, issue, url, hash });
  };
}

/** Record the day's issue as closed. */
export function closedChange(date: string): StateChange {
  return async (read) => {
    const cur = parseRecord(await read(recordPath(date))) ?? { date };
    if (cur.closed) return null;
    return write({ ...cur, date, closed: true });
  };
}
