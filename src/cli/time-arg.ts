/**
 * `--since` / `--until` values: an ISO instant (`2027-02-03T08:00:00+01:00`, `…Z`), a local time
 * in the team zone (`2027-02-03 08:00`), or a local date (`2027-02-03`: its first moment for
 * `--since`, the first moment of the next day for `--until`, so the whole day is included). Pure.
 */
import { parseInstant } from '../post/time.ts';

export type TimeArgResult = { ok: true; /** Epoch ms. */ instant: number } | { ok: false; /** What is wrong and how to write it. */ error: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseTimeArg(raw: string, zone: string, edge: 'start' | 'end'): TimeArgResult {
  const text = raw.trim();
  const d = DATE.exec(text);
  if (!d) {
    const t = parseInstant(text, zone);
    return t.ok ? { ok: true, instant: t.instant } : { ok: false, error: `"${raw}": ${t.message}. ${t.fix}` };
  }
  let day = new Date(Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])));
  if (day.toISOString().slice(0, 10) !== text) return { ok: false, error: `"${raw}" is not a real date (check month and day)` };
  if (edge === 'end') day = new Date(day.getTime() + 86_400_000);
  const ymd = day.toISOString().slice(0, 10);
  // A day's first moment is usually 00:00; where DST skips midnight, the first hour that exists.
  for (const hh of ['00:00', '01:00', '02:00']) {
    const t = parseInstant(`${ymd} ${hh}`, zone);
    if (t.ok) return { ok: true, instant: edge === 'end' ? t.instant - 1 : t.instant };
  }
  return { ok: false, error: `cannot find the start of ${ymd} in ${zone}; give a time with an offset instead` };
}
