/**
 * Turning a written date-time into an instant, DST-safe, without trusting YAML or the machine's
 * zone (js-yaml reads `2027-01-14 09:00` as UTC, `new Date(string)` as machine-local: both move
 * posts by hours). Uses only Intl, which carries the IANA database.
 */

export type InstantResult =
  | { ok: true; instant: number; explicitOffset: boolean }
  | { ok: false; message: string; fix: string };

const explicit = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})$/i;
const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when `zone` is an IANA zone this Node knows. */
export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Offsets already computed, per zone and instant: a site build asks for the same few thousand
 * instants on every calendar and post page, and `formatToParts` is the costly part (bounded: a
 * long-running process never grows it past OFFSET_CACHE_MAX entries).
 */
const offsets = new Map<string, number>();
const OFFSET_CACHE_MAX = 50_000;

/** Offset of `zone` from UTC at `instant`, in ms (Europe/Warsaw in winter: +3_600_000). */
export function zoneOffset(instant: number, zone: string): number {
  const key = `${zone}|${instant}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const off = computeZoneOffset(instant, zone);
  if (offsets.size >= OFFSET_CACHE_MAX) offsets.clear();
  offsets.set(key, off);
  return off;
}

function computeZoneOffset(instant: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function fieldsValid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

/**
 * Read `raw` (a string straight from the YAML source) as an instant.
 * - With an offset (`2027-01-14T09:00:00+01:00`, `Z`): that instant; when `zone` is given too the
 *   offset must be one the zone uses at that instant.
 * - Without: a local time in `zone`. A time skipped by DST is an error, a repeated one is an error
 *   unless an offset settles it.
 */
export function parseInstant(raw: string, zone: string): InstantResult {
  const text = raw.trim();
  let m = explicit.exec(text);
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    if (!fieldsValid(y, mo, d, h, mi, s)) return { ok: false, message: `"${raw}" is not a real date and time`, fix: 'Check the month, day, hour and minute.' };
    const off = m[7]!.toUpperCase() === 'Z' ? 0 : parseOffset(m[7]!);
    const instant = Date.UTC(y, mo - 1, d, h, mi, s) - off;
    return { ok: true, instant, explicitOffset: true };
  }
  m = local.exec(text);
  if (!m) {
    return {
      ok: false,
      message: `"${raw}" is not a date-time copydesk can read`,
      fix: 'Write it as 2027-01-14T09:00:00+01:00 (with offset) or 2027-01-14 09:00 (local time in `timezone`), and quote it.',
    };
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (!fieldsValid(y, mo, d, h, mi, s)) return { ok: false, message: `"${raw}" is not a real date and time`, fix: 'Check the month, day, hour and minute.' };
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const candidates = localCandidates(wall, zone);
  if (candidates.length === 0) {
    return {
      ok: false,
      message: `${text} does not exist in ${zone}: the clocks skip that hour (daylight saving time starts)`,
      fix: `Pick a time outside the skipped hour, or write an explicit offset such as ${fmtIsoWithOffset(wall - zoneOffset(wall - 86_400_000, zone), zoneOffset(wall - 86_400_000, zone))}.`,
    };
  }
  if (candidates.length > 1) {
    const [a, b] = candidates as [number, number];
    return {
      ok: false,
      message: `${text} happens twice in ${zone} (daylight saving time ends): it is ambiguous`,
      fix: `Write the offset you mean: ${fmtIsoWithOffset(a, zoneOffset(a, zone))} (first) or ${fmtIsoWithOffset(b, zoneOffset(b, zone))} (second).`,
    };
  }
  return { ok: true, instant: candidates[0]!, explicitOffset: false };
}

/** Every instant whose wall-clock time in `zone` is `wall` (0 in a DST gap, 2 in an overlap). */
function localCandidates(wall: number, zone: string): number[] {
  const offsets = new Set([zoneOffset(wall - 86_400_000, zone), zoneOffset(wall, zone), zoneOffset(wall + 86_400_000, zone)]);
  const found = new Set<number>();
  for (const off of offsets) {
    const t = wall - off;
    if (zoneOffset(t, zone) === off) found.add(t);
  }
  return [...found].sort((a, b) => a - b);
}

function parseOffset(s: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(s)!;
  const v = (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return m[1] === '-' ? -v : v;
}

/** `2027-01-14T09:00:00+01:00` for an instant shown at a given offset. */
export function fmtIsoWithOffset(instant: number, offset: number): string {
  const d = new Date(instant + offset);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An instant in a zone, for people: `2027-01-14 09:00 (Europe/Warsaw, UTC+01:00)`. */
export function fmtInZone(instant: number, zone: string): string {
  const off = zoneOffset(instant, zone);
  const iso = fmtIsoWithOffset(instant, off);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} ${zone} (UTC${iso.slice(19)})`;
}

/** "in 3 h 5 min" / "2 days ago": relative to `now`, for previews and plans. */
export function fmtRelative(instant: number, now: number): string {
  const diff = instant - now;
  const abs = Math.abs(diff);
  const min = Math.round(abs / 60_000);
  let text: string;
  if (min < 1) text = 'less than a minute';
  else if (min < 60) text = `${min} min`;
  else if (min < 48 * 60) text = `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
  else text = `${Math.round(min / 1440)} days`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}
