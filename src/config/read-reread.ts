/** Reads `reread:` (the morning re-read, src/reread/) from the configuration. Errors name line and field. */
import type { FieldReader } from '../diagnostic/fields.ts';
import type { Config } from './config.ts';

/** `HH:MM`, 24-hour clock. */
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Fills `config.reread` from the parsed YAML (`reread: { time: "07:30", enabled: true }`). */
export function readReread(r: FieldReader, v: Record<string, unknown>, config: Config): void {
  if (v.reread === false) {
    config.reread.enabled = false;
    return;
  }
  const m = r.map(v, 'reread', [], 'config');
  if (!m) return;
  r.unknownKeys(m, ['time', 'enabled'], ['reread'], 'config');
  const enabled = r.boolean(m, 'enabled', ['reread'], 'config');
  if (enabled !== undefined) config.reread.enabled = enabled;
  const time = m.time;
  if (time === undefined || time === null) return;
  if (typeof time !== 'string' || !TIME.test(time.trim())) {
    r.error(['reread', 'time'], 'config', `\`reread.time\` must be a local time like "07:30" in quotes, not ${JSON.stringify(time)}`, 'Write `time: "07:30"` (24-hour clock, team time zone): the first publisher run at or after it opens the re-read issue.');
    return;
  }
  config.reread.time = time.trim();
}
