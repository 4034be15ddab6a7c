/**
 * Everything the playbook site shows about publishing, computed from the same posts (the one
 * parser), the same ledger, the same freeze state and the same decision function (`plan()`, which
 * the publisher re-computes before every send) as the publisher. Pure: the loader
 * (`load-site-data.ts`) does the I/O once per build and calls `buildSiteData`.
 */
import { lengthFor, type LengthUse } from '../check/lengths.ts';
import type { Config, CredentialEntry } from '../config/config.ts';
import { isFullFreeze, type Freeze, type FreezeLogEvent } from '../freeze/freeze-state.ts';
import { textFor } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import type { SentRef } from '../publish/channel.ts';
import type { Network } from '../post/network.ts';
import type { RunRecord } from '../publish/run-record.ts';
import { latestByPart, type LedgerEvent } from '../schedule/ledger.ts';
import { plan, type Decision } from '../schedule/plan.ts';
import { openFailures, openRetractions } from '../status/status.ts';
import { describeRetraction } from '../schedule/retraction.ts';
import { explainCodes, withoutMachinePaths } from '../status/failure-text.ts';

export type { RunRecord };

/** The publisher's run records (`runs/last-success.json`, `runs/last-run.json`). */
export interface SiteRuns {
  /** The last run that finished without an error. */
  lastSuccess?: RunRecord;
  /** The last run, successful or not. */
  lastRun?: RunRecord;
}

/**
 * Where a post (or one network of it) stands.
 * `manual`: the network is checked for length only (x, linkedin); a person posts it by hand.
 * `unknown`: a send may have reached the network; the publisher reads back before any resend.
 */
export type PostStatus = 'draft' | 'queued' | 'held' | 'sent' | 'failed' | 'unknown' | 'missed' | 'expired' | 'retracted' | 'manual';

export const POST_STATUSES: readonly PostStatus[] = ['queued', 'held', 'sent', 'failed', 'unknown', 'missed', 'expired', 'retracted', 'draft', 'manual'];

/** One published part and where to see it. */
export interface SentLink {
  /** 0-based thread part. */
  part: number;
  /** The network's id of the published part. */
  id: string;
  /** Public address, when the network gave one (or it can be derived, Bluesky). */
  url?: string;
  /** Where it went: the network, or `outbox` for the local folder channel. */
  via: Network | 'outbox';
  /** When it went out (ISO 8601), from the ledger's `sent` event. */
  at?: string;
}

export interface NetworkStatus {
  network: Network;
  status: PostStatus;
  /** Why (held, missed, expired, failed, unknown, partly sent). */
  reason?: string;
  /** What a person must do (failed). */
  action?: string;
  /** Parts already published. */
  links: SentLink[];
  /** Length of each part as this network counts it. */
  lengths: LengthUse[];
}

export interface SitePost {
  post: Post;
  /** Overall status: the most pressing status of its networks. */
  status: PostStatus;
  /** Reason for the overall status. */
  reason?: string;
  /** One entry per channel, in the order the post lists them. */
  networks: NetworkStatus[];
}

/** A thread part whose last ledger event is `failed`, or `unknown`/`intent` (outcome not known). */
export interface OpenFailure {
  postId: string;
  network: Network;
  /** 0-based part. */
  part: number;
  state: 'failed' | 'unknown';
  /** When the event was written (ISO 8601). */
  at: string;
  /** What went wrong (no secrets: the publisher never writes them). */
  error?: string;
  /** What a person should do. */
  action?: string;
  /** Retry allowed after (epoch ms), for rate limits. */
  retryAt?: number;
  /** The post file at the time. */
  file?: string;
  /** The publisher run that wrote it. */
  runId: string;
}

/** A post taken back on a network (`copydesk retract`), as `copydesk status` lists it. */
export interface SiteRetraction {
  postId: string;
  network: Network;
  /** When it was retracted (ISO 8601). */
  at: string;
  /** Who. */
  by: string;
  /** Why. */
  reason: string;
  /** Every part that went out is confirmed removed. */
  complete: boolean;
  /** One line: who, why, when and what is still up (the same words as `copydesk status`). */
  text: string;
}

export interface SiteData {
  /** The build's clock (epoch ms). */
  now: number;
  config: Config;
  /** Posts by time (drafts without a time last), then id. */
  posts: SitePost[];
  /** Active freezes (empty: not frozen). */
  freezes: Freeze[];
  /** True when an active freeze holds every post. */
  fullFreeze: boolean;
  /** Freeze and thaw history, newest first. */
  freezeLog: FreezeLogEvent[];
  runs: SiteRuns;
  /** Open failures, newest first. */
  failures: OpenFailure[];
  /** Retractions, newest first (unfinished ones are also on their post's page). */
  retractions: SiteRetraction[];
  /** Who holds which account (names of secrets only). */
  credentials: CredentialEntry[];
  /** Number of posts per overall status. */
  counts: Record<PostStatus, number>;
}

export interface SiteDataInput {
  posts: Post[];
  /** The whole ledger, each post's events in append order (`readLedgerAppendOrder`), as the plan reads it. */
  events: LedgerEvent[];
  freezes: Freeze[];
  freezeLog?: FreezeLogEvent[];
  config: Config;
  /** The build's clock (epoch ms). */
  now: number;
  runs?: SiteRuns;
}

/** Most pressing first: what a person must look at comes before what is settled. */
const PRIORITY: readonly PostStatus[] = ['failed', 'unknown', 'retracted', 'held', 'queued', 'missed', 'expired', 'sent', 'draft', 'manual'];

/** Holds that mean "may already be on the network": the publisher reads back before any resend. */
const UNKNOWN_HOLDS = new Set(['in-flight', 'read-back', 'unknown', 'claimed']);

/** Public address of a published part: the ref's `url`, else derived from a Bluesky AT URI. */
export function refUrl(network: Network, ref: SentRef | undefined): string | undefined {
  if (!ref) return undefined;
  if (ref.url && /^https?:\/\//.test(ref.url)) return ref.url;
  // at://<did>/app.bsky.feed.post/<rkey> → https://bsky.app/profile/<did>/post/<rkey>
  const m = network === 'bluesky' && ref.uri ? /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/.exec(ref.uri) : null;
  return m ? `https://bsky.app/profile/${m[1]}/post/${m[2]}` : undefined;
}

/**
 * The site's word for the publisher's decision. The decision itself comes from `plan()`, the
 * function the publisher re-computes before every send, so the site never disagrees with it.
 */
export function statusOf(d: Decision): { status: PostStatus; reason?: string; action?: string } {
  const partly = d.sent.length && d.kind !== 'sent' ? `${d.sent.length} of ${d.partsTotal} parts sent; ` : '';
  // Reasons quote the publisher's errors: shown without machine paths and with every code explained.
  const why = (s: PostStatus, reason?: string) => ({ status: s, ...(reason || partly ? { reason: explainCodes(withoutMachinePaths(`${partly}${reason ?? ''}`.replace(/; $/, ''))) } : {}), ...(d.action ? { action: withoutMachinePaths(d.action) } : {}) });
  switch (d.kind) {
    case 'sent': return { status: 'sent' };
    case 'missed': return why('missed', d.reason);
    case 'expired': return why('expired', d.reason);
    // Who, why and when, and what is still up (the plan's words): never "partly sent".
    case 'retracted': return { status: 'retracted', ...(d.reason ? { reason: explainCodes(withoutMachinePaths(d.reason)) } : {}), ...(d.action ? { action: withoutMachinePaths(d.action) } : {}) };
    case 'wait': return why(d.reason ? 'held' : 'queued', d.reason);
    case 'send': return d.readBack.length ? why('unknown', 'a send may have reached the network; the publisher reads back before any resend') : why('queued', 'due now: goes out with the next publisher run');
    case 'held':
      if (d.hold === 'draft') return { status: 'draft' };
      if (d.hold === 'failed') return why('failed', d.reason);
      if (d.readBack.length || UNKNOWN_HOLDS.has(d.hold ?? '')) return why('unknown', d.reason);
      return why('held', d.reason);
  }
}

function networkStatus(post: Post, network: Network, decision: Decision | undefined, config: Config): NetworkStatus {
  const lengths = post.parts.map((p) => lengthFor(network, textFor(p, network), config));
  if (!decision) return { network, lengths, status: 'manual', reason: `copydesk checks the length for ${network} but does not publish there`, links: [] };
  const via = (decision.sentVia ?? network) as Network | 'outbox';
  const links: SentLink[] = decision.sent.map((part) => {
    const url = refUrl(network, decision.refs[part]);
    return { part, id: decision.refs[part]?.id ?? '', via, ...(url ? { url } : {}) };
  });
  return { network, lengths, links, ...statusOf(decision) };
}

/**
 * A part that failed (or whose outcome is unknown) stays a failure on the site whatever else holds
 * the post now (a freeze, spacing): a person must still look at it, as `copydesk status` says.
 */
function withFailures(ns: NetworkStatus, open: readonly OpenFailure[]): NetworkStatus {
  if (!open.length || ns.status === 'failed' || ns.status === 'unknown') return ns;
  const f = open.find((o) => o.state === 'failed') ?? open[0]!;
  // The publisher's words, as the site shows them: no machine paths, every code explained.
  const error = f.error ? explainCodes(withoutMachinePaths(f.error)) : 'no detail';
  const what = f.state === 'failed' ? `part ${f.part + 1} failed: ${error}` : `part ${f.part + 1}: the outcome of a send is unknown`;
  return { ...ns, status: f.state, reason: ns.reason ? `${what}; also ${ns.status}: ${ns.reason}` : what, ...(f.action ? { action: f.action } : {}) };
}

/** The status of one post on each of its networks, and overall (its most pressing network). */
export function sitePost(post: Post, decisions: Map<string, Decision>, config: Config, failures: Map<string, OpenFailure[]> = new Map()): SitePost {
  const networks = post.channels.map((n) => withFailures(networkStatus(post, n, decisions.get(`${post.id}\u0000${n}`), config), failures.get(`${post.id}\u0000${n}`) ?? []));
  const top = [...networks].sort((a, b) => PRIORITY.indexOf(a.status) - PRIORITY.indexOf(b.status))[0];
  if (!top) return { post, status: post.draft ? 'draft' : 'queued', networks };
  return { post, status: top.status, ...(top.reason ? { reason: top.reason } : {}), networks };
}

export function buildSiteData(input: SiteDataInput): SiteData {
  const { config, now } = input;
  // What the publisher would do now. `outbox`: the site cannot see which secrets the publisher has.
  const decisions = new Map(
    plan({ posts: input.posts, events: input.events, freezes: input.freezes, freezeLog: input.freezeLog ?? [], config, now, credentials: 'outbox' })
      .map((d) => [`${d.postId}\u0000${d.network}`, d]),
  );
  // Open failures: exactly the list `copydesk status` prints (one function, so the site and the
  // CLI never disagree): a part whose latest event is `failed`, `unknown`, or an interrupted send.
  const failures: OpenFailure[] = openFailures(input.events, now).map((e) => ({
    postId: e.postId, network: e.network, part: e.part, state: e.state === 'failed' ? 'failed' : 'unknown', at: e.at, runId: e.runId,
    ...(e.error ? { error: e.error } : {}), ...(e.action ? { action: e.action } : {}), ...(e.retryAt !== undefined ? { retryAt: e.retryAt } : {}), ...(e.file ? { file: e.file } : {}),
  }));
  failures.sort((a, b) => b.at.localeCompare(a.at));
  const failuresFor = new Map<string, OpenFailure[]>();
  for (const f of failures) failuresFor.set(`${f.postId}\u0000${f.network}`, [...(failuresFor.get(`${f.postId}\u0000${f.network}`) ?? []), f]);
  // The real send time of each part ("Went out 09:02"), from the ledger.
  const sentAt = new Map<string, string>();
  for (const e of input.events) if (e.state === 'sent') sentAt.set(`${e.postId}\u0000${e.network}\u0000${e.part}`, e.at);
  const posts = input.posts
    .map((p) => sitePost(p, decisions, config, failuresFor))
    .map((sp) => {
      for (const n of sp.networks) for (const l of n.links) {
        const at = sentAt.get(`${sp.post.id}\u0000${n.network}\u0000${l.part}`);
        if (at) l.at = at;
      }
      return sp;
    })
    .sort((a, b) => (a.post.publishAt ?? Infinity) - (b.post.publishAt ?? Infinity) || a.post.id.localeCompare(b.post.id));
  const counts = Object.fromEntries(POST_STATUSES.map((s) => [s, 0])) as Record<PostStatus, number>;
  for (const p of posts) counts[p.status]++;
  return {
    now,
    config,
    posts,
    freezes: input.freezes,
    fullFreeze: input.freezes.some(isFullFreeze),
    freezeLog: [...(input.freezeLog ?? [])].sort((a, b) => b.at.localeCompare(a.at)),
    runs: input.runs ?? {},
    failures,
    retractions: openRetractions(input.events).map((r) => ({ postId: r.postId, network: r.network, at: r.retract.at, by: r.retract.by ?? 'unknown', reason: r.retract.reason ?? '', complete: r.complete, text: describeRetraction(r) })),
    credentials: config.credentials,
    counts,
  };
}
