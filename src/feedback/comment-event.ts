/**
 * An `issue_comment` event on a conversation's issue, read as data and dispatched through the
 * command table (./comment-command.ts). The comment's text is untrusted: it is parsed here and
 * never reaches a shell.
 *
 * Who counts: only the comment's author with write access (admin, maintain, write), asked from
 * GitHub for every command (src/github/write-access.ts); `author_association` proves nothing. A
 * stranger's command changes nothing and gets no answer, no reaction, no label: nothing that
 * tells them what the issue is for or who is on the team. Bots (the workflow's own comments
 * included) are ignored before anything is asked. Only `created` comments run: editing an old
 * comment into a command does nothing.
 * Payload: https://docs.github.com/webhooks/webhook-events-and-payloads#issue_comment
 */
import type { StateStore } from '../state/store.ts';
import type { WriteAccessLookup } from '../github/write-access.ts';
import type { Conversation } from './conversation.ts';
import { COMMENT_COMMANDS, parseComment, type CommentCommand } from './comment-command.ts';
import { patchConversations, readConversations } from './conversation-store.ts';

/** The parts of the payload used. */
export interface CommentEvent {
  action: string;
  issue: number;
  /** The issue is a pull request (its comments are `issue_comment` events too). */
  pullRequest: boolean;
  labels: string[];
  body: string;
  /** Comment author (the one whose access counts). */
  author: string;
  /** `User`, `Bot`, `Organization`. */
  authorType: string;
}

/** Reads an `issue_comment` payload; a string says what is wrong. */
export function readCommentEvent(payload: unknown): CommentEvent | string {
  const p = payload as { action?: unknown; issue?: { number?: unknown; pull_request?: unknown; labels?: unknown }; comment?: { body?: unknown; user?: { login?: unknown; type?: unknown } } } | null;
  if (!p || typeof p !== 'object' || !p.issue || !p.comment) return 'the event is not an issue_comment event (no issue or comment in the payload)';
  if (typeof p.issue.number !== 'number' || typeof p.comment.user?.login !== 'string') return 'the issue_comment payload has no issue number or comment author';
  const labels = Array.isArray(p.issue.labels) ? p.issue.labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown })?.name ?? ''))) : [];
  return {
    action: String(p.action ?? ''),
    issue: p.issue.number,
    pullRequest: p.issue.pull_request !== undefined && p.issue.pull_request !== null,
    labels,
    body: typeof p.comment.body === 'string' ? p.comment.body : '',
    author: p.comment.user.login,
    authorType: String(p.comment.user.type ?? 'User'),
  };
}

/** Is this account a bot (GitHub's `type`, or the `[bot]` suffix of app accounts)? */
export function isBot(login: string, type: string): boolean {
  return type === 'Bot' || /\[bot\]$/i.test(login);
}

/** What the event made copydesk do. */
export type CommentOutcome =
  /** Not for copydesk (no command, a bot, an edit, a pull request): nothing happened, nothing said. */
  | { kind: 'ignored'; why: string }
  /** A command from someone without write access: nothing happened, nothing said on GitHub. */
  | { kind: 'stranger'; why: string }
  /** GitHub could not say whether the author has write access: nothing happened. */
  | { kind: 'lookup-failed'; error: string }
  /** A team member's command; `reply` is the bot's answer; `conversation` as written (when it changed). */
  | { kind: 'done'; command: string; reply: string; conversation?: Conversation }
  /** A team member's command that another part of copydesk carries out (`apply: null`). */
  | { kind: 'handoff'; command: CommentCommand<any>; args: unknown; conversation: Conversation };

/** Inputs of {@link handleCommentEvent}. */
export interface CommentDeps {
  store: StateStore;
  canWrite: WriteAccessLookup;
  now: number;
  commands?: Record<string, CommentCommand<any>>;
}

/** Decides and applies a comment. Never throws for anything a commenter can write. */
export async function handleCommentEvent(event: CommentEvent, deps: CommentDeps): Promise<CommentOutcome> {
  if (event.action !== 'created') return { kind: 'ignored', why: `a comment was ${event.action || 'changed'}; only new comments run commands` };
  if (event.pullRequest) return { kind: 'ignored', why: 'a pull request comment' };
  if (isBot(event.author, event.authorType)) return { kind: 'ignored', why: `@${event.author} is a bot` };
  const parsed = parseComment(event.body, deps.commands ?? COMMENT_COMMANDS);
  if (parsed.kind === 'none') return { kind: 'ignored', why: 'the comment is not a copydesk command' };
  const access = await deps.canWrite(event.author);
  if (!access.ok) return { kind: 'lookup-failed', error: access.error };
  if (!access.canWrite) return { kind: 'stranger', why: `@${event.author} has no write access (${access.permission}); the command was ignored` };
  const name = parsed.command.name;
  if (parsed.kind === 'invalid') return { kind: 'done', command: name, reply: `\`/${name}\` was not applied: ${parsed.error}.\n\nWrite it as \`${parsed.command.usage}\`.` };

  await deps.store.refresh();
  const { conversations } = await readConversations(deps.store);
  const conversation = conversations.find((c) => c.issue === event.issue);
  if (!conversation) return { kind: 'done', command: name, reply: `\`/${name}\` was not applied: this issue is not linked to a conversation of the inbox (the inbox opens one issue per conversation, labelled \`feedback\`).` };
  const apply = parsed.command.apply;
  if (!apply) return { kind: 'handoff', command: parsed.command, args: parsed.args, conversation };

  const who = { by: event.author, at: deps.now };
  let reply = '';
  let detail: string | undefined;
  const written = await patchConversations(deps.store, `inbox: /${name} on #${event.issue} (by ${event.author})`, new Map([[conversation.id, (cur) => {
    const effect = apply(cur, parsed.args, who);
    reply = effect.confirm;
    detail = effect.kind === 'change' ? effect.detail : undefined;
    return effect.kind === 'change' ? effect.conversation : null;
  }]]), (changed) => changed.map((c) => ({ at: new Date(deps.now).toISOString(), kind: name, conversation: c.id, by: event.author, ...(detail ? { detail } : {}) })));
  return { kind: 'done', command: name, reply, ...(written[0] ? { conversation: written[0] } : {}) };
}
