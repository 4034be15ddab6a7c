/** The quiet period in force now, or the next one (config `quiet_periods`). Pure. */
import type { QuietPeriod } from '../config/config.ts';

export type QuietPeriodNow =
  /** In a quiet period now (the one lasting longest, when they overlap). */
  | { status: 'in'; period: QuietPeriod }
  /** Not in one; this is the next. */
  | { status: 'next'; period: QuietPeriod }
  /** None planned from now on. */
  | { status: 'none' };

export function quietPeriodAt(periods: QuietPeriod[], now: number): QuietPeriodNow {
  const current = periods.filter((p) => p.from <= now && now < p.until).sort((a, b) => b.until - a.until)[0];
  if (current) return { status: 'in', period: current };
  const next = periods.filter((p) => p.from > now).sort((a, b) => a.from - b.from)[0];
  return next ? { status: 'next', period: next } : { status: 'none' };
}
