/**
 * Test helper: conversations as the collector writes them (src/feedback/conversation.ts), put on a
 * state store directly, so triage is tested without the network readers.
 */
import type { Conversation, Message, Visibility } from '../../src/feedback/conversation.ts';
import { conversationId, conversationPath } from '../../src/feedback/conversation.ts';
import type { StateStore } from '../../src/state/store.ts';

let seq = 0;

/** A customer message on Mastodon. */
export function message(text: string, o: { at: number; handle?: string; name?: string; visibility?: Visibility; lang?: string; fromTeam?: boolean }): Message {
  seq++;
  const id = String(110_000_000_000_000_000n + BigInt(seq));
  return {
    notificationId: `n${seq}`,
    ref: { id, url: `https://mastodon.example/@${(o.handle ?? 'maria@mastodon.example').split('@')[0]}/${id}` },
    author: { handle: o.handle ?? 'maria@mastodon.example', accountId: `a${seq}`, ...(o.name ? { name: o.name } : {}) },
    text,
    createdAt: o.at,
    seenAt: o.at,
    reason: 'mention',
    visibility: o.visibility ?? 'public',
    ...(o.lang ? { lang: o.lang } : {}),
    ...(o.fromTeam ? { fromTeam: true } : {}),
  };
}

/** A conversation of one or more messages, open, tone not yet computed. */
export function conversation(messages: Message[], extra: Partial<Conversation> = {}): Conversation {
  const root = messages[0]!.ref;
  return {
    id: conversationId('mastodon', root.id),
    network: 'mastodon',
    root,
    messages,
    visibility: messages.some((m) => m.visibility === 'direct') ? 'direct' : messages.some((m) => m.visibility === 'followers') ? 'followers' : messages[0]!.visibility,
    openedAt: messages[0]!.seenAt,
    tone: { level: 'neutral', because: [] },
    status: 'open',
    ...extra,
  };
}

/** Writes conversations onto a store, as `copydesk inbox collect` would. */
export async function putConversations(store: StateStore, list: Conversation[]): Promise<void> {
  await store.update('test: conversations', async () => Object.fromEntries(list.map((c) => [conversationPath(c.id), `${JSON.stringify(c, null, 2)}\n`])));
}

/** Reads one conversation back. */
export async function getConversation(store: StateStore, id: string): Promise<Conversation> {
  await store.refresh();
  return JSON.parse((await store.read(conversationPath(id)))!) as Conversation;
}
