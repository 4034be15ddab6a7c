/**
 * The freeze: the brake anyone on the team can pull. Kept in the state store as `freeze.json`
 * (what is active now) and `freeze-log.jsonl` (every freeze and thaw, for the plan and timeline).
 */
import { parseJsonLines } from '../state/json-lines.ts';
import type { StateStore } from '../state/store.ts';

export interface Freeze {
  /** Stable id of this freeze (e.g. `f-20270203T0812Z` or `issue-42`). */
  id: string;
  /** Why (required). */
  reason: string;
  /** Who pulled it (GitHub login or local user name). */
  by: string;
  /** Since when (ISO 8601, UTC). */
  since: string;
  /** Empty for a full freeze; otherwise only posts matching one of these terms (text) are held. */
  terms: string[];
  /** Empty for a full freeze; otherwise only posts carrying one of these tags are held. */
  tags: string[];
  /** How it was pulled: `cli`, `issue`, `dispatch`. */
  source: string;
  /** The GitHub issue that holds it, when pulled from an issue. */
  issue?: number;
}

export interface FreezeLogEvent {
  /** When (ISO 8601, UTC). */
  at: string;
  action: 'freeze' | 'thaw';
  /** The freeze concerned. */
  freeze: Freeze;
  /** Who thawed (for `thaw`). */
  by?: string;
}

export const FREEZE_FILE = 'freeze.json';
export const FREEZE_LOG = 'freeze-log.jsonl';

/** Active freezes now (empty: not frozen). */
export async function readFreezes(store: StateStore): Promise<Freeze[]> {
  const text = await store.read(FREEZE_FILE);
  if (!text) return [];
  try {
    const v = JSON.parse(text) as { active?: Freeze[] };
    return Array.isArray(v.active) ? v.active : [];
  } catch {
    // An unreadable freeze file must fail safe: treat it as a full freeze.
    return [{ id: 'unreadable', reason: `${FREEZE_FILE} in the state store cannot be read; fix it to thaw`, by: 'copydesk', since: new Date(0).toISOString(), terms: [], tags: [], source: 'cli' }];
  }
}

export async function readFreezeLog(store: StateStore): Promise<FreezeLogEvent[]> {
  return parseJsonLines<FreezeLogEvent>(await store.read(FREEZE_LOG));
}

/** True when the freeze holds every post (no terms, no tags). */
export function isFullFreeze(f: Freeze): boolean {
  return f.terms.length === 0 && f.tags.length === 0;
}
