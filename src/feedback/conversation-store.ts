/**
 * Reading conversations from the state store and changing them field by field. Every change is a
 * pure function of the conversation as the store holds it at the moment of writing (the store's
 * compare-and-swap re-runs it on a newer tip), so triage never overwrites what the collector or a
 * reply wrote in between: it sets only its own fields.
 */
import type { StateStore } from '../state/store.ts';
import { parseJsonLines } from '../state/json-lines.ts';
import { conversationPath, type Conversation } from './conversation.ts';

/** Folder of the conversation files on the state store. */
export const CONVERSATIONS_DIR = 'feedback/conversations';
/** The inbox's append-only log of what people and runs did. */
export const INBOX_EVENTS = 'feedback/events.jsonl';

/** One line of `feedback/events.jsonl` written by triage (replies add their own kinds). */
export interface InboxEvent {
  /** ISO 8601. */
  at: string;
  /** What happened. */
  kind: 'tone' | 'no-reply-needed' | 'reopen' | 'overdue-notified' | 'issue-created' | (string & {});
  /** Conversation id. */
  conversation: string;
  /** Who (GitHub login), or `copydesk` for a run. */
  by: string;
  /** Why, or the new value (`negative`), when there is one. */
  detail?: string;
}

/** Conversations on the store, and files that could not be read (named, never fatal). */
export interface ReadConversations {
  conversations: Conversation[];
  problems: { path: string; error: string }[];
}

/** A conversation file as read: the JSON, minimally checked. */
function parseConversation(text: string): Conversation | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const c = v as Partial<Conversation>;
  if (!c || typeof c !== 'object' || typeof c.id !== 'string' || !Array.isArray(c.messages) || typeof c.openedAt !== 'number') {
    return 'not a conversation (needs id, messages, openedAt)';
  }
  return v as Conversation;
}

/** Reads every conversation; a broken file is listed in `problems` and skipped. */
export async function readConversations(read: Pick<StateStore, 'list' | 'read'>): Promise<ReadConversations> {
  const out: ReadConversations = { conversations: [], problems: [] };
  for (const path of await read.list(CONVERSATIONS_DIR)) {
    if (!path.endsWith('.json')) continue;
    const text = await read.read(path);
    if (text === undefined) continue;
    const c = parseConversation(text);
    if (typeof c === 'string') out.problems.push({ path, error: c });
    else out.conversations.push(c);
  }
  out.conversations.sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
  return out;
}

/** A field-level change of one conversation: the new conversation, or `null` for no change. */
export type ConversationPatch = (current: Conversation) => Conversation | null;

/**
 * Applies `patches` (conversation id → patch) on the newest state in one store update, plus the
 * events that go with the changes that happened (`events(changedIds)`). Returns the conversations
 * as written (only those that changed). A conversation missing from the store is left alone.
 */
export async function patchConversations(
  store: StateStore,
  message: string,
  patches: ReadonlyMap<string, ConversationPatch>,
  events: (changed: Conversation[]) => InboxEvent[] = () => [],
): Promise<Conversation[]> {
  let written: Conversation[] = [];
  if (patches.size === 0) return written;
  await store.update(message, async (read) => {
    written = [];
    const writes: Record<string, string> = {};
    for (const [id, patch] of patches) {
      const path = conversationPath(id);
      const text = await read(path);
      if (text === undefined) continue;
      const current = parseConversation(text);
      if (typeof current === 'string') continue;
      const next = patch(structuredClone(current));
      if (!next || JSON.stringify(next) === JSON.stringify(current)) continue;
      writes[path] = `${JSON.stringify(next, null, 2)}\n`;
      written.push(next);
    }
    if (!written.length) return null;
    const lines = events(written);
    if (lines.length) {
      const before = (await read(INBOX_EVENTS)) ?? '';
      writes[INBOX_EVENTS] = `${before}${before && !before.endsWith('\n') ? '\n' : ''}${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
    }
    return writes;
  });
  return written;
}

/** The inbox's events, oldest first (torn lines skipped). */
export async function readInboxEvents(read: Pick<StateStore, 'read'>): Promise<InboxEvent[]> {
  return parseJsonLines<InboxEvent>(await read.read(INBOX_EVENTS));
}
