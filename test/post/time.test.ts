import { describe, expect, it } from 'vitest';
import { fmtInZone, fmtRelative, parseInstant } from '../../src/post/time.ts';

const iso = (r: ReturnType<typeof parseInstant>) => (r.ok ? new Date(r.instant).toISOString() : `error: ${r.message}`);

describe('parseInstant', () => {
  it('reads an explicit offset as that instant, whatever the zone', () => {
    expect(iso(parseInstant('2027-01-14T09:00:00+01:00', 'America/New_York'))).toBe('2027-01-14T08:00:00.000Z');
    expect(iso(parseInstant('2027-01-14T09:00Z', 'Europe/Warsaw'))).toBe('2027-01-14T09:00:00.000Z');
  });

  it('reads a local time in the zone, winter and summer', () => {
    expect(iso(parseInstant('2027-01-14 09:00', 'Europe/Warsaw'))).toBe('2027-01-14T08:00:00.000Z');
    expect(iso(parseInstant('2027-07-14T09:00', 'Europe/Warsaw'))).toBe('2027-07-14T07:00:00.000Z');
  });

  it('refuses a local time skipped by the spring DST change, suggesting a fix', () => {
    const r = parseInstant('2027-03-28 02:30', 'Europe/Warsaw');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('does not exist in Europe/Warsaw');
      expect(r.fix).toMatch(/offset/);
    }
  });

  it('refuses an ambiguous local time in the autumn overlap unless an offset settles it', () => {
    const r = parseInstant('2027-10-31 02:30', 'Europe/Warsaw');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fix).toContain('2027-10-31T02:30:00+02:00');
    expect(iso(parseInstant('2027-10-31T02:30:00+01:00', 'Europe/Warsaw'))).toBe('2027-10-31T01:30:00.000Z');
    expect(iso(parseInstant('2027-10-31T02:30:00+02:00', 'Europe/Warsaw'))).toBe('2027-10-31T00:30:00.000Z');
  });

  it('handles the US changes too (not only Europe)', () => {
    expect(parseInstant('2027-03-14 02:30', 'America/New_York').ok).toBe(false);
    expect(parseInstant('2027-11-07 01:30', 'America/New_York').ok).toBe(false);
    expect(iso(parseInstant('2027-11-07 03:00', 'America/New_York'))).toBe('2027-11-07T08:00:00.000Z');
  });

  it('refuses impossible dates and unreadable text', () => {
    expect(parseInstant('2027-02-30 09:00', 'UTC').ok).toBe(false);
    expect(parseInstant('2027-01-14 25:00', 'UTC').ok).toBe(false);
    expect(parseInstant('next tuesday', 'UTC').ok).toBe(false);
    expect(parseInstant('2027-01-14', 'UTC').ok).toBe(false);
  });
});

describe('display', () => {
  it('shows an instant in a zone with its offset', () => {
    expect(fmtInZone(Date.UTC(2027, 6, 14, 7), 'Europe/Warsaw')).toBe('2027-07-14 09:00 Europe/Warsaw (UTC+02:00)');
  });
  it('shows relative times', () => {
    const now = Date.UTC(2027, 0, 1);
    expect(fmtRelative(now + 3 * 3600_000 + 5 * 60_000, now)).toBe('in 3 h 5 min');
    expect(fmtRelative(now - 3 * 86_400_000, now)).toBe('3 days ago');
  });
});
