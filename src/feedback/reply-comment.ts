/**
 * The two readers of a reply, on the conversation's GitHub issue (an `issue_comment` event):
 *
 * - `/reply …` (created or edited): the first reader. The text runs the post check for the
 *   conversation's network (./reply-check.ts); the version is recorded with its hash; one comment
 *   by copydesk per reply draft, updated in place, shows exactly what would go out, the findings,
 *   and the line that approves it. Errors block.
 * - `/approve <hash>`: the second reader. Counts only from someone with write access to the
 *   repository (GitHub's permission API, src/github/write-access.ts), never the reply's writer,
 *   never a bot, and only for the version whose hash it names, when that is still the current one
 *   and has no check errors.
 *
 * A stranger's comment (no write access), a bot's (copydesk's own included) and any comment
 * GitHub's permission check cannot confirm do nothing: nothing is recorded, nothing is answered
 * (answering strangers would let anyone make the bot write). Every decision is read and written in
 * one compare-and-swap of the reply's events (./reply-log.ts).
 */
import type { Config } from '../config/config.ts';
import type { WriteAccessLookup } from '../github/write-access.ts';
import { readFreezes } from '../freeze/freeze-state.ts';
import type { StateStore } from '../state/store.ts';
import { conversationPath, type Conversation } from './conversation.ts';
import { checkReplyTexts, type ReplyCheck } from './reply-check.ts';
import { appendReplyEvents, isWriter, readReplyEvents, replyHash, replyState, type DraftEvent, type ReplyEvent } from './reply-log.ts';
import { parseReplyCommand } from './reply-parse.ts';
import { listReplyIds } from './reply-send.ts';
import { outgoingReplies, replyTarget } from './reply-target.ts';

/** The parts of GitHub's `issue_comment` payload used here (https://docs.github.com/webhooks/webhook-events-and-payloads#issue_comment). */
export interface CommentEvent {
  /** `created`, `edited` or `deleted`. */
  action: string;
  /** The issue's number. */
  issue: number;
  /** The comment's id. */
  commentId: number;
  /** The comment's text now. */
  body: string;
  /** Who wrote (or edited) it: `comment.user` (an edit is by its author; GitHub lets others edit only with write access, and the event's `sender` is then who edited). */
  user: { login: string; type?: string };
  /** Whoever made this event (`sender`): the editor of an edited comment. */
  sender?: { login: string; type?: string };
}

/** What the handler needs from GitHub. */
export interface ReplyGitHub {
  writeAccess: WriteAccessLookup;
  /** Create or update copydesk's comment (found by `marker`) on the issue. */
  upsertComment(issue: number, marker: string, body: string): Promise<void>;
}

export interface ReplyCommentOptions {
  event: CommentEvent;
  store: StateStore;
  config: Config;
  /** The clock. */
  now: Date;
  github: ReplyGitHub;
  log: (line: string) => void;
}

export type ReplyCommentResult =
  | { status: 'ignored'; reason: string }
  | { status: 'drafted' | 'unchanged'; replyId: string; hash: string; errors: number }
  | { status: 'approved'; replyId: string; hash: string; by: string }
  | { status: 'refused'; reason: string; replyId?: string };

const isBot = (u: { login: string; type?: string }) => u.type === 'Bot' || /\[bot\]$/i.test(u.login);

/** The marker of copydesk's findings comment for one reply draft. */
export const findingsMarker = (replyId: string) => `reply:${replyId}`;

export async function handleReplyComment(o: ReplyCommentOptions): Promise<ReplyCommentResult> {
  const { event } = o;
  const actor = event.sender ?? event.user;
  const cmd = event.action === 'deleted' ? ({ kind: 'none' } as const) : parseReplyCommand(event.body);
  if (cmd.kind === 'none') return withdraw(o);
  if (event.action !== 'created' && event.action !== 'edited') return { status: 'ignored', reason: `comment ${event.action}` };
  if (isBot(actor) || isBot(event.user)) return { status: 'ignored', reason: `${actor.login} is a bot` };
  // Someone else editing a team member's /reply counts as them writing it: both must be team members.
  for (const who of new Set([actor.login, event.user.login])) {
    const access = await o.github.writeAccess(who);
    if (!access.ok) return { status: 'ignored', reason: `could not confirm ${who}'s permission (${access.error}); nothing done` };
    if (!access.canWrite) return { status: 'ignored', reason: `${who} has no write access (permission: ${access.permission}); nothing done` };
  }
  const conversation = await conversationOfIssue(o.store, event.issue);
  if (!conversation) return { status: 'ignored', reason: `issue #${event.issue} is not a feedback conversation copydesk knows` };

  if (cmd.kind === 'invalid') {
    const replyId = `c${event.commentId}`;
    await o.github.upsertComment(event.issue, findingsMarker(replyId), `**copydesk could not read this ${cmd.command === 'reply' ? '`/reply`' : '`/approve`'}** (comment ${event.commentId}): ${cmd.message}`);
    return { status: 'refused', reason: cmd.message };
  }
  if (cmd.kind === 'reply') return draft(o, conversation, cmd.flags, cmd.text, event.user.login, actor.login.toLowerCase() !== event.user.login.toLowerCase() ? actor.login : undefined);
  return approve(o, conversation, cmd.hash, actor.login);
}

/** A `/reply` comment deleted or edited into something else: its draft is withdrawn (nothing is sent). */
async function withdraw(o: ReplyCommentOptions): Promise<ReplyCommentResult> {
  const { event } = o;
  const replyId = `c${event.commentId}`;
  if (event.action !== 'edited' && event.action !== 'deleted') return { status: 'ignored', reason: 'not a /reply or /approve comment' };
  const before = replyState(replyId, await readReplyEvents(o.store, replyId));
  if (!before.draft || before.withdrawn) return { status: 'ignored', reason: 'not a /reply or /approve comment' };
  // Only the comment's author or someone with write access can edit or delete a comment on GitHub; check anyway.
  const by = (event.sender ?? event.user).login;
  const access = await o.github.writeAccess(by);
  if (!access.ok || !access.canWrite) return { status: 'ignored', reason: `${by} has no confirmed write access; nothing done` };
  const written = await appendReplyEvents(o.store, replyId, `inbox: reply ${replyId} withdrawn by ${by}`, (latest) => {
    const s = replyState(replyId, latest);
    return !s.draft || s.withdrawn || s.sent || (s.attempt && !s.attempt.outcome) ? [] : [{ type: 'withdrawn', at: o.now.toISOString(), replyId, by, how: event.action === 'deleted' ? 'deleted' : 'edited' }];
  });
  if (written.length && event.action === 'edited') await o.github.upsertComment(event.issue, findingsMarker(replyId), `${renderHeader(replyId)}\n\n**Withdrawn** by @${by}: the comment no longer starts with \`/reply\`, so nothing is sent. Write \`/reply …\` again to make a new version.`);
  return written.length ? { status: 'refused', reason: 'withdrawn', replyId } : { status: 'ignored', reason: 'already sent or being sent; nothing withdrawn' };
}

async function draft(o: ReplyCommentOptions, c: Conversation, flags: DraftEvent['flags'], text: string, by: string, editedBy: string | undefined): Promise<ReplyCommentResult> {
  const { event } = o;
  const replyId = `c${event.commentId}`;
  const marker = findingsMarker(replyId);
  const before = replyState(replyId, await readReplyEvents(o.store, replyId));
  if (before.sent || (before.attempt && !before.attempt.outcome)) {
    const reason = before.sent ? 'this reply was already sent; an edit changes nothing on the network. Write a new `/reply` comment for a follow-up.' : 'this reply is being sent; an edit now changes nothing. Write a new `/reply` comment for a follow-up.';
    await o.github.upsertComment(event.issue, marker, `${renderHeader(replyId)}\n\n${reason}`);
    return { status: 'refused', reason, replyId };
  }
  const t = replyTarget(c, flags);
  if (!t.ok) {
    await o.github.upsertComment(event.issue, marker, `${renderHeader(replyId)}\n\n**Not accepted:** ${t.message}`);
    return { status: 'refused', reason: t.message, replyId };
  }
  const planned = outgoingReplies(c.network, text, flags, t.target, o.config.channels.mastodon.visibility);
  const lang = [...c.messages].reverse().find((m) => !m.fromTeam && m.lang)?.lang ?? o.config.lang;
  const check = await checkReplyTexts(planned.map((p) => p.text), c.network, lang, o.config, o.now.getTime());
  const outgoing = planned.map((p, i) => ({ ...p, text: check.published[i] ?? p.text }));
  const hash = replyHash(c.network, outgoing, flags, t.target);
  const e: DraftEvent = { type: 'draft', at: o.now.toISOString(), replyId, conversation: c.id, network: c.network, source: { kind: 'comment', issue: event.issue, commentId: event.commentId }, by, ...(editedBy ? { editedBy } : {}), text, flags, target: t.target, outgoing, hash, check: { errors: check.errors, warnings: check.warnings, findings: check.findings.slice(0, 20) } };
  const written = await appendReplyEvents(o.store, replyId, `inbox: reply ${replyId} drafted by ${by}`, (latest) => {
    const s = replyState(replyId, latest);
    if (s.sent || (s.attempt && !s.attempt.outcome)) return [];
    return s.draft?.hash === hash ? [] : [e];
  });
  const freezes = await readFreezes(o.store);
  await o.github.upsertComment(event.issue, marker, renderFindings(e, check, freezes.map((f) => f.by), o.config));
  o.log(`reply ${replyId}: ${written.length ? 'new version' : 'unchanged'} ${hash} (${check.errors} error(s), ${check.warnings} warning(s))`);
  return { status: written.length ? 'drafted' : 'unchanged', replyId, hash, errors: check.errors };
}

async function approve(o: ReplyCommentOptions, c: Conversation, hash: string, by: string): Promise<ReplyCommentResult> {
  const { event } = o;
  // The hash names the version; find the reply on this conversation that has it.
  let found: { replyId: string; events: ReplyEvent[] } | undefined;
  for (const id of await listReplyIds(o.store)) {
    const events = await readReplyEvents(o.store, id);
    if (events.some((e) => e.type === 'draft' && e.conversation === c.id && e.hash === hash)) found = { replyId: id, events };
  }
  if (!found) return refuse(o, undefined, by, `no reply on this conversation has the hash ${hash}; copy the \`/approve\` line from copydesk's comment under the reply.`);
  const { replyId } = found;
  let outcome: ReplyCommentResult = { status: 'refused', reason: 'unknown', replyId };
  await appendReplyEvents(o.store, replyId, `inbox: reply ${replyId} approved by ${by}`, (latest) => {
    const s = replyState(replyId, latest);
    const reason =
      !s.draft ? 'the reply has no text'
      : s.sent ? 'it was already sent'
      : s.attempt && !s.attempt.outcome ? 'it is being sent already'
      : s.withdrawn ? 'the reply was withdrawn (its comment deleted or no longer a /reply)'
      : s.draft.hash !== hash ? `the reply was edited after the version you approved (${hash}); read the new version and approve its hash (${s.draft.hash})`
      : isWriter(s.draft, by) ? `${by} wrote this reply; a second team member must approve it`
      : s.draft.check.errors > 0 ? `the reply has ${s.draft.check.errors} check error(s); errors block: the writer edits the /reply comment first`
      : undefined;
    if (reason) {
      outcome = { status: 'refused', reason, replyId };
      return [{ type: 'refused', at: o.now.toISOString(), replyId, by, reason }];
    }
    outcome = { status: 'approved', replyId, hash, by };
    return [{ type: 'approve', at: o.now.toISOString(), replyId, by, hash, commentId: event.commentId }];
  });
  outcome = outcome as ReplyCommentResult;
  const s = replyState(replyId, await readReplyEvents(o.store, replyId));
  if (s.draft?.source.kind === 'comment') {
    const note = outcome.status === 'approved' ? `**Approved** by @${by} (version \`${hash}\`): it goes out on the next publisher run.` : `**Approval by @${by} not counted:** ${'reason' in outcome ? outcome.reason : ''}.`;
    const freezes = await readFreezes(o.store);
    const check: ReplyCheck = { published: s.draft.outgoing.map((x) => x.text), findings: s.draft.check.findings ?? [], errors: s.draft.check.errors, warnings: s.draft.check.warnings };
    await o.github.upsertComment(s.draft.source.issue, findingsMarker(replyId), `${renderFindings(s.draft, check, freezes.map((f) => f.by), o.config)}\n\n${note}`);
  }
  return outcome;
}

async function refuse(o: ReplyCommentOptions, replyId: string | undefined, by: string, reason: string): Promise<ReplyCommentResult> {
  await o.github.upsertComment(o.event.issue, findingsMarker(`approve-${o.event.commentId}`), `**Approval by @${by} not counted:** ${reason}`);
  return { status: 'refused', reason, ...(replyId ? { replyId } : {}) };
}

/** The conversation shown by issue `n` (its `issue` field). */
export async function conversationOfIssue(store: StateStore, n: number): Promise<Conversation | undefined> {
  for (const path of await store.list('feedback/conversations')) {
    const text = await store.read(path);
    if (!text) continue;
    try {
      const c = JSON.parse(text) as Conversation;
      if (c.issue === n && conversationPath(c.id) === path) return c;
    } catch {
      /* unreadable: skipped */
    }
  }
  return undefined;
}

const renderHeader = (replyId: string) => `### Reply draft \`${replyId}\``;

/** Text shown in a GitHub comment as a quote, with nothing that renders as a mention or HTML. */
function quote(text: string): string {
  return text.split('\n').map((l) => `> ${l.replace(/[<>&]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[ch]!).replace(/@/g, '@\u200b')}`).join('\n');
}

function renderFindings(d: DraftEvent, check: ReplyCheck, freezers: string[], config: Config): string {
  const lines = [renderHeader(d.replyId), ''];
  const where = d.network === 'bluesky' ? 'Bluesky, public reply' : 'Mastodon';
  lines.push(`Written by @${d.by} · ${where} · answers ${d.target.parent.url ?? d.target.parent.id}${d.flags.incident ? ' · **incident response**' : ''}`);
  d.outgoing.forEach((x, i) => {
    lines.push('', `**${d.outgoing.length > 1 ? (x.role === 'direct' ? '1. Direct message' : '2. Public reply') : 'Goes out as'}** (${d.network === 'mastodon' ? `visibility \`${x.visibility}\`` : 'public'}):`, quote(x.text));
    for (const f of check.findings.filter((f) => f.text === i)) lines.push(`- ${f.severity === 'error' ? '❌ **error**' : '⚠️ warning'} \`${f.ruleId}\` (line ${f.line}): ${f.message}${f.fix ? ` — ${f.fix}` : ''}`);
  });
  lines.push('');
  if (check.errors) lines.push(`**${check.errors} error(s): this version cannot be approved.** Edit the \`/reply\` comment to fix them.`);
  else {
    lines.push(`${check.warnings ? `${check.warnings} warning(s) for the reviewer. ` : 'The check found nothing. '}A second team member (not @${d.by}) approves exactly this version with a comment:`, '', '```', `/approve ${d.hash}`, '```');
    if (freezers.length) {
      const owners = config.roster.filter((r) => r.role === 'owner' && r.github).map((r) => `@${r.github}`);
      lines.push('', d.flags.incident ? `Publishing is frozen: this incident reply goes out only if approved by whoever froze (${[...new Set(freezers)].map((f) => `@${f}`).join(', ')})${owners.length ? ` or the owner (${owners.join(', ')})` : ''}.` : 'Publishing is frozen: an approved reply is recorded as missed while the freeze holds it, and must be approved again after the thaw. Add `--incident` if it is part of the incident response.');
    }
  }
  lines.push('', 'Editing the `/reply` comment makes a new version and voids any approval.');
  return lines.join('\n');
}
