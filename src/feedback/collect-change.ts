/**
 * How one collector run's findings go onto the state store, as ONE `StateStore.update()` change
 * that is a pure function of what it reads (the store re-runs it on the newest tip when another run
 * pushed first). Layout: see conversation.ts.
 *
 * Idempotency: a notification is taken in once. It is skipped when `feedback/seen/<network>.jsonl`
 * lists it AND its conversation already holds it; the second half makes the folder backend (which
 * writes file by file) safe against a crash between the two files: the message is then added on
 * the next run, never lost and never doubled. On the git backend the whole change is one commit.
 *
 * Write order matters for the folder backend (it writes the returned files in object order, one by
 * one): conversations first, then the `seen` lines, then the cursor. A crash can then leave a
 * message in its conversation without its `seen` line (repaired next run), never a cursor past a
 * message that was not stored. A lost cursor is rebuilt only from `seen` lines whose message is in
 * its conversation (collect.ts).
 *
 * A run that finds nothing new (no new message, no further cursor, no newly answered conversation,
 * the same filter warnings) returns `null`: nothing is written, no commit is made.
 */
import type { StateChange } from '../state/store.ts';
import { parseJsonLines } from '../state/json-lines.ts';
import { conversationPath } from './conversation.ts';
import type { Conversation, Cursor, FeedbackNetwork, SeenLine } from './conversation.ts';
import type { FetchedMessage, TeamReply } from './feedback-reader.ts';
import { FILTERS_PATH } from './notification-filters.ts';
import type { FilterReport, FilterWarning } from './notification-filters.ts';
import { threadConversations } from './thread-conversations.ts';
import { conversationId } from './conversation.ts';

/** What one network gave in this run. */
export interface NetworkFindings {
  network: FeedbackNetwork;
  /** New notifications, oldest first. */
  items: FetchedMessage[];
  /** The reader's cursor after this read, if any. */
  cursor?: string;
  /** Orders cursors (the reader's `compareCursors`): the stored cursor only moves forward. */
  compareCursors: (a: string, b: string) => number;
  /** The filter warnings read this run; undefined when they could not be read (the stored ones stay). */
  filters?: FilterWarning[];
  /** Team replies found on the network, by conversation id. */
  replies: ReadonlyMap<string, TeamReply>;
}

/** What the change did, for the command's report (filled in by the last run of the change). */
export interface CollectOutcome {
  /** Messages taken in, per network. */
  added: Record<string, number>;
  /** Conversations created. */
  opened: number;
  /** Conversations marked answered because the team replied on the network. */
  answered: number;
  /** Answered conversations opened again because the customer wrote after the answer. */
  reopened: number;
  /** Conversation files that could not be read (left untouched; their messages wait). */
  unreadable: string[];
  /** Whether the filter report changed. */
  filtersChanged: boolean;
}

export const seenPath = (network: FeedbackNetwork): string => `feedback/seen/${network}.jsonl`;
export const cursorPath = (network: FeedbackNetwork): string => `feedback/cursor/${network}.json`;

function parseJson<T>(text: string | undefined): T | undefined | 'unreadable' {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return 'unreadable';
  }
}

function isConversation(v: unknown): v is Conversation {
  const c = v as Conversation;
  return !!c && typeof c === 'object' && typeof c.id === 'string' && Array.isArray(c.messages) && typeof c.status === 'string';
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** The state change for one collector run; `outcome` describes what its last application did. */
export function collectChange(findings: readonly NetworkFindings[], now: Date, runId: string, outcome: CollectOutcome): StateChange {
  return async (read) => {
    const writes: Record<string, string> = {};
    const result: CollectOutcome = { added: {}, opened: 0, answered: 0, reopened: 0, unreadable: [], filtersChanged: false };
    const seenAt = now.getTime();
    const at = now.toISOString();

    for (const f of findings) {
      // Conversations this network touches, read once (a path per id).
      const ids = new Set([...f.items.map((i) => conversationId(f.network, i.root.id)), ...f.replies.keys()]);
      const existing = new Map<string, Conversation>();
      const unreadable = new Set<string>();
      for (const id of ids) {
        const c = parseJson<unknown>(await read(conversationPath(id)));
        if (c === undefined) continue;
        if (c === 'unreadable' || !isConversation(c)) unreadable.add(id);
        else existing.set(id, c);
      }
      result.unreadable.push(...[...unreadable].map(conversationPath));

      const seenText = await read(seenPath(f.network));
      const seen = new Set(parseJsonLines<SeenLine>(seenText).map((l) => l.notificationId));
      const items = f.items.filter((i) => !unreadable.has(conversationId(f.network, i.root.id)));
      const changed = threadConversations(f.network, existing, items, seenAt);
      let added = 0;
      const newLines: SeenLine[] = [];
      for (const c of changed.values()) {
        if (!existing.has(c.id)) result.opened += 1;
        else if (existing.get(c.id)!.status === 'answered' && c.status === 'open') result.reopened += 1;
        const before = new Set(existing.get(c.id)?.messages.map((m) => m.notificationId));
        for (const m of c.messages) if (!before.has(m.notificationId)) added += 1;
      }
      for (const i of items) {
        if (seen.has(i.message.notificationId)) continue;
        seen.add(i.message.notificationId);
        newLines.push({ notificationId: i.message.notificationId, conversation: conversationId(f.network, i.root.id), at, runId });
      }
      if (added) result.added[f.network] = added;

      // Answered on the network: only conversations still open, and only the first answer counts.
      for (const [id, reply] of f.replies) {
        if (unreadable.has(id)) continue;
        const c = changed.get(id) ?? existing.get(id);
        if (!c || c.status !== 'open') continue;
        // A reopened conversation keeps its previous answer: only a later reply answers it again.
        if (c.answered && reply.at <= c.answered.at) continue;
        changed.set(id, { ...c, status: 'answered', answered: { at: reply.at, by: 'network', ref: reply.ref } });
        result.answered += 1;
      }

      for (const c of changed.values()) writes[conversationPath(c.id)] = json(c);
      if (newLines.length) {
        const base = seenText && !seenText.endsWith('\n') ? `${seenText}\n` : (seenText ?? '');
        writes[seenPath(f.network)] = base + newLines.map((l) => `${JSON.stringify(l)}\n`).join('');
      }

      // The cursor never moves back (an older overlapping run finishing last) and never past a
      // conversation that could not be written (its messages must be read again).
      if (f.cursor !== undefined && unreadable.size === 0) {
        const stored = parseJson<Cursor>(await read(cursorPath(f.network)));
        const storedValue = stored && stored !== 'unreadable' && typeof stored.value === 'string' ? stored.value : undefined;
        if (storedValue === undefined || f.compareCursors(f.cursor, storedValue) > 0) {
          writes[cursorPath(f.network)] = json({ value: f.cursor, at } satisfies Cursor);
        }
      }
    }

    // Filter warnings: each network's replace its own; a network not read this run keeps its old ones.
    const readNetworks = new Set(findings.filter((f) => f.filters !== undefined).map((f) => f.network));
    if (readNetworks.size) {
      const stored = parseJson<FilterReport>(await read(FILTERS_PATH));
      const old = stored && stored !== 'unreadable' && Array.isArray(stored.warnings) ? stored.warnings : [];
      const next = [...old.filter((w) => !readNetworks.has(w.network)), ...findings.flatMap((f) => f.filters ?? [])];
      next.sort((a, b) => a.network.localeCompare(b.network) || a.setting.localeCompare(b.setting));
      if (stored === undefined || stored === 'unreadable' || JSON.stringify(next) !== JSON.stringify(old)) {
        writes[FILTERS_PATH] = json({ at, warnings: next } satisfies FilterReport);
        result.filtersChanged = true;
      }
    }

    Object.assign(outcome, result);
    return Object.keys(writes).length ? writes : null;
  };
}
