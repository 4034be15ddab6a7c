/**
 * Calendar arithmetic for the site's month and week views, in the team's time zone. Days are plain
 * calendar dates (`YYYY-MM-DD`) computed with UTC arithmetic, so a DST change never moves a day;
 * instants become dates only through `localDateTime` (Intl, DST-safe). Weeks start on Monday and are
 * numbered as ISO 8601 weeks (`2027-W11`).
 */
import { zoneOffset } from '../post/time.ts';

const DAY = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DD` and `HH:MM` of an instant in a zone. */
export function localDateTime(instant: number, zone: string): { date: string; time: string } {
  const iso = new Date(instant + zoneOffset(instant, zone)).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

function toUtc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The date `days` after `date`. */
export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY);
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayIndex(date: string): number {
  return (new Date(toUtc(date)).getUTCDay() + 6) % 7;
}

/** `YYYY-MM` of a date. */
export function monthKey(date: string): string {
  return date.slice(0, 7);
}

/** ISO 8601 week of a date, e.g. `2027-W11` (the week's Thursday decides the year). */
export function isoWeekKey(date: string): string {
  const thursday = addDays(date, 3 - weekdayIndex(date));
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((toUtc(thursday) - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${pad(week)}`;
}

/** The Monday that starts an ISO week (`2027-W11` → `2027-03-15`); undefined when malformed. */
export function weekStart(weekKey: string): string | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(weekKey);
  if (!m) return undefined;
  const jan4 = fromUtc(Date.UTC(Number(m[1]), 0, 4));
  const week1Monday = addDays(jan4, -weekdayIndex(jan4));
  const start = addDays(week1Monday, (Number(m[2]) - 1) * 7);
  return isoWeekKey(start) === weekKey ? start : undefined;
}

/** The seven dates of an ISO week, Monday first. */
export function weekDates(weekKey: string): string[] {
  const start = weekStart(weekKey);
  return start ? Array.from({ length: 7 }, (_, i) => addDays(start, i)) : [];
}

/** Rows of seven dates (Monday first) covering a month (`YYYY-MM`), padded with days of the months around it. */
export function monthGrid(month: string): string[][] {
  const first = `${month}-01`;
  const start = addDays(first, -weekdayIndex(first));
  const rows: string[][] = [];
  let d = start;
  do {
    const monday = d;
    rows.push(Array.from({ length: 7 }, (_, i) => addDays(monday, i)));
    d = addDays(d, 7);
  } while (monthKey(d) === month);
  return rows;
}

/** The month after (`+1`) or before (`-1`) `month`. */
export function shiftMonth(month: string, by: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + by;
  return `${y + Math.floor(m / 12)}-${pad(((m % 12) + 12) % 12 + 1)}`;
}

/** Every month from `from` to `to` inclusive (at most `limit`, so a typo in a year cannot make 10,000 pages). */
export function monthsBetween(from: string, to: string, limit = 240): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < limit; m = shiftMonth(m, 1)) out.push(m);
  return out;
}

/** Group items by local date, each day's items in time order. */
export function byDate<T>(items: T[], instantOf: (item: T) => number | undefined, zone: string): Map<string, { item: T; time: string }[]> {
  const out = new Map<string, { item: T; time: string }[]>();
  const timed = items.flatMap((item) => {
    const at = instantOf(item);
    return at === undefined ? [] : [{ item, at }];
  });
  timed.sort((a, b) => a.at - b.at);
  for (const { item, at } of timed) {
    const { date, time } = localDateTime(at, zone);
    const day = out.get(date) ?? [];
    day.push({ item, time });
    out.set(date, day);
  }
  return out;
}

/**
 * One Intl.DateTimeFormat per language and style: creating one costs far more than formatting with
 * it, and a site build formats thousands of dates in two languages.
 * https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Intl/DateTimeFormat#performance
 */
const formats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(lang: string, style: 'long-date' | 'month' | 'short' | 'long'): Intl.DateTimeFormat {
  const key = `${lang}|${style}`;
  let f = formats.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      style === 'long-date' ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } : style === 'month' ? { month: 'long', year: 'numeric' } : { weekday: style };
    f = new Intl.DateTimeFormat(lang, { ...opts, timeZone: 'UTC' });
    formats.set(key, f);
  }
  return f;
}

/** "Monday 15 March 2027" in the given language, for headings and screen readers. */
export function longDate(date: string, lang = 'en-GB'): string {
  return dateFormat(lang, 'long-date').format(new Date(toUtc(date)));
}

/** "March 2027". */
export function monthTitle(month: string, lang = 'en-GB'): string {
  return dateFormat(lang, 'month').format(new Date(toUtc(`${month}-01`)));
}

/** Short weekday names, Monday first ("Mon" … "Sun"). */
export function weekdayNames(lang = 'en', style: 'short' | 'long' = 'short'): string[] {
  const f = dateFormat(lang, style);
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2027, 2, 15 + i))));
}

/**
 * The local dates each quiet period touches, with its reason: a period from 2027-12-24 00:00 until
 * 2027-12-27 00:00 (exclusive) shades the 24th, 25th and 26th. Periods longer than a year are cut
 * at a year, so a typo cannot shade thousands of days.
 */
export function quietDays(periods: readonly { from: number; until: number; reason: string }[], zone: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of periods) {
    if (!(p.until > p.from)) continue;
    const last = localDateTime(p.until - 1, zone).date;
    let d = localDateTime(p.from, zone).date;
    for (let i = 0; d <= last && i < 366; i++, d = addDays(d, 1)) {
      const reasons = out.get(d) ?? [];
      if (!reasons.includes(p.reason)) reasons.push(p.reason);
      out.set(d, reasons);
    }
  }
  return out;
}
