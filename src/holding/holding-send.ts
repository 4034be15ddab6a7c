/**
 * Sending a holding statement through the publisher itself (src/publish/publisher.ts): the same
 * channels, the same compare-and-swap `intent` before each part, the same read-back after an
 * unknown outcome, the same approval gate. Three differences, and only these:
 *
 * - the freeze does not apply (the publisher sees a view of the store without `freeze.json` and
 *   `freeze-log.jsonl`): a holding statement is what you send *while* frozen;
 * - quiet periods and spacing do not apply either: it is sent because someone decided so now;
 * - its `publish_at` is the moment of the first dispatch that claimed it (the first `intent` in its
 *   ledger), or now. That keeps Bluesky's record key and any read-back stable across dispatches.
 *
 * The ledger is keyed by the statement id, so a statement goes out once per network: a second
 * dispatch finds it `sent` and sends nothing; a concurrent one loses the `intent` race.
 */
import type { Config } from '../config/config.ts';
import { PUBLISHABLE } from '../config/config.ts';
import type { Post } from '../post/post.ts';
import type { Channel, SentRef } from '../publish/channel.ts';
import type { Network } from '../post/network.ts';
import { publish, type ApprovalVerdict, type ReportedDecision } from '../publish/publisher.ts';
import { latestByPart, ledgerPath, parseLedgerFile, partKey, type LedgerEvent } from '../schedule/ledger.ts';
import type { StateStore } from '../state/store.ts';
import { FREEZE_FILE, FREEZE_LOG } from '../freeze/freeze-state.ts';
import { appendHoldingLog, readHoldingLog, type HoldingLogEvent } from './holding-log.ts';

export interface HoldingSendOptions {
  /** The statement (checked by `loadStatement`). */
  post: Post;
  /** The state store (ledger). */
  store: StateStore;
  /** The publisher's channels (src/publish/channels.ts). */
  channels: (network: Network) => Channel;
  config: Config;
  /** The command's clock. */
  now: Date;
  /** This dispatch's id: unique per dispatch (GitHub run id, or `local-holding-…`). */
  runId: string;
  /** Who dispatched it (for the holding log). */
  by: string;
  /** Only show what would be sent. */
  dryRun: boolean;
  /** Second-reader gate (required in Actions). */
  approve?: (post: Post) => Promise<ApprovalVerdict>;
  /** Networks with credentials (CI) or `outbox`. */
  credentials?: Set<Network> | 'outbox';
  /** Texts for "no credentials" holds. */
  credentialHelp?: Partial<Record<Network, string>>;
  /** Removes secrets from text. */
  redact?: (text: string) => string;
  /** One line per thing done. */
  log: (line: string) => void;
}

/** Where one network ended up. */
export interface NetworkOutcome {
  /** The network. */
  network: Network;
  /** `sent` now, `already-sent` earlier, `would-send` (dry run), `in-progress` by another dispatch, `refused` (approval), `failed`. */
  status: 'sent' | 'already-sent' | 'would-send' | 'in-progress' | 'refused' | 'failed';
  /** Where it went (`outbox` locally). */
  via?: string;
  /** Part 0's ref: the link to the statement on that network. */
  ref?: SentRef;
  /** When it was sent (ISO), for `already-sent`/`sent`. */
  at?: string;
  /** Why, when not sent. */
  reason?: string;
  /** What to do, when a person must act. */
  action?: string;
}

export interface HoldingOutcome {
  /** Overall: `sent` (at least one network now, none failing), `already-sent` (nothing to do), `would-send`, `in-progress`, `refused`, `failed`. */
  status: NetworkOutcome['status'];
  /** One entry per network of the statement. */
  networks: NetworkOutcome[];
}

/** Networks this statement goes to. */
export function targetNetworks(post: Post): Network[] {
  return post.channels.filter((n) => PUBLISHABLE.includes(n));
}

/** The statement's state from its ledger: every part of every network `sent`? Pure. */
export function ledgerStatus(post: Post, events: LedgerEvent[]): { allSent: boolean; pending: LedgerEvent[]; sent: Map<Network, LedgerEvent> } {
  const latest = latestByPart(events.filter((e) => e.postId === post.id));
  const nets = targetNetworks(post);
  let allSent = nets.length > 0;
  const pending: LedgerEvent[] = [];
  const sent = new Map<Network, LedgerEvent>();
  for (const n of nets) {
    for (const p of post.parts) {
      const e = latest.get(partKey(post.id, n, p.index));
      if (e?.state !== 'sent') allSent = false;
      if (e?.state === 'intent' || e?.state === 'unknown') pending.push(e);
      if (e?.state === 'sent' && p.index === 0) sent.set(n, e);
    }
  }
  return { allSent, pending, sent };
}

/**
 * The scheduled time to give the statement in this dispatch. A part that may already be on a
 * network (an `intent`/`unknown` left by an interrupted dispatch) is read back with the time that
 * dispatch used, found by its run id in the holding log (`started`); the intent's own time is the
 * fallback (it equals the scheduled time of a first attempt). Otherwise: now. Pure.
 */
export function scheduledTime(pending: LedgerEvent[], log: HoldingLogEvent[], statementId: string, now: number): number {
  if (!pending.length) return now;
  const first = [...pending].sort((a, b) => a.at.localeCompare(b.at))[0]!;
  const started = log.find((e) => e.statementId === statementId && e.outcome === 'started' && e.runId === first.runId && typeof e.publishAt === 'number');
  return started?.publishAt ?? Date.parse(first.at);
}

/** A view of the store without the freeze: the publisher sees "not frozen" for this statement only. */
export function withoutFreeze(store: StateStore): StateStore {
  const hidden = new Set([FREEZE_FILE, FREEZE_LOG]);
  return {
    description: store.description,
    refresh: () => store.refresh(),
    read: (p) => (hidden.has(p) ? Promise.resolve(undefined) : store.read(p)),
    list: (d) => store.list(d),
    // The publisher reads the freeze again inside its intent compare-and-swap: hide it there too.
    update: (m, c) => store.update(m, (read) => c((p) => (hidden.has(p) ? Promise.resolve(undefined) : read(p)))),
  };
}

export async function sendHolding(o: HoldingSendOptions): Promise<HoldingOutcome> {
  await o.store.refresh();
  const events = parseLedgerFile(await o.store.read(ledgerPath(o.post.id)));
  const before = ledgerStatus(o.post, events);
  if (before.allSent) {
    return {
      status: 'already-sent',
      networks: targetNetworks(o.post).map((n) => {
        const e = before.sent.get(n);
        return { network: n, status: 'already-sent', ...(e ? { at: e.at, via: e.via, ...(e.ref ? { ref: e.ref } : {}) } : {}) };
      }),
    };
  }

  // A dispatch that may have reached a network keeps that dispatch's time (stable record keys).
  const publishAt = scheduledTime(before.pending, before.pending.length ? await readHoldingLog(o.store) : [], o.post.id, o.now.getTime());
  if (!o.dryRun) {
    await appendHoldingLog(o.store, { at: o.now.toISOString(), statementId: o.post.id, outcome: 'started', by: o.by, runId: o.runId, ...(o.post.file ? { file: o.post.file } : {}), publishAt });
  }
  const statement: Post = { ...o.post, publishAt, draft: false };
  delete statement.expires;
  const config: Config = { ...o.config, quietPeriods: [], minSpacingMinutes: 0, maxPerRun: Math.max(1, o.config.maxPerRun) };

  const report = await publish({
    posts: [statement],
    store: withoutFreeze(o.store),
    channels: o.channels,
    ...(o.approve ? { approve: o.approve } : {}),
    config,
    now: () => o.now,
    runId: o.runId,
    dryRun: o.dryRun,
    log: o.log,
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.credentialHelp ? { credentialHelp: o.credentialHelp } : {}),
    ...(o.redact ? { redact: o.redact } : {}),
  });

  const after = parseLedgerFile(await o.store.read(ledgerPath(o.post.id)));
  const sentNow = ledgerStatus(o.post, after).sent;
  const networks = report.decisions.filter((d) => d.postId === o.post.id).map((d) => outcomeOf(d, sentNow.get(d.network), o.dryRun));
  if (!report.completed) {
    for (const n of networks) if (n.status !== 'sent' && n.status !== 'already-sent') Object.assign(n, { status: 'failed', reason: report.error ?? n.reason });
  }
  return { status: overall(networks), networks };
}

function outcomeOf(d: ReportedDecision, sent: LedgerEvent | undefined, dryRun: boolean): NetworkOutcome {
  const base = { network: d.network, ...(sent ? { at: sent.at, via: sent.via, ...(sent.ref ? { ref: sent.ref } : {}) } : {}) };
  if (dryRun && d.category === 'sent') return { ...base, status: 'would-send' };
  if (d.category === 'sent') return { ...base, status: 'sent' };
  if (d.category === 'alreadySent') return { ...base, status: 'already-sent' };
  const why = { ...(d.reason ? { reason: d.reason } : {}), ...(d.action ? { action: d.action } : {}) };
  if (d.hold === 'claimed' || d.hold === 'in-flight') return { ...base, status: 'in-progress', ...why };
  if (d.hold === 'unapproved') return { ...base, status: 'refused', ...why };
  return { ...base, status: 'failed', ...why };
}

function overall(list: NetworkOutcome[]): NetworkOutcome['status'] {
  const has = (s: NetworkOutcome['status']) => list.some((n) => n.status === s);
  if (has('refused')) return 'refused';
  if (has('failed')) return 'failed';
  if (has('in-progress')) return 'in-progress';
  if (has('would-send')) return 'would-send';
  if (has('sent')) return 'sent';
  return 'already-sent';
}
