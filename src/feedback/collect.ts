/**
 * One collector run (`copydesk inbox collect`): for each network with credentials, read the new
 * notifications from the stored cursor, read the notification filters, check a few open
 * conversations for a team reply on the network, then record everything in ONE state update
 * (conversation-store.ts). Reading happens before the update, so the change itself is pure and
 * can be re-applied on a newer tip; a run that finds nothing writes nothing.
 *
 * Bounded: each reader bounds its pages and calls, and at most `maxAnswerChecks` open
 * conversations per network are checked per run, rotating through them tick by tick so every open
 * conversation is looked at within a few ticks without the run growing with the backlog.
 */
import type { StateStore } from '../state/store.ts';
import { conversationPath } from './conversation.ts';
import type { Conversation, Cursor, FeedbackNetwork, SeenLine } from './conversation.ts';
import { collectChange, cursorPath, seenPath } from './collect-change.ts';
import { parseJsonLines } from '../state/json-lines.ts';
import type { CollectOutcome, NetworkFindings } from './collect-change.ts';
import type { FeedbackReader, TeamReply } from './feedback-reader.ts';

export interface CollectOptions {
  store: StateStore;
  /** One reader per network to collect from (networks without credentials have none). */
  readers: readonly FeedbackReader[];
  /** The run's clock (taken in, cursor and seen times). */
  now: Date;
  /** Identifies the run in `seen` lines (the Actions run id, or `local-…`). */
  runId: string;
  /** Open conversations checked for a team reply per network and run (default 5). */
  maxAnswerChecks?: number;
  /** Length of one rotation step (default 30 minutes: the publisher's tick). */
  rotationMs?: number;
}

export interface CollectReport {
  outcome: CollectOutcome;
  /** Per network: why something could not be read (the rest of the run went on). */
  problems: string[];
  /** Networks whose read stopped at its bound: more waits for the next run. */
  truncated: FeedbackNetwork[];
  /** Whether anything was written to the state. */
  wrote: boolean;
}

const DEFAULT_CHECKS = 5;
const TICK_MS = 30 * 60_000;

/** Open conversations of a network, as stored. */
async function openConversations(store: StateStore, network: FeedbackNetwork): Promise<Conversation[]> {
  const out: Conversation[] = [];
  for (const path of await store.list('feedback/conversations')) {
    if (!path.startsWith(`feedback/conversations/${encodeURIComponent(`${network}:`)}`)) continue;
    try {
      const c = JSON.parse((await store.read(path)) ?? '') as Conversation;
      if (c && c.status === 'open' && c.network === network && conversationPath(c.id) === path) out.push(c);
    } catch {
      /* unreadable: conversation-store reports it when it is written to */
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * A lost cursor, rebuilt from `seen`: the newest line whose message is really in its conversation.
 * A line alone is not enough: a crash between writing `seen` and the conversation (folder backend)
 * leaves lines whose messages must be read again, so the cursor must not pass them.
 */
async function cursorFromLedger(store: StateStore, network: FeedbackNetwork, fromIds: (ids: readonly string[]) => string | undefined): Promise<string | undefined> {
  const lines = parseJsonLines<SeenLine>(await store.read(seenPath(network)));
  const cache = new Map<string, Set<string>>();
  for (const line of lines.slice(-500).reverse()) {
    if (typeof line.conversation !== 'string' || typeof line.notificationId !== 'string') continue;
    let ids = cache.get(line.conversation);
    if (!ids) {
      ids = new Set();
      try {
        const c = JSON.parse((await store.read(conversationPath(line.conversation))) ?? 'null') as Conversation | null;
        for (const m of c?.messages ?? []) ids.add(m.notificationId);
      } catch {
        /* unreadable: its lines confirm nothing */
      }
      cache.set(line.conversation, ids);
    }
    if (ids.has(line.notificationId)) return fromIds([line.notificationId]);
  }
  return undefined;
}

/** Which `n` of `all` to check in the rotation step of `now`. */
export function rotationWindow<T>(all: readonly T[], n: number, now: number, stepMs: number): T[] {
  if (all.length <= n) return [...all];
  const start = (Math.floor(now / stepMs) * n) % all.length;
  return Array.from({ length: n }, (_, i) => all[(start + i) % all.length]!);
}

export async function collectFeedback(opts: CollectOptions): Promise<CollectReport> {
  const { store, now } = opts;
  const problems: string[] = [];
  const truncated: FeedbackNetwork[] = [];
  const findings: NetworkFindings[] = [];
  await store.refresh();

  for (const reader of opts.readers) {
    const network = reader.network;
    let cursor: string | undefined;
    try {
      const c = JSON.parse((await store.read(cursorPath(network))) ?? 'null') as Cursor | null;
      if (c && typeof c.value === 'string') cursor = c.value;
    } catch {
      /* a damaged cursor is only a lost optimisation: `seen` dedups whatever is read again */
    }
    if (cursor === undefined && reader.cursorFromSeen) cursor = await cursorFromLedger(store, network, reader.cursorFromSeen);
    const read = await reader.read(cursor);
    if (!read.ok) problems.push(`${network}: ${read.error}`);
    else if (read.truncated) truncated.push(network);

    const filters = await reader.filters();
    if (!filters.ok) problems.push(`${network}: could not read the notification filters: ${filters.error}`);

    const replies = new Map<string, TeamReply>();
    const open = await openConversations(store, network);
    for (const c of rotationWindow(open, opts.maxAnswerChecks ?? DEFAULT_CHECKS, now.getTime(), opts.rotationMs ?? TICK_MS)) {
      const r = await reader.teamReply(c);
      if (!r.ok) problems.push(`${network}: could not check ${c.id} for a team reply: ${r.error}`);
      else if (r.reply) replies.set(c.id, r.reply);
    }

    findings.push({
      network,
      items: read.ok ? read.items : [],
      ...(read.ok && read.cursor !== undefined ? { cursor: read.cursor } : {}),
      compareCursors: (a, b) => reader.compareCursors(a, b),
      ...(filters.ok ? { filters: filters.warnings } : {}),
      replies,
    });
  }

  const outcome: CollectOutcome = { added: {}, opened: 0, answered: 0, reopened: 0, unreadable: [], filtersChanged: false };
  let wrote = false;
  const change = collectChange(findings, now, opts.runId, outcome);
  await store.update(`inbox: collect (${opts.runId})`, async (read) => {
    const writes = await change(read);
    wrote = writes !== null;
    return writes;
  });
  for (const path of outcome.unreadable) problems.push(`${path} is not a readable conversation (not valid JSON): fix or restore it on the state branch; its new messages wait until then`);
  return { outcome, problems, truncated, wrote };
}
