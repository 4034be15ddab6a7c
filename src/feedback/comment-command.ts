/**
 * Which handler a comment on a feedback issue goes to, by its first word. A table, so each part
 * of the inbox adds its own commands in its own file (`/reply` and `/approve` here; `/tone` and
 * `/no-reply-needed` belong to the triage). Minimal version written for the replies: when the
 * triage's version lands, the two tables merge (the lead merges this file).
 */
import type { ReplyCommentOptions, ReplyCommentResult } from './reply-comment.ts';

/** A handler for one command word. */
export type CommentHandler = (o: ReplyCommentOptions) => Promise<ReplyCommentResult>;

/** Command word (lower case, with the slash) → handler module, loaded only when used. */
export const COMMENT_COMMANDS: Record<string, () => Promise<CommentHandler>> = {
  '/reply': async () => (await import('./reply-comment.ts')).handleReplyComment,
  '/approve': async () => (await import('./reply-comment.ts')).handleReplyComment,
};

/** The command word a comment starts with, if it is one of ours. */
export function commandWord(body: string): string | undefined {
  const w = /^\s*(\/[a-z-]+)(?=\s|$)/i.exec(body)?.[1]?.toLowerCase();
  return w && w in COMMENT_COMMANDS ? w : undefined;
}
