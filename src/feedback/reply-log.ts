/**
 * A reply's record on the state store: `feedback/replies/<reply id, path-safe>.jsonl`, one event a
 * line, appended only (every change is a pure function of what it reads, so two runs that write at
 * once both land, see src/state/store.ts). Where a reply stands is a fold of these events
 * (`replyState`), never a field overwritten in place:
 *
 * - `draft`: a version of the text (the `/reply` comment, each edit of it, or the post file), with
 *   its hash: what an approval names;
 * - `approve`: a second team member approved one exact hash;
 * - `refused`: an approval (or a draft) that did not count, and why (for people; changes nothing);
 * - `attempt`: the sender is about to hand an approved version to the publisher, under a ledger id
 *   of its own (`reply.<id>.<n>`) and a fixed scheduled time (Bluesky's record key and the
 *   Mastodon read-back derive from it);
 * - `outcome`: what that attempt came to (`sent`, `missed` because a freeze held it, …).
 *
 * Once any attempt may have reached a network (its ledger has an intent), no other attempt is ever
 * made: a reply goes out once, whatever is approved or edited later.
 */
import { createHash } from 'node:crypto';
import type { SentRef } from '../publish/channel.ts';
import { parseJsonLines } from '../state/json-lines.ts';
import type { StateStore } from '../state/store.ts';
import type { FeedbackNetwork, NetworkRef, Visibility } from './conversation.ts';
import type { OutgoingReply } from './reply-target.ts';
import type { ReplyFinding } from './reply-check.ts';

/** How a reply is to be sent, from the `/reply` flags (or the post file). */
export interface ReplyFlags {
  /** `--direct`: answer with a private message (Mastodon `direct`), never public. */
  direct: boolean;
  /** `--off-air`: one action, a public "we've sent you a message" plus the text as a direct message. */
  offAir: boolean;
  /** `--incident`: part of the incident response; may go out during a freeze if the person who froze (or the owner) approves. */
  incident: boolean;
}

/** Where a draft came from. */
export type ReplySource =
  /** A `/reply` comment on the conversation's issue. */
  | { kind: 'comment'; /** Issue number. */ issue: number; /** Comment id (the reply id is `c<id>`). */ commentId: number }
  /** A post file with `reply_to:` (merged through the normal pull-request review). */
  | { kind: 'post'; /** Repository-relative file. */ file: string; /** The post's `id`. */ postId: string };

/** What the reply answers, fixed when the draft is written (the approval covers it). */
export interface ReplyTarget {
  /** The customer's post replied to (Mastodon `in_reply_to_id`, Bluesky `reply.parent`). */
  parent: NetworkRef;
  /** The thread's first post (Bluesky `reply.root`). */
  root: NetworkRef;
  /** The customer's handle, mentioned at the start of a Mastodon reply. */
  handle: string;
  /** Visibility of the customer's message (a `direct` one gets a `direct` answer). */
  visibility: Visibility;
}

interface Base {
  /** When (ISO 8601, UTC). */
  at: string;
  /** The reply (`c<comment id>` or `p.<post id>`). */
  replyId: string;
}

export interface DraftEvent extends Base {
  type: 'draft';
  /** The conversation answered (`feedback/conversations/…`). */
  conversation: string;
  network: FeedbackNetwork;
  source: ReplySource;
  /** Who wrote it (GitHub login; for a post file, the pull request's author when known). */
  by: string;
  /** Who edited this version, when not its writer (someone with write access edited the comment): they cannot approve it either. */
  editedBy?: string;
  /** The text the team wrote (without the mention copydesk adds on Mastodon). */
  text: string;
  flags: ReplyFlags;
  target: ReplyTarget;
  /** Exactly what goes out, in order (mention included, as the check saw it): one or two statuses. */
  outgoing: OutgoingReply[];
  /** `replyHash` of what goes out, the flags and the target: what an approval must name. */
  hash: string;
  /** The check's verdict on this version (findings: the first 20, for the comment shown after an approval). */
  check: { errors: number; warnings: number; findings?: ReplyFinding[] };
}

export interface ApproveEvent extends Base {
  type: 'approve';
  /** Who approved (GitHub login, write access checked when it was written). */
  by: string;
  /** The exact version approved. */
  hash: string;
  /** The `/approve` comment, when one. */
  commentId?: number;
}

export interface RefusedEvent extends Base {
  type: 'refused';
  /** Who tried. */
  by: string;
  /** Why it did not count, for people. */
  reason: string;
}

export interface AttemptEvent extends Base {
  type: 'attempt';
  /** 1, 2, …: a new attempt only after the previous one sent nothing (a freeze made it missed). */
  attempt: number;
  /** The version sent. */
  hash: string;
  /** The approval it rests on (its `at`), so a spent approval is never used twice. */
  approvedAt: string;
  /** Who approved it. */
  approvedBy: string;
  /** The scheduled time given to the publisher for this attempt (epoch ms): stable across runs. */
  publishAt: number;
  /** The run that made it. */
  runId: string;
}

export interface OutcomeEvent extends Base {
  type: 'outcome';
  attempt: number;
  /** `sent`: on the network; `missed`: a freeze held it, nothing went out (re-approve after the thaw). */
  status: 'sent' | 'missed';
  /** Where it went: the public reply and/or the direct message. */
  refs?: { public?: SentRef; direct?: SentRef };
  /** Why, for `missed`. */
  reason?: string;
  runId: string;
}

/** The `/reply` comment was deleted, or edited into something that is not a `/reply`: nothing is sent. */
export interface WithdrawnEvent extends Base {
  type: 'withdrawn';
  /** Who deleted or edited it. */
  by: string;
  /** `deleted` or `edited`. */
  how: 'deleted' | 'edited';
}

export type ReplyEvent = DraftEvent | ApproveEvent | RefusedEvent | AttemptEvent | OutcomeEvent | WithdrawnEvent;

/** State-store path of a reply's events. */
export function replyPath(replyId: string): string {
  return `feedback/replies/${encodeURIComponent(replyId)}.jsonl`;
}

/** Folder of every reply's events. */
export const REPLIES_DIR = 'feedback/replies';

/** The ledger id of one attempt: letters, digits and dots only (the post id pattern). */
export function attemptPostId(replyId: string, attempt: number): string {
  return `reply.${replyId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)}.${attempt}`;
}

/** Hash of exactly what would go out (every status's text and visibility), the flags and the target. 12 hex digits. */
export function replyHash(network: FeedbackNetwork, outgoing: readonly OutgoingReply[], flags: ReplyFlags, target: ReplyTarget): string {
  const canonical = JSON.stringify([network, outgoing.map((x) => [x.role, x.visibility, x.text]), flags.direct, flags.offAir, flags.incident, target.parent.id, target.parent.cid ?? '', target.root.id, target.root.cid ?? '']);
  return createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 12);
}

export function parseReplyEvents(text: string | undefined): ReplyEvent[] {
  return parseJsonLines<ReplyEvent>(text).filter((e) => e && typeof e === 'object' && typeof e.type === 'string');
}

export async function readReplyEvents(store: StateStore, replyId: string): Promise<ReplyEvent[]> {
  return parseReplyEvents(await store.read(replyPath(replyId)));
}

/**
 * Appends the events `decide` returns after reading the newest events of the reply (a pure
 * function of them), in one compare-and-swap: e.g. an approval that still names the current hash,
 * or an attempt no other run created meanwhile. Returns what was appended.
 */
export async function appendReplyEvents(store: StateStore, replyId: string, message: string, decide: (events: ReplyEvent[]) => ReplyEvent[]): Promise<ReplyEvent[]> {
  let written: ReplyEvent[] = [];
  await store.update(message, async (read) => {
    const path = replyPath(replyId);
    const text = await read(path);
    written = decide(parseReplyEvents(text));
    if (!written.length) return null;
    const base = text && !text.endsWith('\n') ? `${text}\n` : (text ?? '');
    return { [path]: `${base}${written.map((e) => JSON.stringify(e)).join('\n')}\n` };
  });
  return written;
}

/** Where a reply stands: a pure fold of its events. */
export interface ReplyState {
  replyId: string;
  /** The current version (the last draft). */
  draft?: DraftEvent;
  /** The approval that counts for the current version, if any: after it, of its hash, not by its writer, not spent. */
  approval?: ApproveEvent;
  /** The newest attempt, with its outcome if recorded. */
  attempt?: AttemptEvent & { outcome?: OutcomeEvent };
  /** The reply is on the network (an outcome `sent`). */
  sent?: OutcomeEvent;
  /** The current version was withdrawn (comment deleted or no longer a `/reply`): no approval counts. */
  withdrawn?: WithdrawnEvent;
}

export function replyState(replyId: string, events: readonly ReplyEvent[]): ReplyState {
  const state: ReplyState = { replyId };
  let draftIndex = -1;
  let spentUpTo = -1;
  const attempts: (AttemptEvent & { outcome?: OutcomeEvent })[] = [];
  events.forEach((e, i) => {
    if (e.type === 'draft') {
      state.draft = e;
      draftIndex = i;
      delete state.withdrawn;
    } else if (e.type === 'withdrawn') {
      state.withdrawn = e;
    } else if (e.type === 'attempt') {
      attempts.push({ ...e });
    } else if (e.type === 'outcome') {
      const a = attempts.find((x) => x.attempt === e.attempt);
      if (a) a.outcome = e;
      if (e.status === 'sent') state.sent ??= e;
      // An approval used by an attempt that was missed is spent: after the thaw, a person approves again.
      if (e.status === 'missed') spentUpTo = i;
    }
  });
  if (attempts.length) state.attempt = attempts.at(-1)!;
  const draft = state.draft;
  if (draft && !state.withdrawn) {
    for (let i = events.length - 1; i > Math.max(draftIndex, spentUpTo); i--) {
      const e = events[i]!;
      if (e.type !== 'approve' || e.hash !== draft.hash) continue;
      // Never the writer (also re-checked when the approval is written).
      if (isWriter(draft, e.by)) continue;
      state.approval = e;
      break;
    }
  }
  return state;
}

/** Did `login` write or edit this version? Then they cannot approve it. */
export function isWriter(draft: DraftEvent, login: string): boolean {
  const l = login.toLowerCase();
  return draft.by.toLowerCase() === l || draft.editedBy?.toLowerCase() === l;
}
