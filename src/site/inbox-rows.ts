/**
 * What the site's inbox page shows for each conversation (pure, so the privacy rule is tested
 * without a build): a private (`direct`, `followers`) conversation is shown without its words,
 * its author and its link, because the site may be public (GitHub Pages is public even for a
 * private repository); the issue link leads the team to it.
 */
import type { InboxEntry } from '../feedback/inbox-listing.ts';
import { isPrivate, NETWORK_LABELS, safeUrl, TONE_TEXT, VISIBILITY_TEXT } from '../feedback/feedback-issue.ts';
import { formatBusinessTime } from '../feedback/response-clock.ts';
import { customerMessages } from '../feedback/tone.ts';
import { fmtInZone } from '../post/time.ts';

/** One row of the inbox page. */
export interface InboxRow {
  /** Conversation id (for `data-` attributes). */
  id: string;
  /** Tone for people (`🔴 negative`). */
  tone: string;
  /** `urgent`, `negative`, … (for styling and tests). */
  level: string;
  /** Bluesky, Mastodon. */
  network: string;
  /** Visibility for people. */
  visibility: string;
  /** Private: words, author and link are left out. */
  private: boolean;
  /** Customer handle (public conversations only). */
  customer?: string;
  /** The first customer message, cut (public conversations only). */
  excerpt?: string;
  /** The original post (public conversations only, http(s) only). */
  url?: string;
  /** Clock for people: "1 h 20 min left", "overdue since …", or how it ended. */
  clock: string;
  /** The clock ran out. */
  overdue: boolean;
  /** The GitHub issue, when the repository address is known. */
  issueUrl?: string;
  /** The issue number. */
  issue?: number;
}

function cut(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The row of one entry. */
export function inboxRow(e: InboxEntry, o: { zone: string; repoUrl?: string }): InboxRow {
  const c = e.conversation;
  const hidden = isPrivate(c.visibility);
  const first = customerMessages(c)[0];
  const url = hidden ? undefined : safeUrl(first?.ref.url ?? c.root.url);
  const clock = e.clock
    ? e.clock.overdue
      ? `overdue since ${fmtInZone(e.clock.dueAt, o.zone)}`
      : `${formatBusinessTime(e.clock.leftMs)} left${e.clock.paused ? ' (paused outside business hours)' : ''}, due ${fmtInZone(e.clock.dueAt, o.zone)}`
    : c.status === 'answered'
      ? `answered ${c.answered ? fmtInZone(c.answered.at, o.zone) : ''}`.trim()
      : `no reply needed${c.noReplyNeeded ? `: ${cut(c.noReplyNeeded.reason, 80)}` : ''}`;
  return {
    id: c.id,
    tone: TONE_TEXT[e.tone.level],
    level: e.tone.level,
    network: NETWORK_LABELS[c.network] ?? String(c.network),
    visibility: VISIBILITY_TEXT[c.visibility],
    private: hidden,
    ...(!hidden && first ? { customer: first.author.handle, excerpt: cut(first.text, 140) } : {}),
    ...(url ? { url } : {}),
    clock,
    overdue: e.clock?.overdue ?? false,
    ...(c.issue !== undefined ? { issue: c.issue, ...(o.repoUrl ? { issueUrl: `${o.repoUrl}/issues/${c.issue}` } : {}) } : {}),
  };
}
