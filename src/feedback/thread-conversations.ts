/**
 * Threading, pure: fetched messages go into one conversation per thread root
 * (`conversationId(network, root.id)`), appended oldest first and never twice (a message is keyed by
 * its notification id). The same input applied twice gives the same conversations: that is what
 * lets the collector re-run on a newer state tip after a rejected push, or after a crash.
 */
import { conversationId } from './conversation.ts';
import type { Conversation, FeedbackNetwork, Message, Visibility } from './conversation.ts';
import type { FetchedMessage } from './feedback-reader.ts';

const PRIVACY: Record<Visibility, number> = { public: 0, unlisted: 1, followers: 2, direct: 3 };

/** The more private of two visibilities: a conversation is as private as its most private message. */
export function morePrivate(a: Visibility, b: Visibility): Visibility {
  return PRIVACY[b] > PRIVACY[a] ? b : a;
}

/** The tone of a conversation no scorer has looked at yet (the triage sets the real one). */
export const UNSCORED_TONE = { level: 'neutral', because: [] } as const;

/**
 * Add `items` to `existing` (the conversations as read from the state, by id). Returns only the
 * conversations that changed, with their new content; messages already there are skipped.
 */
export function threadConversations(
  network: FeedbackNetwork,
  existing: ReadonlyMap<string, Conversation>,
  items: readonly FetchedMessage[],
  seenAt: number,
): Map<string, Conversation> {
  const changed = new Map<string, Conversation>();
  for (const item of items) {
    const id = conversationId(network, item.root.id);
    const before = changed.get(id) ?? existing.get(id);
    if (before?.messages.some((m) => m.notificationId === item.message.notificationId)) continue;
    const message: Message = { ...item.message, seenAt };
    const conv: Conversation = before
      ? { ...before, messages: [...before.messages, message], visibility: message.fromTeam ? before.visibility : morePrivate(before.visibility, message.visibility) }
      : {
          id,
          network,
          root: item.root,
          messages: [message],
          visibility: message.visibility,
          openedAt: seenAt,
          tone: { level: UNSCORED_TONE.level, because: [] },
          status: 'open',
        };
    // The customer wrote again after the team's answer: the conversation needs an answer again, and
    // its response clock starts when copydesk saw the new message (as for a new conversation). A
    // conversation a person closed as needing no reply (spam, abuse) stays closed: the message is
    // kept, and `/reopen` brings it back. The previous answer stays recorded: only a team reply
    // after it answers the reopened conversation (the readers' `teamReply`).
    if (before && before.status === 'answered' && !message.fromTeam && before.answered && message.createdAt > before.answered.at) {
      // `conv` is this function's own copy; the overdue mention may happen again for the new clock.
      conv.status = 'open';
      conv.reopenedAt = seenAt;
      delete conv.overdueNotifiedAt;
      delete conv.overdueCommentedAt;
    }
    // Oldest first by the customer's time; ties keep arrival order (sort is stable).
    conv.messages = [...conv.messages].sort((a, b) => a.createdAt - b.createdAt);
    changed.set(id, conv);
  }
  return changed;
}
