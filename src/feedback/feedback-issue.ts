/**
 * What a conversation's GitHub issue says (pure): title with tone and customer; body with the
 * customer's words, a link to the original, visibility, tone, the response clock and the status,
 * and how the team acts on it. Everything a customer or a network wrote is untrusted: words go
 * in a code block whose fence no backtick run can close, names and handles are escaped (no
 * @-mentions, links, HTML or markers), links are http(s) only.
 *
 * Privacy (issue 12): a `direct` or `followers` message is private. On a public repository its
 * issue must not make it public, so its issue shows only that a private message arrived, on which
 * network, with the link to it (only the people in the conversation can open it) and no words,
 * no handle, no name. Words are shown only when `feedback.private_repository: true` AND GitHub
 * says the repository is private (both: a config copied to a public repository, or a repository
 * made public later, stops showing them on the next sync). Old issue revisions keep what they
 * showed: GitHub keeps an issue's edit history.
 */
import { createHash } from 'node:crypto';
import { code, fence, text } from '../check/markdown.ts';
import { stripMarkers } from '../github/marker.ts';
import { fmtInZone } from '../post/time.ts';
import type { Conversation, Tone, ToneLevel, Visibility } from './conversation.ts';
import { formatBusinessTime, type ClockReading } from './response-clock.ts';
import { customerMessages } from './tone.ts';

/** Networks for people. */
export const NETWORK_LABELS: Record<string, string> = { bluesky: 'Bluesky', mastodon: 'Mastodon' };

/** The label every conversation issue carries. */
export const FEEDBACK_LABEL = 'feedback';

/** Tone for people, with a sign that reads without colour. */
export const TONE_TEXT: Record<ToneLevel, string> = { urgent: '🚨 urgent', negative: '🔴 negative', neutral: '⚪ neutral', positive: '🟢 positive' };

/** Visibility for people. */
export const VISIBILITY_TEXT: Record<Visibility, string> = {
  public: 'public',
  unlisted: 'unlisted (public, not in timelines)',
  followers: 'private (followers only)',
  direct: 'private (direct message)',
};

/** Is a visibility private (its words stay off a public repository and the public site)? */
export function isPrivate(v: Visibility): boolean {
  return v === 'direct' || v === 'followers';
}

/** The hidden marker name of a conversation's issue (ids hold characters a marker cannot). */
export function feedbackMarkerName(conversationId: string): string {
  return `feedback:${createHash('sha256').update(conversationId).digest('hex').slice(0, 24)}`;
}

/** An http(s) link, percent-encoded so Markdown cannot break out of `(...)`; undefined otherwise. */
export function safeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    return u.href.replace(/[()<>\s"'`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return undefined;
  }
}

/** Untrusted text made plain for a title (no control characters, no markers, capped). */
function plain(value: string, max: number): string {
  const one = stripMarkers(value).replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** What the issue should be. */
export interface FeedbackIssueView {
  title: string;
  body: string;
  /** Open while the conversation waits for an answer. */
  state: 'open' | 'closed';
  /** `completed` (answered), `not_planned` (no reply needed). */
  stateReason?: 'completed' | 'not_planned';
  /** A hash of everything but the clock line: unchanged means a closed issue needs no write. */
  key: string;
}

/** Inputs of {@link renderFeedbackIssue}. */
export interface RenderOptions {
  /** The tone to show (computed, or the person's override). */
  tone: Tone;
  /** The clock at `now` (undefined once answered or no reply is needed). */
  clock?: ClockReading;
  /** Zone for times shown. */
  zone: string;
  /** Target in business minutes, for "of 2 h". */
  targetMinutes: number;
  /** The words of private messages may be shown (private repository, see the module comment). */
  showPrivateWords: boolean;
  /** Site page of the inbox, when known. */
  inboxUrl?: string;
  /** Where the team reads its notifications on this conversation's network (for private messages). */
  notificationsUrl?: string;
}

/** The team's notifications page on a network (Mastodon: the configured instance). */
export function notificationsUrl(network: string, mastodonInstance: string | undefined): string | undefined {
  if (network === 'bluesky') return 'https://bsky.app/notifications';
  if (network === 'mastodon' && mastodonInstance) return `${mastodonInstance.replace(/\/+$/, '')}/notifications`;
  return undefined;
}

/** The issue for a conversation. Pure. */
export function renderFeedbackIssue(c: Conversation, o: RenderOptions): FeedbackIssueView {
  const hidden = isPrivate(c.visibility) && !o.showPrivateWords;
  const network = NETWORK_LABELS[c.network] ?? String(c.network);
  const customers = customerMessages(c);
  const first = customers[0];
  const who = first ? first.author.handle : 'a customer';
  const title = hidden
    ? `${TONE_TEXT[o.tone.level]} · private message on ${network}`
    : `${TONE_TEXT[o.tone.level]} · ${plain(who, 60)} on ${network}${first ? `: ${plain(first.text, 60)}` : ''}`;

  const status =
    c.status === 'answered' ? `✅ answered ${c.answered ? fmtInZone(c.answered.at, o.zone) : ''}${c.answered?.by === 'network' ? ' (the team replied on the network)' : ''}`.trim()
    : c.status === 'no-reply-needed' ? `🚫 no reply needed: ${text(c.noReplyNeeded?.reason ?? '')} (by ${code(c.noReplyNeeded?.by ?? '?')})`
    : '⏳ waiting for the team\'s first answer';
  const facts = [
    `| | |`,
    `| --- | --- |`,
    `| **Tone** | ${TONE_TEXT[o.tone.level]}${o.tone.override ? ` (set by ${code(o.tone.override.by)}${o.tone.override.reason ? `: ${text(o.tone.override.reason)}` : ''})` : o.tone.because.length && !hidden ? ` (${o.tone.because.map((w) => text(w)).join(', ')})` : ''} |`,
    `| **Network** | ${network} |`,
    `| **Visibility** | ${VISIBILITY_TEXT[c.visibility]} |`,
    `| **Status** | ${status} |`,
  ];
  const stable: string[] = [];
  stable.push(facts.join('\n'));
  if (hidden) {
    // Not the message's own address: a status URL names its author (`/@maria/…`).
    const link = safeUrl(o.notificationsUrl);
    stable.push(
      `🔒 **A private message arrived** (${VISIBILITY_TEXT[c.visibility]}), ${first ? fmtInZone(first.createdAt, o.zone) : 'recently'}. Its words and its author are not copied into this issue, because this repository (or its configuration) is not private. ${link ? `Read it in [the account's notifications on ${network}](${link}).` : `Read it in the account's notifications on ${network}.`}`,
      'Answer it privately (a direct message), never in public.',
    );
  } else {
    stable.push('### What they wrote');
    for (const m of c.messages) {
      const link = safeUrl(m.ref.url);
      const author = m.fromTeam ? 'the team' : `${code(m.author.handle)}${m.author.name ? ` (${text(plain(m.author.name, 80))})` : ''}`;
      stable.push(
        `**${author}**, ${fmtInZone(m.createdAt, o.zone)} · ${VISIBILITY_TEXT[m.visibility]}${link ? ` · [original](${link})` : ''}${m.filtered ? ' · ⚠️ hidden by the network\'s filters' : ''}\n\n${fence(stripMarkers(m.text), 'text')}`,
      );
    }
  }
  stable.push(
    '### What to do',
    [
      'Answer on the network, or write the answer as a comment here (the reply flow: a second team member approves, then it is sent). Never delete a negative comment unless it is abusive.\n',
      'Commands (a comment that starts with one; only people with write access count):',
      '- `/tone urgent|negative|neutral|positive [reason]`: set the tone by hand',
      '- `/no-reply-needed <reason>`: close it without an answer (spam, abuse)',
      '- `/reopen`: it needs an answer again (the clock starts again)',
      ...(o.inboxUrl ? [`\nEvery conversation: [the inbox](${o.inboxUrl}).`] : []),
    ].join('\n'),
  );
  const stableText = stable.join('\n\n');
  const clockLine = o.clock
    ? o.clock.overdue
      ? `⏰ **Overdue**: the first-response target (${formatBusinessTime(o.targetMinutes * 60_000)} in business hours) ran out ${fmtInZone(o.clock.dueAt, o.zone)}.`
      : `⏳ **Time left: ${formatBusinessTime(o.clock.leftMs)}** of ${formatBusinessTime(o.targetMinutes * 60_000)} (business hours${o.clock.paused ? ', paused until the next working hour' : ''}); due ${fmtInZone(o.clock.dueAt, o.zone)}.`
    : '';
  const body = `${clockLine ? `${clockLine}\n\n` : ''}${stableText}\n`;
  const state = c.status === 'open' ? 'open' : 'closed';
  const key = createHash('sha256').update(`${title}\n${stableText}\n${state}`).digest('hex').slice(0, 32);
  return { title, body, state, ...(state === 'closed' ? { stateReason: c.status === 'no-reply-needed' ? 'not_planned' as const : 'completed' as const } : {}), key };
}
