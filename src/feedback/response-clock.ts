/**
 * The response clock: how much of the first-response target is left, counted in business hours
 * only (a complaint on Friday 16:30, with 09:00–17:00 Monday to Friday and a 2 h target, is due
 * on Monday at 10:30). Working days are walked in the hours' IANA zone, and each day's start and
 * end are turned into instants through Intl (src/post/time.ts), so a day with a DST change is as
 * long as it really is. Pure: `now` is a parameter.
 */
import { WEEKDAYS, type BusinessHours } from '../config/feedback-settings.ts';
import { zoneOffset } from '../post/time.ts';

/** Where a conversation's first response stands against the target. */
export interface ClockReading {
  /** When the clock started (epoch ms). */
  startedAt: number;
  /** When the target runs out (epoch ms), inside business hours. */
  dueAt: number;
  /** Business milliseconds left at `now` (0 when overdue). */
  leftMs: number;
  /** The target ran out at or before `now`. */
  overdue: boolean;
  /** `now` is outside business hours: the clock is paused. */
  paused: boolean;
}

const DAY = 86_400_000;
/** A clock never looks further than this for working time (a config with one short day a week still fits). */
const MAX_DAYS = 400;

/** The instant of local wall time `minute` (minutes after midnight) on the local date `y-m-d` in `zone`. */
export function localInstant(y: number, m: number, d: number, minute: number, zone: string): number {
  const wall = Date.UTC(y, m - 1, d) + minute * 60_000;
  // Two passes settle the offset on both sides of a DST change; a skipped wall time (02:30 on the
  // spring-forward night) lands on the instant after the gap, which is what a clock wants.
  let t = wall - zoneOffset(wall, zone);
  t = wall - zoneOffset(t, zone);
  return t;
}

/** The local calendar date of `instant` in `zone`, as UTC midnight of that date (for walking days). */
function localDate(instant: number, zone: string): number {
  const local = instant + zoneOffset(instant, zone);
  return Math.floor(local / DAY) * DAY;
}

/** The working windows [start, end) from the local day of `from`, in order, as instants. */
function* windows(hours: BusinessHours, from: number): Generator<[number, number]> {
  let day = localDate(from, hours.zone);
  for (let i = 0; i < MAX_DAYS; i++, day += DAY) {
    const dt = new Date(day);
    const weekday = WEEKDAYS[dt.getUTCDay()]!;
    if (!hours.days.includes(weekday)) continue;
    const [y, m, d] = [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
    const start = localInstant(y, m, d, hours.startMinute, hours.zone);
    const end = localInstant(y, m, d, hours.endMinute, hours.zone);
    if (end > start) yield [start, end];
  }
}

/** Business milliseconds between `from` and `to` (0 when `to` ≤ `from`). */
export function businessMsBetween(hours: BusinessHours, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  for (const [s, e] of windows(hours, from)) {
    if (s >= to) break;
    total += Math.max(0, Math.min(e, to) - Math.max(s, from));
  }
  return total;
}

/** The instant when `budgetMs` business milliseconds after `from` have passed; `null` when no working time exists. */
export function addBusinessMs(hours: BusinessHours, from: number, budgetMs: number): number | null {
  let left = budgetMs;
  for (const [s, e] of windows(hours, from)) {
    const begin = Math.max(s, from);
    if (e <= begin) continue;
    if (begin + left <= e) return begin + left;
    left -= e - begin;
  }
  return null;
}

/** Is `t` inside business hours? */
export function inBusinessHours(hours: BusinessHours, t: number): boolean {
  for (const [s, e] of windows(hours, t)) {
    if (s > t) return false;
    if (t < e) return true;
  }
  return false;
}

/**
 * Reads the clock of a conversation opened (or reopened) at `startedAt` with a target of
 * `targetMinutes` business minutes, at `now`. With no working time at all in the config (cannot
 * happen with a validated config) the target is counted in plain time.
 */
export function readClock(hours: BusinessHours, targetMinutes: number, startedAt: number, now: number): ClockReading {
  const budget = targetMinutes * 60_000;
  const dueAt = addBusinessMs(hours, startedAt, budget) ?? startedAt + budget;
  const used = businessMsBetween(hours, startedAt, Math.min(now, dueAt));
  const overdue = now >= dueAt;
  return { startedAt, dueAt, leftMs: overdue ? 0 : Math.max(0, budget - used), overdue, paused: !overdue && !inBusinessHours(hours, now) };
}

/** "1 h 25 min", "40 min", "0 min": business time for people. */
export function formatBusinessTime(ms: number): string {
  const minutes = Math.max(0, Math.ceil(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h ? (m ? `${h} h ${m} min` : `${h} h`) : `${m} min`;
}
