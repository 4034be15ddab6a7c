/**
 * Freezing and thawing as pure changes of the state store: read `freeze.json` and
 * `freeze-log.jsonl`, append, write both. The store re-runs a change on the newest state when
 * another writer got there first (git: rejected push), so two freezes pulled at the same moment
 * both land, and a thaw never resurrects or drops a freeze it did not see.
 */
import { parseJsonLines } from '../state/json-lines.ts';
import type { StateChange } from '../state/store.ts';
import { FREEZE_FILE, FREEZE_LOG, type Freeze, type FreezeLogEvent } from './freeze-state.ts';

/** What a person asked for with `copydesk freeze`. */
export interface FreezeRequest {
  /** Why (required, non-empty). */
  reason: string;
  /** Who pulled it. */
  by: string;
  /** When (the command's clock). */
  at: Date;
  /** Terms for a partial hold (empty: full freeze unless tags are given). */
  terms: string[];
  /** Tags for a partial hold. */
  tags: string[];
  /** `cli`, `issue` or `dispatch`. */
  source: string;
  /** The GitHub issue that holds the freeze; its id becomes `issue-<n>` so repeated events for one issue freeze once. */
  issue?: number;
}

/** What a thaw asked for. */
export interface ThawRequest {
  /** Thaw only this freeze; all active freezes when absent. */
  id?: string;
  /** Who thawed. */
  by: string;
  /** When. */
  at: Date;
}

/** Outcome of a freeze change, as last computed on the newest state. */
export type FreezeOutcome =
  /** A new freeze is active: `freeze`, among all `active` ones. */
  | { status: 'frozen'; /** The freeze recorded. */ freeze: Freeze; /** Every active freeze now. */ active: Freeze[] }
  /** This issue's freeze was already active (GitHub sends `opened` and `labeled` for one new issue). */
  | { status: 'already'; /** The existing freeze. */ freeze: Freeze; /** Every active freeze now. */ active: Freeze[] };

/** Outcome of a thaw change. */
export type ThawOutcome =
  /** These freezes ended; `active` are the ones still in force. */
  | { status: 'thawed'; /** The freezes ended now. */ thawed: Freeze[]; /** Still in force. */ active: Freeze[] }
  /** Nothing was frozen (or the given id is not active). */
  | { status: 'none'; /** The id asked for. */ id?: string; /** Still in force. */ active: Freeze[] };

/** Normalised list: trimmed, no empties, no duplicates (case-insensitive), `#` dropped from tags. */
export function cleanList(values: string[], kind: 'term' | 'tag'): string[] {
  const out: string[] = [];
  for (const raw of values) {
    const v = kind === 'tag' ? raw.trim().replace(/^#+/, '').trim() : raw.trim().replace(/\s+/g, ' ');
    if (v && !out.some((o) => o.toLowerCase() === v.toLowerCase())) out.push(v);
  }
  return out;
}

/** `f-20270203T0812Z`, with `-2`, `-3`… when another freeze took that minute. */
export function newFreezeId(at: Date, taken: Set<string>): string {
  const base = `f-${at.toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Parses `freeze.json`; `null` when it exists but cannot be read. */
export function parseActive(text: string | undefined): Freeze[] | null {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as { active?: unknown };
    return Array.isArray(v.active) ? (v.active as Freeze[]) : null;
  } catch {
    return null;
  }
}

/** Parses `freeze-log.jsonl`, skipping torn lines. */
export function parseLog(text: string | undefined): FreezeLogEvent[] {
  return parseJsonLines<FreezeLogEvent>(text);
}

/** Active freezes rebuilt from the log (used when `freeze.json` is unreadable). */
export function activeFromLog(log: FreezeLogEvent[]): Freeze[] {
  const active = new Map<string, Freeze>();
  for (const e of log) {
    if (e.action === 'freeze') active.set(e.freeze.id, e.freeze);
    else active.delete(e.freeze.id);
  }
  return [...active.values()];
}

function appendLine(text: string | undefined, event: FreezeLogEvent): string {
  const base = text && !text.endsWith('\n') ? `${text}\n` : (text ?? '');
  return `${base}${JSON.stringify(event)}\n`;
}

export function serialiseActive(active: Freeze[]): string {
  return `${JSON.stringify({ active }, null, 2)}\n`;
}

/**
 * The store change for a freeze. `report` receives the outcome each time the change runs; the
 * last call describes what was written.
 */
export function freezeChange(req: FreezeRequest, report: (o: FreezeOutcome) => void): StateChange {
  return async (read) => {
    const [activeText, logText] = await Promise.all([read(FREEZE_FILE), read(FREEZE_LOG)]);
    const log = parseLog(logText);
    const active = parseActive(activeText) ?? activeFromLog(log);
    if (req.issue !== undefined) {
      const existing = active.find((f) => f.id === `issue-${req.issue}`);
      if (existing) {
        report({ status: 'already', freeze: existing, active });
        return null;
      }
    }
    const taken = new Set([...active.map((f) => f.id), ...log.map((e) => e.freeze.id)]);
    const freeze: Freeze = {
      id: req.issue !== undefined ? uniqueIssueId(req.issue, taken) : newFreezeId(req.at, taken),
      reason: req.reason.trim(),
      by: req.by,
      since: req.at.toISOString(),
      terms: cleanList(req.terms, 'term'),
      tags: cleanList(req.tags, 'tag'),
      source: req.source,
      ...(req.issue !== undefined ? { issue: req.issue } : {}),
    };
    const next = [...active, freeze];
    report({ status: 'frozen', freeze, active: next });
    return {
      [FREEZE_FILE]: serialiseActive(next),
      [FREEZE_LOG]: appendLine(logText, { at: freeze.since, action: 'freeze', freeze }),
    };
  };
}

/** `issue-42`; `issue-42-2` when issue 42 was frozen, thawed and reopened. */
function uniqueIssueId(issue: number, taken: Set<string>): string {
  const base = `issue-${issue}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The store change for a thaw (one freeze by id, every freeze of an issue, or all). */
export function thawChange(req: ThawRequest & { issue?: number }, report: (o: ThawOutcome) => void): StateChange {
  return async (read): Promise<Record<string, string> | null> => {
    const [activeText, logText] = await Promise.all([read(FREEZE_FILE), read(FREEZE_LOG)]);
    const log = parseLog(logText);
    const readable = parseActive(activeText);
    const active = readable ?? activeFromLog(log);
    const hit = (f: Freeze) => (req.issue !== undefined ? f.issue === req.issue : req.id === undefined || f.id === req.id);
    const thawed = active.filter(hit);
    const remaining = active.filter((f) => !hit(f));
    if (thawed.length === 0) {
      report({ status: 'none', ...(req.id !== undefined ? { id: req.id } : {}), active });
      // An unreadable freeze.json with nothing to thaw is still repaired from the log.
      return readable === null ? { [FREEZE_FILE]: serialiseActive(active) } : null;
    }
    report({ status: 'thawed', thawed, active: remaining });
    let nextLog = logText;
    for (const f of thawed) nextLog = appendLine(nextLog, { at: req.at.toISOString(), action: 'thaw', freeze: f, by: req.by });
    return { [FREEZE_FILE]: serialiseActive(remaining), [FREEZE_LOG]: nextLog! };
  };
}

/** What an update of an issue's freeze asked for (a team member edited the issue). */
export interface UpdateRequest {
  /** The issue whose active freeze changes. */
  issue: number;
  /** New reason (non-empty). */
  reason: string;
  /** New terms. */
  terms: string[];
  /** New tags. */
  tags: string[];
  /** The team member who edited. */
  by: string;
  /** When. */
  at: Date;
}

/** Outcome of an update. */
export type UpdateOutcome =
  /** The old freeze ended and the new one began in the same store write (no moment unfrozen). */
  | { status: 'updated'; /** The freeze that ended. */ old: Freeze; /** The freeze now in force. */ freeze: Freeze; /** Every active freeze now. */ active: Freeze[] }
  /** Reason, terms and tags are what the freeze already holds. */
  | { status: 'unchanged'; /** The freeze in force. */ freeze: Freeze; /** Every active freeze now. */ active: Freeze[] }
  /** The issue holds no active freeze (never confirmed by a team member, or thawed). */
  | { status: 'none'; /** Every active freeze now. */ active: Freeze[] };

/**
 * The store change for an update: the issue's freeze is thawed and a new one with the new text is
 * frozen in ONE write, so the log keeps what was held when (the plan's missed posts stay right) and
 * the publisher never sees a moment without a freeze.
 */
export function updateChange(req: UpdateRequest, report: (o: UpdateOutcome) => void): StateChange {
  return async (read) => {
    const [activeText, logText] = await Promise.all([read(FREEZE_FILE), read(FREEZE_LOG)]);
    const log = parseLog(logText);
    const active = parseActive(activeText) ?? activeFromLog(log);
    const old = active.find((f) => f.issue === req.issue);
    if (!old) {
      report({ status: 'none', active });
      return null;
    }
    const terms = cleanList(req.terms, 'term');
    const tags = cleanList(req.tags, 'tag');
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    if (old.reason === req.reason.trim() && same(old.terms, terms) && same(old.tags, tags)) {
      report({ status: 'unchanged', freeze: old, active });
      return null;
    }
    const taken = new Set([...active.map((f) => f.id), ...log.map((e) => e.freeze.id)]);
    const at = req.at.toISOString();
    const freeze: Freeze = { id: uniqueIssueId(req.issue, taken), reason: req.reason.trim(), by: req.by, since: at, terms, tags, source: 'issue', issue: req.issue };
    const next = [...active.filter((f) => f !== old), freeze];
    report({ status: 'updated', old, freeze, active: next });
    let nextLog = appendLine(logText, { at, action: 'thaw', freeze: old, by: req.by });
    nextLog = appendLine(nextLog, { at, action: 'freeze', freeze });
    return { [FREEZE_FILE]: serialiseActive(next), [FREEZE_LOG]: nextLog };
  };
}
