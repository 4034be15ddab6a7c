/** Reads `feedback:` from the configuration. Errors name line and field; nothing throws. */
import type { FieldReader } from '../diagnostic/fields.ts';
import { isValidZone } from '../post/time.ts';
import type { Config } from './config.ts';
import { WEEKDAYS, type Weekday } from './feedback-settings.ts';

const KEYS = ['business_hours', 'first_response_hours', 'urgent_terms', 'tone_words', 'private_repository'];
const HOURS_KEYS = ['days', 'start', 'end', 'zone'];

/** "09:00" → 540; undefined when it is not a time of day ("24:00" is allowed as an end). */
function minutesOf(raw: string, allowEndOfDay: boolean): number | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return undefined;
  if (h === 24 && min === 0 && allowEndOfDay) return 1440;
  return h < 24 ? h * 60 + min : undefined;
}

/** Fills `config.feedback` from the parsed YAML; call after `timezone` is read (the hours' zone defaults to it). */
export function readFeedback(r: FieldReader, v: Record<string, unknown>, config: Config): void {
  const f = config.feedback;
  let zone: string | undefined;
  const fb = r.map(v, 'feedback', [], 'config');
  if (fb) {
    const p = ['feedback'];
    r.unknownKeys(fb, KEYS, p, 'config');
    const bh = r.map(fb, 'business_hours', p, 'config');
    if (bh) {
      const hp = [...p, 'business_hours'];
      r.unknownKeys(bh, HOURS_KEYS, hp, 'config');
      const days = r.stringList(bh, 'days', hp, 'config');
      if (days) {
        const picked: Weekday[] = [];
        for (const [i, d] of days.entries()) {
          const key = d.trim().toLowerCase().slice(0, 3);
          if ((WEEKDAYS as readonly string[]).includes(key)) picked.includes(key as Weekday) || picked.push(key as Weekday);
          else r.error([...hp, 'days', i], 'config', `\`feedback.business_hours.days\`: "${d}" is not a day of the week`, 'Write days as mon, tue, wed, thu, fri, sat, sun, e.g. `days: [mon, tue, wed, thu, fri]`.');
        }
        if (days.length === 0) r.error([...hp, 'days'], 'config', '`feedback.business_hours.days` is empty: the response clock would never run', 'List the days the team answers, e.g. `days: [mon, tue, wed, thu, fri]`.');
        else f.businessHours.days = picked;
      }
      const start = r.string(bh, 'start', hp, 'config');
      const end = r.string(bh, 'end', hp, 'config');
      const s = start === undefined ? f.businessHours.startMinute : minutesOf(start, false);
      const e = end === undefined ? f.businessHours.endMinute : minutesOf(end, true);
      if (s === undefined) r.error([...hp, 'start'], 'config', `\`feedback.business_hours.start\` "${start}" is not a time of day`, 'Write it as HH:MM in quotes, e.g. `start: "09:00"`.');
      if (e === undefined) r.error([...hp, 'end'], 'config', `\`feedback.business_hours.end\` "${end}" is not a time of day`, 'Write it as HH:MM in quotes, e.g. `end: "17:00"`.');
      if (s !== undefined && e !== undefined) {
        if (e <= s) r.error([...hp, 'end'], 'config', '`feedback.business_hours.end` is not later than `start`', 'Make `end` later than `start` on the same day, e.g. start "09:00", end "17:00".');
        else Object.assign(f.businessHours, { startMinute: s, endMinute: e });
      }
      const z = r.string(bh, 'zone', hp, 'config');
      if (z !== undefined) {
        if (isValidZone(z)) zone = z;
        else r.error([...hp, 'zone'], 'config', `\`feedback.business_hours.zone\` "${z}" is not an IANA time zone`, 'Use a name like Europe/Warsaw, or leave it out to use `timezone`.');
      }
    }
    const hours = r.number(fb, 'first_response_hours', p, 'config', 0);
    if (hours !== undefined) {
      if (hours <= 0 || hours > 24 * 14) r.error([...p, 'first_response_hours'], 'config', `\`feedback.first_response_hours\` is ${hours}; it must be more than 0 and at most 336 (two weeks)`, 'Write the target in business hours, e.g. `first_response_hours: 2`.');
      else f.firstResponseMinutes = Math.round(hours * 60);
    }
    const urgent = r.stringList(fb, 'urgent_terms', p, 'config');
    if (urgent) f.urgentTerms = urgent.map((t) => t.trim()).filter((t) => t !== '');
    const tw = r.map(fb, 'tone_words', p, 'config');
    if (tw) {
      for (const lang of Object.keys(tw)) {
        const lp = [...p, 'tone_words'];
        const entry = r.map(tw, lang, lp, 'config');
        if (!entry) continue;
        if (!/^[a-z]{2,3}$/i.test(lang)) {
          r.error([...lp, lang], 'config', `\`feedback.tone_words\`: "${lang}" is not a language code`, 'Use the two-letter language code, e.g. `pl:` or `de:`.');
          continue;
        }
        r.unknownKeys(entry, ['negative', 'positive'], [...lp, lang], 'config');
        f.toneWords[lang.toLowerCase()] = {
          negative: (r.stringList(entry, 'negative', [...lp, lang], 'config') ?? []).map((w) => w.trim()).filter(Boolean),
          positive: (r.stringList(entry, 'positive', [...lp, lang], 'config') ?? []).map((w) => w.trim()).filter(Boolean),
        };
      }
    }
    f.privateRepository = r.boolean(fb, 'private_repository', p, 'config') ?? f.privateRepository;
  }
  f.businessHours.zone = zone ?? config.timezone;
}
