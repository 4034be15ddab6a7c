/** The response clock in business hours: weekends skipped, DST-correct through IANA zones. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import type { BusinessHours } from '../../src/config/feedback-settings.ts';
import { addBusinessMs, businessMsBetween, readClock } from '../../src/feedback/response-clock.ts';

const WARSAW: BusinessHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], startMinute: 540, endMinute: 1020, zone: 'Europe/Warsaw' };
const H = 3_600_000;

describe('response clock', () => {
  it('a complaint on Friday 16:30 with 9–17 Mon–Fri and 2 h is due Monday 10:30', () => {
    const fri = Date.parse('2027-03-05T15:30:00Z'); // 16:30 in Warsaw (CET)
    expect(new Date(addBusinessMs(WARSAW, fri, 2 * H)!).toISOString()).toBe('2027-03-08T09:30:00.000Z'); // Monday 10:30 CET
    const sat = readClock(WARSAW, 120, fri, Date.parse('2027-03-06T12:00:00Z'));
    expect(sat).toMatchObject({ overdue: false, paused: true, leftMs: 1.5 * H });
    const mon = readClock(WARSAW, 120, fri, Date.parse('2027-03-08T09:00:00Z')); // Monday 10:00
    expect(mon).toMatchObject({ overdue: false, paused: false, leftMs: 0.5 * H });
    expect(readClock(WARSAW, 120, fri, Date.parse('2027-03-08T09:30:00Z')).overdue).toBe(true);
  });

  it('counts across the spring DST change in the zone of the hours (New York, 14 March 2027)', () => {
    const ny: BusinessHours = { ...WARSAW, zone: 'America/New_York' };
    const fri = Date.parse('2027-03-12T21:00:00Z'); // Friday 16:00 EST (UTC-5)
    // One hour on Friday, one on Monday from 09:00 EDT (UTC-4) = 13:00Z: due 14:00Z, not 15:00Z.
    expect(new Date(addBusinessMs(ny, fri, 2 * H)!).toISOString()).toBe('2027-03-15T14:00:00.000Z');
  });

  it('a day with the clock change is as long as it really is (Warsaw, 28 March 2027, all-day hours)', () => {
    const allDay: BusinessHours = { days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], startMinute: 0, endMinute: 1440, zone: 'Europe/Warsaw' };
    const sat = Date.parse('2027-03-27T11:00:00Z'); // Saturday 12:00 CET
    // 24 business hours in always-open hours are 24 real hours, though Sunday has 23 on the wall clock.
    expect(addBusinessMs(allDay, sat, 24 * H)).toBe(sat + 24 * H);
    expect(businessMsBetween(allDay, Date.parse('2027-03-27T23:00:00Z'), Date.parse('2027-03-28T22:00:00Z'))).toBe(23 * H);
    // Autumn: 31 October 2027 has 25 hours.
    expect(businessMsBetween(allDay, Date.parse('2027-10-30T22:00:00Z'), Date.parse('2027-10-31T23:00:00Z'))).toBe(25 * H);
  });

  it('business hours come from the config; their zone defaults to the team zone; mistakes name the field', () => {
    const ok = parseConfig('timezone: Europe/Warsaw\nfeedback:\n  business_hours: {days: [mon, tue, sat], start: "08:30", end: "16:00"}\n  first_response_hours: 1.5\n');
    expect(ok.ok && ok.config.feedback).toMatchObject({ businessHours: { days: ['mon', 'tue', 'sat'], startMinute: 510, endMinute: 960, zone: 'Europe/Warsaw' }, firstResponseMinutes: 90 });
    const bad = parseConfig('timezone: Europe/Warsaw\nfeedback:\n  business_hours:\n    days: [mon, funday]\n    start: "17:00"\n    end: "09:00"\n    zone: Mars/Olympus\n  first_response_hours: 0\n  colour: red\n');
    expect(bad.ok).toBe(false);
    const msgs = bad.problems.map((p) => `${p.line}: ${p.message}`);
    expect(msgs).toEqual(expect.arrayContaining([
      expect.stringMatching(/^4: .*"funday" is not a day/),
      expect.stringMatching(/^6: .*end` is not later than `start`/),
      expect.stringMatching(/^7: .*"Mars\/Olympus" is not an IANA time zone/),
      expect.stringMatching(/^8: .*first_response_hours` is 0/),
      expect.stringMatching(/^9: unknown field `feedback.colour`/),
    ]));
  });
});
