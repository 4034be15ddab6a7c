/**
 * Sending approved replies, exactly once, through the publisher itself (src/publish/publisher.ts),
 * like a holding statement (src/holding/holding-send.ts): the same channels, the same `intent`
 * written by compare-and-swap before the request, the same idempotency key and read-back after an
 * unknown outcome, the same content re-check, and the freeze read inside the intent's
 * compare-and-swap and once more right before the request. Each status of a reply is one
 * one-part post for the publisher, with the ledger id `reply.<reply id>.<attempt>` (`.dm`/`.pub`
 * for the two halves of `--off-air`), sent through a channel that makes it a reply
 * (./reply-channel.ts).
 *
 * What only replies have:
 * - the approval is the reply's own (a second team member's `/approve <hash>` of the exact
 *   version, ./reply-log.ts), and for a comment the comment's current text is re-read and must
 *   still be that version;
 * - a freeze stops a reply like a post: the publisher records it `missed`, and it is never sent on
 *   its own after the thaw. A new `/approve` after the thaw makes a new attempt (nothing of the
 *   first went out, so nothing can go out twice);
 * - an `--incident` reply goes out during a freeze only when it was approved by the person who
 *   pulled every freeze holding it, or by the roster's `owner`: the publisher then sees the store
 *   without those freezes (a freeze anyone else pulls meanwhile still stops it). Approved by anyone
 *   else, it is held (not missed) until such an approval comes;
 * - `--off-air` sends the direct message first, then the public "we've sent you a message".
 * When it is on the network, the conversation is marked answered (`by: reply:<id>`) and
 * `feedback/events.jsonl` gets a line.
 */
import type { Config } from '../config/config.ts';
import { freezesHolding } from '../freeze/freeze-match.ts';
import { FREEZE_FILE, readFreezes, type Freeze } from '../freeze/freeze-state.ts';
import type { Network } from '../post/network.ts';
import { parsePost } from '../post/parse-post.ts';
import type { Post } from '../post/post.ts';
import type { Channel, SentRef } from '../publish/channel.ts';
import { publish } from '../publish/publisher.ts';
import { latestByPart, ledgerPath, parseLedgerFile, partKey } from '../schedule/ledger.ts';
import type { StateStore } from '../state/store.ts';
import { conversationPath, type Conversation } from './conversation.ts';
import { replyChannel } from './reply-channel.ts';
import { appendReplyEvents, attemptPostId, parseReplyEvents, REPLIES_DIR, replyState, type AttemptEvent, type DraftEvent, type ReplyEvent, type ReplyState } from './reply-log.ts';
import type { OutgoingReply } from './reply-target.ts';

/** `feedback/events.jsonl`: what people did in the inbox, appended only. */
export const FEEDBACK_EVENTS = 'feedback/events.jsonl';

/** Re-reads the source of a comment reply right before sending: its hash now, or why it cannot be read. */
export type VerifySource = (draft: DraftEvent) => Promise<{ ok: true; hash: string } | { ok: false; reason: string }>;

export interface ReplySendOptions {
  store: StateStore;
  /** The publisher's channels (src/publish/channels.ts). */
  channels: (network: Network) => Channel;
  config: Config;
  /** The clock. */
  now: () => Date;
  /** This run's id. */
  runId: string;
  /** Show what would go out; send and write nothing. */
  dryRun: boolean;
  log: (line: string) => void;
  /** Networks with credentials (CI) or `outbox`. */
  credentials?: Set<Network> | 'outbox';
  credentialHelp?: Partial<Record<Network, string>>;
  redact?: (text: string) => string;
  /** Re-read a comment reply's text (GitHub) before a new attempt; omitted: trust the recorded version (local runs). */
  verifySource?: VerifySource;
  /** Only these replies (ids); default every reply with something to do. */
  only?: string[];
  /** Passed to the publisher (tests). */
  inFlightMs?: number;
}

/** Where one reply ended up in this run. */
export interface ReplyOutcome {
  replyId: string;
  /** `sent` now, `already-sent`, `would-send` (dry run), `held` (why in `reason`), `missed` (a freeze held it: approve again after the thaw), `waiting` (not approved / nothing to do). */
  status: 'sent' | 'already-sent' | 'would-send' | 'held' | 'missed' | 'waiting';
  reason?: string;
  action?: string;
  refs?: { public?: SentRef; direct?: SentRef };
}

/** Every reply id on the store. */
export async function listReplyIds(store: StateStore): Promise<string[]> {
  const files = await store.list(REPLIES_DIR);
  return files.filter((f) => f.endsWith('.jsonl')).map((f) => decodeURIComponent(f.slice(f.lastIndexOf('/') + 1, -'.jsonl'.length))).sort();
}

/** The ledger ids of one attempt's statuses, in sending order. */
export function attemptPostIds(replyId: string, attempt: number, outgoing: readonly OutgoingReply[]): string[] {
  const base = attemptPostId(replyId, attempt);
  return outgoing.length === 1 ? [base] : outgoing.map((o) => `${base}.${o.role === 'direct' ? 'dm' : 'pub'}`);
}

/** A one-part post for the publisher, through the one parser. */
export function replyPost(id: string, network: Network, text: string, lang: string, publishAt: number, config: Config): Post | string {
  const source = `---\nid: ${id}\npublish_at: "${new Date(publishAt).toISOString()}"\nchannels: [${network}]\nlang: ${JSON.stringify(lang)}\n---\n${text}\n`;
  const file = `feedback/replies/${id}.md`;
  const r = parsePost({ file, root: '/copydesk-replies', bytes: new TextEncoder().encode(source), config: { ...config, channels: { ...config.channels, enabled: [...new Set([...config.channels.enabled, network])] } } });
  return r.ok ? r.post : r.problems.map((p) => p.message).join('; ');
}

/** May this approval send the reply through these freezes? Which freezes it lifts for this reply. */
export function incidentLift(draft: DraftEvent, approvedBy: string, holding: Freeze[], config: Config): { lifts: boolean; reason?: string } {
  if (!holding.length) return { lifts: true };
  const who = approvedBy.toLowerCase();
  const owner = config.roster.some((r) => r.role === 'owner' && r.github?.toLowerCase() === who);
  if (!draft.flags.incident) return { lifts: false, reason: `publishing is frozen (${holding[0]!.reason}, by ${holding[0]!.by})` };
  if (owner || holding.every((f) => f.by.toLowerCase() === who)) return { lifts: true };
  const by = [...new Set(holding.map((f) => f.by))].join(', ');
  const owners = config.roster.filter((r) => r.role === 'owner' && r.github).map((r) => `@${r.github}`);
  return { lifts: false, reason: `an incident reply goes out during a freeze only when approved by whoever froze (${by})${owners.length ? ` or the owner (${owners.join(', ')})` : ' or the roster\'s owner'}; it was approved by ${approvedBy}` };
}

/** A view of the store whose `freeze.json` leaves out the freezes `lifted` (read inside the compare-and-swap too). */
export function withoutFreezes(store: StateStore, lifted: (f: Freeze) => boolean): StateStore {
  const filter = async (text: string | undefined) => {
    if (text === undefined) return text;
    try {
      const v = JSON.parse(text) as { active?: Freeze[] };
      if (!Array.isArray(v.active)) return text;
      return JSON.stringify({ ...v, active: v.active.filter((f) => !lifted(f)) });
    } catch {
      return text; // unreadable: the publisher treats it as a full freeze, which is right
    }
  };
  const wrap = (read: (p: string) => Promise<string | undefined>) => async (p: string) => (p === FREEZE_FILE ? filter(await read(p)) : read(p));
  return {
    description: store.description,
    refresh: () => store.refresh(),
    read: wrap((p) => store.read(p)),
    list: (d) => store.list(d),
    update: (m, c) => store.update(m, (read) => c(wrap(read))),
  };
}

export async function sendReplies(o: ReplySendOptions): Promise<ReplyOutcome[]> {
  await o.store.refresh();
  const ids = o.only ?? (await listReplyIds(o.store));
  const out: ReplyOutcome[] = [];
  for (const id of ids) {
    try {
      out.push(await sendOne(o, id));
    } catch (e) {
      out.push({ replyId: id, status: 'held', reason: `could not be sent in this run: ${(e as Error).message}` });
    }
  }
  return out;
}

async function sendOne(o: ReplySendOptions, replyId: string): Promise<ReplyOutcome> {
  const redact = o.redact ?? ((s: string) => s);
  const events = parseReplyEvents(await o.store.read(`${REPLIES_DIR}/${encodeURIComponent(replyId)}.jsonl`));
  const state = replyState(replyId, events);
  if (state.sent) return { replyId, status: 'already-sent', ...(state.sent.refs ? { refs: state.sent.refs } : {}) };

  // An attempt without an outcome may be on the network: finish it (read back), whatever came since.
  let attempt = state.attempt && !state.attempt.outcome ? state.attempt : undefined;
  let draft = attempt ? versionOf(events, attempt.hash) : state.draft;
  if (!draft) return { replyId, status: 'waiting', reason: 'no reply text recorded' };

  if (attempt && draft.hash !== state.draft?.hash && !(await anyLedger(o.store, replyId, attempt.attempt, draft.outgoing))) {
    // Nothing of it was claimed yet and the text was edited since: the approval is void.
    if (!o.dryRun) await recordOutcome(o, replyId, attempt.attempt, 'missed', 'the reply was edited after it was approved, before anything went out; approve the new version', undefined);
    return { replyId, status: 'waiting', reason: 'edited after approval: approve the new version' };
  }

  if (!attempt) {
    if (state.withdrawn) return { replyId, status: 'waiting', reason: `withdrawn by ${state.withdrawn.by} (the /reply comment was ${state.withdrawn.how})` };
    if (!state.approval) return { replyId, status: 'waiting', reason: state.attempt?.outcome?.status === 'missed' ? `not sent: ${state.attempt.outcome.reason ?? 'a freeze held it'}; approve it again to send it` : 'waiting for a second team member\'s /approve' };
    if (draft.check.errors > 0) return { replyId, status: 'held', reason: `the reply has ${draft.check.errors} check error(s); edit it` };
    if (o.verifySource && draft.source.kind === 'comment') {
      const v = await o.verifySource(draft);
      if (!v.ok) return { replyId, status: 'held', reason: redact(v.reason) };
      if (v.hash !== draft.hash) return { replyId, status: 'held', reason: 'the /reply comment was edited after the approval (copydesk has not taken the new version in yet); nothing was sent, approve the new version' };
    }
  }

  const approvedBy = attempt?.approvedBy ?? state.approval!.by;
  const conversation = await readConversation(o.store, draft.conversation);
  const probe = draft.outgoing.map((x) => ({ id: `reply.${replyId}`, tags: [] as string[], parts: [{ index: 0, text: x.text, line: 1, start: 0, end: x.text.length }] }));
  const freezes = await readFreezes(o.store);
  const holding = freezes.filter((f) => probe.some((p) => freezesHolding([f], p).length));
  const lift = draft.flags.incident ? incidentLift(draft, approvedBy, holding, o.config) : { lifts: false };
  if (draft.flags.incident && holding.length && !lift.lifts && !attempt) {
    return { replyId, status: 'held', reason: lift.reason!, action: 'Ask the person who froze, or the owner, to `/approve` it; or thaw.' };
  }

  if (o.dryRun) return { replyId, status: 'would-send', reason: holding.length && !lift.lifts ? 'a freeze would hold it (recorded missed)' : `${draft.outgoing.length} status(es) on ${draft.network}` };

  if (!attempt) {
    const approval = state.approval!;
    const written = await appendReplyEvents(o.store, replyId, `inbox: reply ${replyId} attempt (run ${o.runId})`, (latest) => {
      const s = replyState(replyId, latest);
      if (s.sent || (s.attempt && !s.attempt.outcome)) return []; // another run started one: use it
      if (!s.approval || s.approval.hash !== approval.hash || s.approval.at !== approval.at) return [];
      const n = (s.attempt?.attempt ?? 0) + 1;
      const e: AttemptEvent = { type: 'attempt', at: o.now().toISOString(), replyId, attempt: n, hash: approval.hash, approvedAt: approval.at, approvedBy: approval.by, publishAt: o.now().getTime(), runId: o.runId };
      return [e];
    });
    const latest = parseReplyEvents(await o.store.read(`${REPLIES_DIR}/${encodeURIComponent(replyId)}.jsonl`));
    const now = replyState(replyId, latest);
    if (now.sent) return { replyId, status: 'already-sent', ...(now.sent.refs ? { refs: now.sent.refs } : {}) };
    attempt = now.attempt && !now.attempt.outcome ? now.attempt : undefined;
    if (!attempt) return { replyId, status: 'waiting', reason: written.length ? 'the attempt could not be recorded' : 'the approval changed while this run was starting; next run' };
    draft = versionOf(latest, attempt.hash) ?? draft;
  }

  const a = attempt!;
  const d = draft!;
  const postIds = attemptPostIds(replyId, a.attempt, d.outgoing);
  const config: Config = { ...o.config, quietPeriods: [], minSpacingMinutes: 0, maxLatenessMinutes: 7 * 24 * 60, maxPerRun: Math.max(1, o.config.maxPerRun) };
  const store = lift.lifts && holding.length ? withoutFreezes(o.store, (f) => holding.some((h) => h.id === f.id)) : o.store;
  const refs: { public?: SentRef; direct?: SentRef } = {};
  let missedReason: string | undefined;
  for (const [i, status] of d.outgoing.entries()) {
    const post = replyPost(postIds[i]!, d.network, status.text, conversation?.messages.at(-1)?.lang ?? o.config.lang, a.publishAt, o.config);
    if (typeof post === 'string') return { replyId, status: 'held', reason: `the reply does not parse as a post: ${post}` };
    const route = { parent: d.target.parent, root: d.target.root, visibility: status.visibility };
    const report = await publish({
      posts: [post], store, config, runId: o.runId, dryRun: false, now: o.now, log: o.log,
      channels: (n) => replyChannel(o.channels(n), route),
      ...(o.credentials ? { credentials: o.credentials } : {}),
      ...(o.credentialHelp ? { credentialHelp: o.credentialHelp } : {}),
      ...(o.redact ? { redact: o.redact } : {}),
      ...(o.inFlightMs !== undefined ? { inFlightMs: o.inFlightMs } : {}),
    });
    const ledger = latestByPart(parseLedgerFile(await o.store.read(ledgerPath(post.id))));
    const e = ledger.get(partKey(post.id, d.network, 0));
    if (e?.state === 'sent') {
      refs[status.role] = e.ref ?? { id: '' };
      continue;
    }
    const decision = report.decisions.find((x) => x.postId === post.id);
    if (e?.state === 'missed') {
      missedReason = e.reason ?? 'a freeze held it';
      if (i === 0) {
        await recordOutcome(o, replyId, a.attempt, 'missed', missedReason, undefined);
        return { replyId, status: 'missed', reason: missedReason, action: 'Nothing went out. After the thaw, `/approve` it again to send it.' };
      }
      break; // the direct message went out; the public note was stopped: record what went out
    }
    return { replyId, status: 'held', reason: redact(decision?.reason ?? report.error ?? 'not sent in this run'), ...(decision?.action ? { action: redact(decision.action) } : {}) };
  }
  await recordOutcome(o, replyId, a.attempt, 'sent', missedReason ? `the public note was not sent: ${missedReason}` : undefined, refs);
  await markAnswered(o, d, replyId, refs);
  return { replyId, status: 'sent', refs, ...(missedReason ? { reason: `the direct message went out; the public note did not: ${missedReason}` } : {}) };
}

function versionOf(events: readonly ReplyEvent[], hash: string): DraftEvent | undefined {
  return [...events].reverse().find((e): e is DraftEvent => e.type === 'draft' && e.hash === hash);
}

async function anyLedger(store: StateStore, replyId: string, attempt: number, outgoing: readonly OutgoingReply[]): Promise<boolean> {
  for (const id of attemptPostIds(replyId, attempt, outgoing)) if (parseLedgerFile(await store.read(ledgerPath(id))).length) return true;
  return false;
}

async function recordOutcome(o: ReplySendOptions, replyId: string, attempt: number, status: 'sent' | 'missed', reason: string | undefined, refs: { public?: SentRef; direct?: SentRef } | undefined): Promise<void> {
  await appendReplyEvents(o.store, replyId, `inbox: reply ${replyId} ${status} (run ${o.runId})`, (latest) =>
    latest.some((e) => e.type === 'outcome' && e.attempt === attempt) ? [] : [{ type: 'outcome', at: o.now().toISOString(), replyId, attempt, status, runId: o.runId, ...(reason ? { reason } : {}), ...(refs ? { refs } : {}) }]);
}

async function readConversation(store: StateStore, id: string): Promise<Conversation | undefined> {
  const text = await store.read(conversationPath(id));
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Conversation;
  } catch {
    return undefined;
  }
}

/** The conversation is answered by this reply (unless it already was), and the inbox's log says so. */
async function markAnswered(o: ReplySendOptions, d: DraftEvent, replyId: string, refs: { public?: SentRef; direct?: SentRef }): Promise<void> {
  const at = o.now();
  const ref = refs.public ?? refs.direct;
  await o.store.update(`inbox: ${d.conversation} answered by reply ${replyId}`, async (read) => {
    const writes: Record<string, string> = {};
    const path = conversationPath(d.conversation);
    const text = await read(path);
    if (text) {
      try {
        const c = JSON.parse(text) as Conversation;
        // Not yet answered, or reopened (the customer wrote again after an earlier answer).
        if (!c.answered || (c.status === 'open' && c.answered.by !== `reply:${replyId}`)) {
          c.answered = { at: at.getTime(), by: `reply:${replyId}`, ...(ref ? { ref: { id: ref.uri ?? ref.id, ...(ref.cid ? { cid: ref.cid } : {}), ...(ref.url ? { url: ref.url } : {}) } } : {}) };
          if (c.status === 'open') c.status = 'answered';
          writes[path] = `${JSON.stringify(c, null, 2)}\n`;
        }
      } catch {
        /* an unreadable conversation is left as it is; the event below still records the answer */
      }
    }
    const log = await read(FEEDBACK_EVENTS);
    if ((log ?? '').split('\n').some((l) => l.includes(`"reply":${JSON.stringify(replyId)}`) && l.includes('"reply-sent"'))) return Object.keys(writes).length ? writes : null;
    const base = log && !log.endsWith('\n') ? `${log}\n` : (log ?? '');
    writes[FEEDBACK_EVENTS] = `${base}${JSON.stringify({ at: at.toISOString(), type: 'reply-sent', conversation: d.conversation, reply: replyId, by: d.by, network: d.network, ...(ref ? { ref } : {}) })}\n`;
    return writes;
  });
}

export type { ReplyState };
