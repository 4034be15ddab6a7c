/**
 * `copydesk inbox`: the open conversations, most urgent first, as plain text or JSON. Pure.
 * Order: tone (urgent, negative, neutral, positive: the triage sets it; until then all are
 * neutral), then the longest waiting first (`openedAt`).
 */
import type { Conversation, ToneLevel } from './conversation.ts';
import type { FilterWarning } from './notification-filters.ts';

const TONE_RANK: Record<ToneLevel, number> = { urgent: 0, negative: 1, neutral: 2, positive: 3 };

/** Open conversations, most urgent first. */
export function openByUrgency(all: readonly Conversation[]): Conversation[] {
  return all
    .filter((c) => c.status === 'open')
    .sort((a, b) => (TONE_RANK[a.tone?.level] ?? 2) - (TONE_RANK[b.tone?.level] ?? 2) || a.openedAt - b.openedAt || a.id.localeCompare(b.id));
}

function ago(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} days`;
}

/** One line of a customer's words, for a terminal: control characters removed, shortened. */
function oneLine(text: string, max = 100): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function inboxText(all: readonly Conversation[], warnings: readonly FilterWarning[], now: number): string {
  const open = openByUrgency(all);
  const lines: string[] = [];
  lines.push(open.length === 0 ? 'No open conversations.' : `${open.length} open conversation${open.length === 1 ? '' : 's'}, most urgent first:`);
  for (const c of open) {
    const customer = c.messages.filter((m) => !m.fromTeam);
    const last = customer.at(-1) ?? c.messages.at(-1);
    const who = [...new Set(customer.map((m) => m.author.handle))].join(', ');
    lines.push('');
    lines.push(`  [${c.tone?.level ?? 'neutral'}] ${c.network} · ${c.visibility} · ${who} · waiting ${ago(now - c.openedAt)} · ${c.messages.length} message${c.messages.length === 1 ? '' : 's'}`);
    if (last) lines.push(`    "${oneLine(last.text)}"${last.ref.url ? `  ${last.ref.url}` : ''}`);
    if (c.messages.some((m) => m.filtered)) lines.push('    (hidden by the network\'s notification filters: the team\'s app does not show it)');
  }
  const answered = all.filter((c) => c.status !== 'open').length;
  if (answered) lines.push('', `${answered} answered or closed.`);
  if (warnings.length) {
    lines.push('', 'Notification filters:');
    for (const w of warnings) lines.push(`  ! ${w.text}`);
  }
  return `${lines.join('\n')}\n`;
}
