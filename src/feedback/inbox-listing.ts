/**
 * The inbox as people read it (the site's inbox page, the status page's counts, `copydesk inbox
 * sync`'s summary): open conversations urgent and negative first, then by time left; answered
 * ones newest first; the median first-response time this week. Pure: `now` is a parameter.
 */
import type { FeedbackSettings } from '../config/feedback-settings.ts';
import type { Conversation, Tone } from './conversation.ts';
import { businessMsBetween, localInstant, readClock, type ClockReading } from './response-clock.ts';
import { conversationTone, toneRank } from './tone.ts';
import { zoneOffset } from '../post/time.ts';

/** When a conversation's response clock starts: its first message, or when a person reopened it. */
export function clockStart(c: Conversation): number {
  return Math.max(c.openedAt, c.reopenedAt ?? 0);
}

/** One conversation with what the inbox shows about it. */
export interface InboxEntry {
  conversation: Conversation;
  /** The tone shown (a person's override, or computed from the words now). */
  tone: Tone;
  /** The clock at `now`, for open conversations. */
  clock?: ClockReading;
}

/** The inbox at one instant. */
export interface InboxView {
  /** Waiting for an answer: urgent, then negative, neutral, positive; within a tone, least time left first. */
  open: InboxEntry[];
  /** Answered or closed without an answer, newest first. */
  closed: InboxEntry[];
  /** Open conversations whose clock ran out. */
  overdue: number;
  /** Median first response (business ms) of conversations first answered this week, and how many. */
  medianFirstResponse: { ms: number; count: number } | null;
  /** Start of this week (Monday 00:00 in the hours' zone), epoch ms. */
  weekStart: number;
}

/** Monday 00:00 of the week of `now`, in `zone`. */
export function weekStart(now: number, zone: string): number {
  const local = new Date(now + zoneOffset(now, zone));
  const daysSinceMonday = (local.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysSinceMonday));
  return localInstant(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 0, zone);
}

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Builds the inbox for `now`. */
export function inboxView(conversations: readonly Conversation[], settings: FeedbackSettings, defaultLang: string, now: number): InboxView {
  const hours = settings.businessHours;
  const entries = conversations.map((conversation): InboxEntry => {
    const tone = conversationTone(conversation, settings, defaultLang);
    if (conversation.status !== 'open') return { conversation, tone };
    return { conversation, tone, clock: readClock(hours, settings.firstResponseMinutes, clockStart(conversation), now) };
  });
  const open = entries
    .filter((e) => e.conversation.status === 'open')
    .sort((a, b) => toneRank(a.tone.level) - toneRank(b.tone.level) || a.clock!.dueAt - b.clock!.dueAt || a.conversation.id.localeCompare(b.conversation.id));
  const closedAt = (e: InboxEntry) => e.conversation.answered?.at ?? e.conversation.noReplyNeeded?.at ?? e.conversation.openedAt;
  const closed = entries.filter((e) => e.conversation.status !== 'open').sort((a, b) => closedAt(b) - closedAt(a));
  const week = weekStart(now, hours.zone);
  const times = conversations
    .filter((c) => c.answered && c.answered.at >= week && c.answered.at <= now)
    // From when the clock last started (a reopened conversation counts its latest wait), never below 0.
    .map((c) => Math.max(0, businessMsBetween(hours, clockStart(c), c.answered!.at)));
  const m = median(times);
  return { open, closed, overdue: open.filter((e) => e.clock!.overdue).length, medianFirstResponse: m === null ? null : { ms: m, count: times.length }, weekStart: week };
}

/**
 * The inbox in one line, as `copydesk status` prints it and the status page says it: how many
 * customers wait for an answer and how many are past the first-response target.
 */
export function inboxSummary(view: Pick<InboxView, 'open' | 'overdue'>): string {
  if (view.open.length === 0) return 'No customer is waiting for an answer.';
  const n = view.open.length;
  return `${n} conversation${n === 1 ? '' : 's'} waiting for an answer${view.overdue ? `, ${view.overdue} past the first-response target` : ''}.`;
}
