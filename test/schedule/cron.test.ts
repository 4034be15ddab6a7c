/** GitHub's schedule cron, as the publisher's cadence uses it (UTC, POSIX day rule). */
import { describe, expect, it } from 'vitest';
import { nextTick, parseCron, ticksBetween, type Cron } from '../../src/schedule/cron.ts';

const cron = (s: string): Cron => {
  const r = parseCron(s);
  if (!r.ok) throw new Error(r.error);
  return r.cron;
};
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
const APRIL = [Date.parse('2027-04-01T00:00:00Z'), Date.parse('2027-05-01T00:00:00Z')] as const;

describe('cron', () => {
  it('counts the default publisher cadence: twice an hour, 05–20 UTC, 32 ticks a day', () => {
    expect(ticksBetween([cron('7,37 5-20 * * *')], ...APRIL)).toHaveLength(32 * 30);
    expect(ticksBetween([cron('*/5 * * * *')], ...APRIL)).toHaveLength(288 * 30);
  });

  it('finds the next tick after a post time, across the night gap', () => {
    const c = [cron('7,37 5-20 * * *')];
    expect(iso(nextTick(c, Date.parse('2027-04-01T09:00:00Z')))).toBe('2027-04-01T09:07:00.000Z');
    expect(iso(nextTick(c, Date.parse('2027-04-01T09:07:00Z')))).toBe('2027-04-01T09:07:00.000Z');
    expect(iso(nextTick(c, Date.parse('2027-04-01T20:40:00Z')))).toBe('2027-04-02T05:07:00.000Z');
  });

  it('weekdays, names, and the POSIX rule when both day fields are set (either matches)', () => {
    expect(ticksBetween([cron('23 6 * * 1')], ...APRIL).map(iso)).toEqual(['2027-04-05', '2027-04-12', '2027-04-19', '2027-04-26'].map((d) => `${d}T06:23:00.000Z`));
    expect(ticksBetween([cron('0 12 * * MON-FRI')], ...APRIL)).toHaveLength(22);
    // The 1st of the month OR any Sunday: 1 + 4 Sundays in April 2027.
    expect(ticksBetween([cron('0 0 1 * 0')], ...APRIL)).toHaveLength(5);
    expect(ticksBetween([cron('0 0 * * 7')], ...APRIL)).toHaveLength(4);
  });

  it('bad lines name the field and what is allowed', () => {
    expect(parseCron('7 5-20 * *')).toEqual({ ok: false, error: '"7 5-20 * *" has 4 fields; a GitHub cron has 5 (minute hour day-of-month month day-of-week)' });
    expect(parseCron('70 * * * *')).toEqual({ ok: false, error: '"70 * * * *": minute "70" is outside 0–59' });
    expect(parseCron('0 * * * FUN')).toMatchObject({ ok: false, error: expect.stringContaining('day of week "FUN"') });
  });
});
