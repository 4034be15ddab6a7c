/**
 * GitHub Actions' `on.schedule` cron: five fields (minute hour day-of-month month day-of-week),
 * always in UTC, with `*`, lists (`7,37`), ranges (`5-20`) and steps (`*\/30`, `5-20/5`); month and
 * weekday names (JAN, MON) are accepted too. Day-of-month and day-of-week follow POSIX cron: when
 * both are restricted, a day matches either.
 * https://docs.github.com/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#schedule
 * https://pubs.opengroup.org/onlinepubs/9799919799/utilities/crontab.html
 *
 * Used for the publisher's cadence: which instants a tick can start (the check's lateness bound,
 * `copydesk minutes`). Pure.
 */

/** A parsed cron line: the allowed values of each field. */
export interface Cron {
  /** The line as written. */
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  /** Whether day-of-month / day-of-week were restricted (not `*`): POSIX "either" rule. */
  daysRestricted: boolean;
  weekdaysRestricted: boolean;
}

export type CronResult = { ok: true; cron: Cron } | { ok: false; /** What is wrong, naming the field. */ error: string };

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], base: 1 },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], base: 0 },
] as const;

function value(text: string, f: (typeof FIELDS)[number]): number {
  const names = 'names' in f ? f.names : undefined;
  const i = names ? (names as readonly string[]).indexOf(text.toUpperCase()) : -1;
  if (i >= 0) return i + ('base' in f ? f.base : 0);
  return /^\d+$/.test(text) ? Number(text) : NaN;
}

function field(text: string, f: (typeof FIELDS)[number]): Set<number> | string {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a value, range or step`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    let lo: number = f.min;
    let hi: number = f.max;
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-');
      lo = value(a!, f);
      hi = b === undefined ? (m[2] === undefined ? lo : f.max) : value(b, f);
    }
    if (Number.isNaN(lo) || Number.isNaN(hi) || lo < f.min || hi > f.max || lo > hi || step < 1) return `"${part}" is outside ${f.min}–${f.max}`;
    for (let v = lo; v <= hi; v += step) out.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(source: string): CronResult {
  const parts = source.trim().split(/\s+/);
  if (parts.length !== 5) return { ok: false, error: `"${source}" has ${parts.length} fields; a GitHub cron has 5 (minute hour day-of-month month day-of-week)` };
  const sets: Set<number>[] = [];
  for (let i = 0; i < 5; i++) {
    const r = field(parts[i]!, FIELDS[i]!);
    if (typeof r === 'string') return { ok: false, error: `"${source}": ${FIELDS[i]!.name} ${r}` };
    sets.push(r);
  }
  return {
    ok: true,
    cron: { source, minutes: sets[0]!, hours: sets[1]!, days: sets[2]!, months: sets[3]!, weekdays: sets[4]!, daysRestricted: parts[2] !== '*', weekdaysRestricted: parts[4] !== '*' },
  };
}

function dayMatches(c: Cron, d: Date): boolean {
  if (!c.months.has(d.getUTCMonth() + 1)) return false;
  const dom = c.days.has(d.getUTCDate());
  const dow = c.weekdays.has(d.getUTCDay());
  if (c.daysRestricted && c.weekdaysRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Every tick of the crons in [from, until), sorted, epoch ms (whole UTC minutes). */
export function ticksBetween(crons: readonly Cron[], from: number, until: number): number[] {
  const out = new Set<number>();
  for (let day = Math.floor(from / DAY) * DAY; day < until; day += DAY) {
    const d = new Date(day);
    for (const c of crons) {
      if (!dayMatches(c, d)) continue;
      for (const h of c.hours) for (const m of c.minutes) {
        const t = day + h * 3_600_000 + m * MINUTE;
        if (t >= from && t < until) out.add(t);
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The first tick at or after `at` within `horizonMs`, or undefined when none. */
export function nextTick(crons: readonly Cron[], at: number, horizonMs = 8 * DAY): number | undefined {
  const from = Math.ceil(at / MINUTE) * MINUTE;
  return ticksBetween(crons, from, from + horizonMs)[0];
}
