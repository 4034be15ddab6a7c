/**
 * Which calendar pages the site has and which posts each day holds: every month and every ISO week
 * from the earliest to the latest post (and today), so "previous" and "next" always lead somewhere.
 * Pure; computed once per build (cached per SiteData).
 */
import { addDays, byDate, isoWeekKey, localDateTime, monthKey, monthsBetween, quietDays, weekStart } from './calendar.ts';
import type { SiteData, SitePost } from './data.ts';

export interface CalendarIndex {
  /** Today's date in the team zone. */
  today: string;
  /** Months with a page (`YYYY-MM`), oldest first. */
  months: string[];
  /** ISO weeks with a page (`YYYY-Www`), oldest first. */
  weeks: string[];
  /** Posts per local date, in time order. */
  days: Map<string, { item: SitePost; time: string }[]>;
  /** Posts without a time (drafts): not on the calendar. */
  untimed: SitePost[];
  /** Reasons of the quiet periods (config `quiet_periods`) per local date they touch. */
  quiet: Map<string, string[]>;
}

/** At most ten years of weeks: a typo in a year must not make thousands of pages. */
const MAX_WEEKS = 520;

const cache = new WeakMap<SiteData, CalendarIndex>();

export function calendarIndex(data: SiteData): CalendarIndex {
  const hit = cache.get(data);
  if (hit) return hit;
  const zone = data.config.timezone;
  const today = localDateTime(data.now, zone).date;
  const days = byDate(data.posts, (p) => p.post.publishAt, zone);
  const dates = [...days.keys(), today].sort();
  const first = dates[0]!;
  const last = dates[dates.length - 1]!;
  const months = monthsBetween(monthKey(first), monthKey(last));
  const weeks: string[] = [];
  for (let d = weekStart(isoWeekKey(first))!; d <= last && weeks.length < MAX_WEEKS; d = addDays(d, 7)) weeks.push(isoWeekKey(d));
  const index = { today, months, weeks, days, untimed: data.posts.filter((p) => p.post.publishAt === undefined), quiet: quietDays(data.config.quietPeriods, zone) };
  cache.set(data, index);
  return index;
}
