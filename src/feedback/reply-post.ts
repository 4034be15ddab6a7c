/**
 * A reply written as a post file with `reply_to:` (posts/README.md): it went through the normal
 * pull-request check and review, so its second reader is the publisher's approval gate
 * (src/publish/approval-gate.ts: the exact bytes on the default branch came through a merged pull
 * request approved on its last commit by someone with write access other than its author and
 * pusher). This turns such a post into the reply's record (./reply-log.ts), so the one sender
 * (./reply-send.ts) sends it like a `/reply`: reply id `p.<post id>`, a draft of what goes out
 * (the customer's mention added on Mastodon, checked again with it), and an `approve` by
 * `pull-request` when the gate approves that version.
 *
 * Differences from a `/reply` comment, on purpose: no `--direct`/`--off-air`/`--incident` (a
 * customer's direct message still gets a direct answer); and after a freeze made it missed, it is
 * never approved again on its own (like a post): write a new post file with a new id.
 */
import type { Config } from '../config/config.ts';
import type { Post } from '../post/post.ts';
import type { ApprovalVerdict } from '../publish/publisher.ts';
import type { StateStore } from '../state/store.ts';
import { conversationPath, type Conversation } from './conversation.ts';
import { checkReplyTexts } from './reply-check.ts';
import { appendReplyEvents, readReplyEvents, replyHash, replyState, type DraftEvent } from './reply-log.ts';
import { outgoingReplies, replyTarget } from './reply-target.ts';

/** The login recorded for an approval that is the pull request's review (the gate names no one). */
export const PULL_REQUEST_APPROVER = 'pull-request';

/** What happened to one reply post before sending. */
export interface PostReplyPrep {
  /** The reply id (`p.<post id>`). */
  replyId: string;
  /** The post file. */
  file: string;
  /** `ready`: recorded and approved (or already underway); otherwise why it waits. */
  status: 'ready' | 'waiting' | 'refused';
  reason?: string;
}

/** Finds the conversation `reply_to` names: its id, or the web address of one of its posts. */
export async function conversationFor(store: StateStore, replyTo: string): Promise<Conversation | undefined> {
  const read = async (path: string) => {
    const t = await store.read(path);
    try {
      return t ? (JSON.parse(t) as Conversation) : undefined;
    } catch {
      return undefined;
    }
  };
  if (!/^https:\/\//.test(replyTo)) return read(conversationPath(replyTo));
  for (const path of await store.list('feedback/conversations')) {
    const c = await read(path);
    if (c && (c.root.url === replyTo || c.messages.some((m) => m.ref.url === replyTo))) return c;
  }
  return undefined;
}

export async function preparePostReplies(o: { posts: Post[]; store: StateStore; config: Config; now: Date; approve?: (post: Post) => Promise<ApprovalVerdict> }): Promise<PostReplyPrep[]> {
  const out: PostReplyPrep[] = [];
  for (const post of o.posts) {
    if (!post.replyTo || post.draft) continue;
    const replyId = `p.${post.id}`;
    const done = (status: PostReplyPrep['status'], reason?: string) => out.push({ replyId, file: post.file, status, ...(reason ? { reason } : {}) });
    if (post.publishAt !== undefined && post.publishAt > o.now.getTime()) {
      done('waiting', `publish_at is ${new Date(post.publishAt).toISOString()}`);
      continue;
    }
    const state = replyState(replyId, await readReplyEvents(o.store, replyId));
    if (state.sent || (state.attempt && !state.attempt.outcome)) {
      done('ready');
      continue;
    }
    if (state.attempt?.outcome?.status === 'missed') {
      done('refused', `not sent: ${state.attempt.outcome.reason ?? 'a freeze held it'}; a reply file is never sent late on its own: write a new post file (new id) to send it`);
      continue;
    }
    const c = await conversationFor(o.store, post.replyTo);
    if (!c) {
      done('waiting', `no feedback conversation matches reply_to "${post.replyTo}" (yet): use the id shown on its issue, or the customer post's address`);
      continue;
    }
    if (!post.channels.includes(c.network)) {
      done('refused', `the conversation is on ${c.network}, but ${post.file} lists channels [${post.channels.join(', ')}]`);
      continue;
    }
    const flags = { direct: false, offAir: false, incident: false };
    const t = replyTarget(c, flags);
    if (!t.ok) {
      done('refused', t.message);
      continue;
    }
    const planned = outgoingReplies(c.network, post.parts[0]!.text, flags, t.target, o.config.channels.mastodon.visibility);
    const check = await checkReplyTexts(planned.map((p) => p.text), c.network, post.lang, o.config, o.now.getTime());
    const outgoing = planned.map((p, i) => ({ ...p, text: check.published[i] ?? p.text }));
    const hash = replyHash(c.network, outgoing, flags, t.target);
    if (check.errors) {
      done('refused', `the reply as it goes out (with the mention) has ${check.errors} check error(s): ${check.findings.filter((f) => f.severity === 'error').map((f) => f.message).join('; ')}`);
      continue;
    }
    const verdict = o.approve ? await o.approve(post) : { approved: true as const };
    if (!verdict.approved) {
      done('waiting', `not approved: ${verdict.reason}`);
      continue;
    }
    const at = o.now.toISOString();
    const draft: DraftEvent = { type: 'draft', at, replyId, conversation: c.id, network: c.network, source: { kind: 'post', file: post.file, postId: post.id }, by: post.file, text: post.parts[0]!.text, flags, target: t.target, outgoing, hash, check: { errors: 0, warnings: check.warnings } };
    await appendReplyEvents(o.store, replyId, `inbox: reply ${replyId} from ${post.file}`, (latest) => {
      const s = replyState(replyId, latest);
      if (s.sent || s.attempt) return [];
      const add = s.draft?.hash === hash ? [] : [draft];
      const approved = add.length === 0 && s.approval?.hash === hash;
      return approved ? add : [...add, { type: 'approve', at, replyId, by: PULL_REQUEST_APPROVER, hash }];
    });
    done('ready');
  }
  return out;
}
