/**
 * The one comment posted when a conversation's first-response target runs out: it mentions the
 * roster's owner and backup (`roster:` in the config, src/config/team.ts) by their GitHub logins,
 * so GitHub notifies them. Logins come from the reviewed config, never from the customer.
 */
import type { Config } from '../config/config.ts';
import { fmtInZone } from '../post/time.ts';
import type { ClockReading } from './response-clock.ts';
import { formatBusinessTime } from './response-clock.ts';

/** The overdue comment's text. Pure. */
export function overdueMention(config: Config, clock: ClockReading, zone: string): string {
  const people = config.roster.filter((p) => p.role === 'owner' || p.role === 'backup');
  const named = people.map((p) => (p.github ? `@${p.github}` : p.name));
  const missing = people.filter((p) => !p.github).map((p) => p.name);
  const target = formatBusinessTime(config.feedback.firstResponseMinutes * 60_000);
  return [
    `⏰ **No answer yet**: the first-response target (${target} in business hours) ran out ${fmtInZone(clock.dueAt, zone)}.`,
    named.length ? `${named.join(' and ')}: please answer the customer, or ask someone to.` : 'Nobody is named as owner or backup in `roster:` of copydesk.config.yaml: add them, so the next overdue conversation reaches someone.',
    ...(missing.length ? [`(${missing.join(', ')}: no \`github:\` login in \`roster:\`, so GitHub cannot notify them.)`] : []),
    'This is said once per conversation.',
  ].join('\n\n');
}
