/**
 * The publisher run: every due post goes out once per network.
 *
 * Before EACH part it refreshes the state, re-reads the ledger and the freeze and re-plans
 * (`plan.ts`), so a freeze landing mid-run stops what is left, and a second run working at the same
 * time is seen. Per part:
 *   1. anything that may already be out (`intent`/`unknown` without a result) is read back with
 *      `channel.find` — never resent blind;
 *   2. `intent` is written with a compare-and-swap (`claimPart`): if another run wrote first, it
 *      owns the part;
 *   3. the part's media is read through the one media reader (no symlink, nothing outside the
 *      repository or in .git, regular files within the network's size limit); a refusal holds the
 *      post on that network before anything is claimed or sent;
 *   4. `channel.send`, then the result is recorded (`sent`, `unknown`, `failed` + `retryAt` for
 *      retry, `failed` + `action` for a person).
 * The freeze is read last: inside the compare-and-swap of step 2 (after approval, media and every
 * other check), and once more right before the request leaves; a due post a freeze holds is
 * recorded missed at once (never sent on its own after the thaw).
 * A retraction (`copydesk retract`) stored before the intent wins in the same compare-and-swap: the
 * part is never sent (src/retract/retract.ts deletes what was out before it).
 * A crash between 2 and 4 leaves the intent: the next run reads back. Channels are built lazily, so
 * an idle tick logs in nowhere and makes no network call.
 */
import type { Config } from '../config/config.ts';
import { freezesHolding } from '../freeze/freeze-match.ts';
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { readFreezeLog, readFreezes } from '../freeze/freeze-state.ts';
import type { Post } from '../post/post.ts';
import type { LedgerEvent, PartKey } from '../schedule/ledger.ts';
import { latestClaim, ledgerPath, parseLedgerFile, partKey, recordEvents } from '../schedule/ledger.ts';
import { claimPart, lastPartEvent, readLedgerAppendOrder, recordTerminalOnce } from '../schedule/ledger-write.ts';
import type { Decision, HoldCode } from '../schedule/plan.ts';
import { partHash } from '../schedule/part-hash.ts';
import { plan } from '../schedule/plan.ts';
import type { StateStore } from '../state/store.ts';
import { StateRewrittenError } from '../state/store.ts';
import type { Channel, FindResult, OutgoingCard, SendResult } from './channel.ts';
import type { Network } from '../post/network.ts';
import { buildOutgoingPart } from './outgoing.ts';
import { checkPostMedia, readPartMedia, rootOfPost, type MediaHold } from './outgoing-media.ts';
import { contentHoldReason, contentProblems } from '../check/content-problems.ts';

/** What the second-reader check answered for a post. */
export type ApprovalVerdict = { approved: true } | { approved: false; reason: string; action: string };

/** When a `retry` result names no time, try again on the next run after this long. */
export const DEFAULT_RETRY_MS = 60_000;

export interface PublishOptions {
  /** Posts that parsed (with unique ids). */
  posts: Post[];
  /** Where the ledger, freeze and run records live. */
  store: StateStore;
  /** Channel per network; called lazily, at most once per network, only when something is due there. */
  channels: (network: Network) => Channel;
  /** Second-reader gate, called once per post before its first part is sent in this run. */
  approve?: (post: Post) => Promise<ApprovalVerdict>;
  config: Config;
  /** The clock: read for each event and each part's real send time. */
  now: () => Date;
  /** This run's id (GitHub run id, or `local-…`). */
  runId: string;
  /** Plan and check approval only: nothing sent, nothing written. */
  dryRun: boolean;
  /** One line per thing done. */
  log: (line: string) => void;
  /** Networks with credentials (CI), or `outbox` (local: everything can go somewhere). Default `outbox`. */
  credentials?: Set<Network> | 'outbox';
  /** Better texts for "no credentials" holds. */
  credentialHelp?: Partial<Record<Network, string>>;
  /** Removes secrets from text before it is logged or recorded. */
  redact?: (text: string) => string;
  /** Override of the plan's in-flight window (ms). */
  inFlightMs?: number;
  /**
   * Repository root the posts' media paths are relative to (`copydesk publish` passes its root);
   * default: derived from each post's absolute path.
   */
  root?: string;
  /**
   * The link card of a Bluesky part (src/card/card-for-send.ts: the stored card, else one bounded
   * fetch). Omitted: no cards. Whatever it answers, the part is sent; its note goes in the report.
   */
  linkCard?: (post: Post, part: number) => Promise<{ card?: OutgoingCard; note?: string }>;
}

/** Where a (post, network) ends up in the report. */
export type ReportCategory = 'sent' | 'alreadySent' | 'missed' | 'expired' | 'held' | 'failed' | 'waiting' | 'retracted';

export interface ReportedDecision extends Decision {
  /** Bucket in the report counts. */
  category: ReportCategory;
  /** Parts sent (or, in a dry run, that would be sent) in this run. */
  sentThisRun: number[];
  /** Missed/expired written to the ledger by this run. */
  recordedNow?: boolean;
  /** What this run says about how parts went out (e.g. "sent without a link card: the page answered 403"). */
  notes?: string[];
}

/** Counts per category: the shape of `runs/last-run.json`. */
export interface RunCounts {
  sent: number;
  alreadySent: number;
  missed: number;
  expired: number;
  held: number;
  failed: number;
}

export interface PublishReport extends RunCounts {
  /** The run. */
  runId: string;
  /** ISO start and end. */
  startedAt: string;
  finishedAt: string;
  /** Nothing was sent or written. */
  dryRun: boolean;
  /** False when the run stopped early (state store unreachable): `error` says why. */
  completed: boolean;
  error?: string;
  /** Not due yet. */
  waiting: number;
  /** Parts that failed in this run in a way a person must fix. */
  newFailures: number;
  /** The state's history was rewritten under the publisher: nothing was sent, a person must look. */
  stateRewritten?: {
    /** Where the state lives. */
    store: string;
    /** The commit copydesk last wrote (its witness). */
    recorded: string;
    /** What the branch points at now (`null`: deleted). */
    found: string | null;
    /** What to do, with the commands. */
    action: string;
  };
  /** One entry per (post, network). */
  decisions: ReportedDecision[];
  /**
   * Networks whose credential was refused in this run (revoked, expired: HTTP 401, Graph API code
   * 190): reported once per network as "renew the token"; the network's other posts were not tried.
   */
  credentialProblems?: CredentialProblem[];
}

/** A network that refused its credential in this run. */
export interface CredentialProblem {
  /** The network. */
  network: Network;
  /** What the network answered (no secrets). */
  error: string;
  /** How to renew the token. */
  action: string;
  /** The post whose send was refused (the others on this network were not tried). */
  postId: string;
  /** Posts on this network not tried because of it. */
  notTried: string[];
}

interface Stop {
  hold: HoldCode;
  reason: string;
  action?: string;
}

const keyOf = (postId: string, network: Network) => `${postId}\u0000${network}`;
/** What the ledger remembers of a part's content, to notice an edit after it went out. */
const contentOf = (post: Post, part: number) => ({ hash: partHash(post, part), partsTotal: post.parts.length });
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function publish(o: PublishOptions): Promise<PublishReport> {
  const redact = o.redact ?? ((s: string) => s);
  const log = (line: string) => o.log(redact(line));
  const { store, config, runId } = o;
  const startedAt = o.now().toISOString();
  const postsById = new Map(o.posts.map((p) => [p.id, p]));
  const absent = new Set<PartKey>();
  const stopped = new Map<string, Stop>();
  const sentThisRun = new Map<string, number[]>();
  const recordedNow = new Set<string>();
  const notes = new Map<string, string[]>();
  const note = (k: string, text: string) => notes.set(k, [...(notes.get(k) ?? []), redact(text)]);
  const approvals = new Map<string, ApprovalVerdict>();
  const mediaChecks = new Map<string, Promise<MediaHold | undefined>>();
  const channels = new Map<Network, Channel>();
  let decisions: Decision[] = [];
  let completed = true;
  let error: string | undefined;
  let newFailures = 0;
  let rewritten: StateRewrittenError | undefined;
  const credentialDown = new Map<Network, CredentialProblem>();

  const channelFor = (network: Network): Channel => {
    let ch = channels.get(network);
    if (!ch) {
      ch = o.channels(network);
      channels.set(network, ch);
      // Built only now, when something is due there: an idle tick never gets here.
      log(`${network}: something is due; ${ch.name === 'outbox' ? 'writing to the outbox folder' : `connecting to ${network}`}`);
    }
    return ch;
  };

  const approvalOf = async (post: Post): Promise<ApprovalVerdict> => {
    let v = approvals.get(post.id);
    if (!v) {
      try {
        v = o.approve ? await o.approve(post) : { approved: true };
      } catch (e) {
        v = { approved: false, reason: `the approval could not be checked: ${message(e)}`, action: 'Run the publisher again; if it keeps failing, check the GitHub token and its permissions.' };
      }
      approvals.set(post.id, v);
      if (!v.approved) log(`held ${post.id}: not approved: ${v.reason}`);
    }
    return v;
  };

  const rootOf = (post: Post) => o.root ?? rootOfPost(post);

  /** Every media file of the post, checked once per (post, network) per run before its first part. */
  const mediaHoldOf = (post: Post, network: Network): Promise<MediaHold | undefined> => {
    const k = keyOf(post.id, network);
    let p = mediaChecks.get(k);
    if (!p) mediaChecks.set(k, (p = post.media.length ? checkPostMedia(rootOf(post), post, network) : Promise.resolve(undefined)));
    return p;
  };

  const holdForMedia = (post: Post, network: Network, hold: MediaHold) => {
    stopped.set(keyOf(post.id, network), { hold: 'media', reason: redact(hold.reason), action: redact(hold.action) });
    log(`held ${post.id}: media: ${hold.reason} (${network}; nothing sent)`);
  };

  // Content re-check, once per post per run (issue 10); a failure to run it holds the post too.
  const contents = new Map<string, Promise<Diagnostic[]>>();
  const contentProblemsOf = (post: Post): Promise<Diagnostic[]> => {
    let c = contents.get(post.id);
    if (!c) contents.set(post.id, (c = contentProblems(post, config).catch((e) => [diag(post.file, { line: 1 }, 'error', 'content', `the content checks could not run: ${message(e)}`, 'Run `copydesk check` on the post.')])));
    return c;
  };

  const record = (events: LedgerEvent[], what: string) =>
    recordEvents(store, events.map((e) => ({ ...e, ...(e.error ? { error: redact(e.error) } : {}), ...(e.action ? { action: redact(e.action) } : {}) })), `publish: ${what} (run ${runId})`);

  try {
    const maxSteps = 100 + 10 * o.posts.reduce((n, p) => n + p.channels.length * p.parts.length, 0);
    for (let step = 0; ; step++) {
      if (step > maxSteps) throw new Error('the publisher did not settle (this is a bug; nothing more was sent)');
      // Immediately before every send: the newest ledger and freeze.
      await store.refresh();
      const [events, freezes, freezeLog] = await Promise.all([readLedgerAppendOrder(store), readFreezes(store), readFreezeLog(store)]);
      decisions = plan({
        posts: o.posts, events, freezes, freezeLog, config, now: o.now(), credentials: o.credentials ?? 'outbox', runId, absent,
        ...(o.inFlightMs !== undefined ? { inFlightMs: o.inFlightMs } : {}),
        ...(o.credentialHelp ? { credentialHelp: o.credentialHelp } : {}),
      });
      if (o.dryRun) {
        for (const d of decisions) {
          if (d.kind !== 'send' || !o.approve) continue;
          const v = await approvalOf(postsById.get(d.postId)!);
          if (!v.approved) stopped.set(keyOf(d.postId, d.network), { hold: 'unapproved', reason: v.reason, action: v.action });
        }
        for (const d of decisions) {
          if (d.kind !== 'send' || stopped.has(keyOf(d.postId, d.network))) continue;
          const post = postsById.get(d.postId)!;
          const hold = await mediaHoldOf(post, d.network);
          if (hold) holdForMedia(post, d.network, hold);
        }
        break;
      }
      await recordTerminal(decisions);
      const next = decisions.find((d) => d.kind === 'send' && !stopped.has(keyOf(d.postId, d.network)));
      if (!next) break;
      await advance(next);
    }
  } catch (e) {
    completed = false;
    error = redact(message(e));
    if (e instanceof StateRewrittenError) rewritten = e;
    log(`run stopped early: ${error}`);
  }

  return report();

  async function recordTerminal(list: Decision[]): Promise<void> {
    const nowMs = o.now().getTime();
    // A due post a freeze holds is missed for good: recorded now, so the thaw's timestamp (another
    // machine's clock) can never make it look as if it fell due after the freeze.
    const stoppedByFreeze = (d: Decision) => d.kind === 'held' && d.hold === 'frozen' && d.publishAt !== undefined && d.publishAt <= nowMs && d.readBack.length === 0;
    const fresh = list.filter((d) => ((d.kind === 'missed' || d.kind === 'expired') && !d.recorded) || stoppedByFreeze(d));
    if (!fresh.length) return;
    const at = new Date(nowMs).toISOString();
    const reasonOf = (d: Decision) =>
      stoppedByFreeze(d)
        ? `was due while ${(d.reason ?? 'frozen').replace(/;.*$/, '')}${d.sent.length ? `; parts ${d.send.map((i) => i + 1).join(', ')} of ${d.partsTotal} were never sent` : ''}; never sent on its own after the thaw: reschedule it with a new pull request to publish it`
        : (d.reason ?? d.kind);
    const written = await recordTerminalOnce(
      store,
      fresh.map((d) => ({
        event: { at, postId: d.postId, network: d.network, part: 0, state: d.kind === 'expired' ? 'expired' : 'missed', via: d.network, runId, reason: reasonOf(d), file: d.file },
        ...(d.publishAt !== undefined ? { publishAt: d.publishAt } : {}),
      })),
      `publish: ${fresh.length} missed/expired (run ${runId})`,
    );
    for (const d of fresh) {
      if (stoppedByFreeze(d)) {
        const reason = reasonOf(d);
        delete d.hold;
        Object.assign(d, { kind: 'missed', reason });
      }
      d.recorded = true;
    }
    for (const w of written) {
      recordedNow.add(keyOf(w.postId, w.network));
      log(`${w.state} ${w.network}: ${w.postId}: ${w.reason}`);
    }
  }

  /** One step for one (post, network): read back or send its next part. */
  async function advance(d: Decision): Promise<void> {
    const post = postsById.get(d.postId)!;
    const { network } = d;
    const part = d.send[0]!;
    const k = keyOf(post.id, network);
    const label = `${network}: ${post.id} part ${part + 1}/${d.partsTotal}`;

    // The network refused its token earlier in this run: not tried, reported once for the network.
    const down = credentialDown.get(network);
    if (down) {
      if (!down.notTried.includes(post.id)) down.notTried.push(post.id);
      stopped.set(k, { hold: 'credential', reason: `not tried: ${network} refused the token earlier in this run (renew the token)`, action: down.action });
      return;
    }

    if (d.readBack.includes(part)) {
      const ch = channelFor(network);
      const claimed = latestClaim(parseLedgerFile(await store.read(ledgerPath(post.id))), post.id, network, part);
      const out = { ...buildOutgoingPart({ post, network, part, refs: d.refs, config, now: o.now() }), ...(claimed ? { claimed } : {}) };
      let found: FindResult;
      try {
        found = await ch.find(out);
      } catch (e) {
        found = { status: 'unknown', error: message(e) };
      }
      if (found.status === 'found') {
        await record([{ at: o.now().toISOString(), postId: post.id, network, part, state: 'sent', via: ch.name, runId, ref: found.ref, reason: 'found on the network by read-back (an earlier run sent it)', file: post.file, ...contentOf(post, part) }], `${post.id} ${network} part ${part + 1} found`);
        sentThisRun.set(k, [...(sentThisRun.get(k) ?? []), part]);
        log(`read back ${label}: already on ${network}${found.ref.url ? ` (${found.ref.url})` : ''}; recorded, not resent`);
      } else if (found.status === 'absent') {
        absent.add(partKey(post.id, network, part));
        log(`read back ${label}: not on ${network}; an earlier attempt did not go out`);
      } else if (found.credential) {
        // The token was refused while reading back: nothing is recorded (the part is read back after
        // the renewal), and the network is reported once, its other posts not tried in this run.
        const action = redact(found.action ?? `Renew the token for ${network} and store it as the secret.`);
        credentialDown.set(network, { network, error: redact(found.error), action, postId: post.id, notTried: [] });
        stopped.set(k, { hold: 'credential', reason: `could not check whether part ${part + 1} already went out: ${redact(found.error)}; renew the token (nothing was resent)`, action });
        newFailures++;
        log(`${network} refused the token while reading back ${label} (${found.error}); nothing resent, its other posts are not tried in this run`);
      } else if (found.action) {
        // Not certain, and asking again will not make it so: a person looks; nothing is resent.
        await record([{ at: o.now().toISOString(), postId: post.id, network, part, state: 'unknown', via: ch.name, runId, error: found.error, action: found.action, file: post.file }], `${post.id} ${network} part ${part + 1} read-back not certain`);
        stopped.set(k, { hold: 'read-back', reason: `could not tell whether part ${part + 1} already went out (${redact(found.error)}); nothing was resent`, action: redact(found.action) });
        newFailures++;
        log(`read back ${label}: not certain (${found.error}); nothing resent. Next step: ${found.action}`);
      } else {
        stopped.set(k, { hold: 'read-back', reason: `could not check whether part ${part + 1} already went out (${redact(found.error)}); nothing was resent, it is read back on the next run` });
        log(`read back ${label}: could not check (${found.error}); nothing resent`);
      }
      return;
    }


    const verdict = await approvalOf(post);
    if (!verdict.approved) {
      for (const n of post.channels) stopped.set(keyOf(post.id, n), { hold: 'unapproved', reason: verdict.reason, action: verdict.action });
      return;
    }

    // Media before anything is claimed: a refused file holds the post, nothing to read back later.
    const mediaHold = await mediaHoldOf(post, network);
    if (mediaHold) return holdForMedia(post, network, mediaHold);
    const media = await readPartMedia(rootOf(post), post, network, part);
    if (!media.ok) return holdForMedia(post, network, media);

    // ── content re-check (issue 10): a post that reached main without passing the check is held, not
    // sent. After the media reader, whose refusals carry the more precise reason and fix.
    const problems = await contentProblemsOf(post);
    if (problems.length) {
      for (const n of post.channels) stopped.set(keyOf(post.id, n), { hold: 'content', reason: contentHoldReason(problems), action: 'Fix the post (run `copydesk check` on it) and merge the fix; it goes out on the next run.' });
      log(`held ${post.id}: ${contentHoldReason(problems)}`);
      return;
    }
    // ── end of the content re-check.

    // The link card (Bluesky), before the claim: a slow page delays only this, and the freeze is
    // still read after it. A card never holds a post.
    let card: OutgoingCard | undefined;
    if (network === 'bluesky' && o.linkCard && media.media.length === 0) {
      const got = await o.linkCard(post, part).catch((e: unknown) => ({ note: `sent without a link card: ${message(e)}` }) as { card?: OutgoingCard; note?: string });
      card = got.card;
      if (got.note) {
        note(k, `part ${part + 1}: ${got.note}`);
        log(`${label}: ${got.note}`);
      }
    }

    const ch = channelFor(network);
    // The compare-and-swap looks at the post's file in append order; read it the same way here
    // (the merged ledger is sorted by time, which clock skew between machines could reorder).
    const expected = lastPartEvent(parseLedgerFile(await store.read(ledgerPath(post.id))), network, part);
    const intent: LedgerEvent = { at: o.now().toISOString(), postId: post.id, network, part, state: 'intent', via: ch.name, runId, file: post.file, ...contentOf(post, part) };
    // The freeze is read last, after approval and every other check, in the same compare-and-swap
    // that writes the intent (ledger-write.ts): a freeze stored while the approval was being checked
    // stops this part. Only freeze.json counts: a freeze is in force from the moment it is stored,
    // whatever its `since` says.
    const claim = await claimPart(store, intent, expected, post.publishAt, async (read) => {
      const holding = freezesHolding(await readFreezes({ ...store, read }), post);
      return holding.length ? `frozen since ${holding[0]!.since} by ${holding[0]!.by}: ${holding[0]!.reason} (stored while this run was checking the post; nothing was sent)` : undefined;
    });
    if (claim.status === 'frozen') {
      for (const n of post.channels) stopped.set(keyOf(post.id, n), { hold: 'frozen', reason: claim.reason });
      log(`held ${label}: ${claim.reason}`);
      return;
    }
    if (claim.status === 'retracted') {
      for (const n of post.channels) stopped.set(keyOf(post.id, n), { hold: 'claimed', reason: claim.reason });
      log(`skip ${label}: ${claim.reason}`);
      return;
    }
    if (claim.status === 'lost') {
      stopped.set(k, { hold: 'claimed', reason: 'another run claimed this part a moment ago and is sending it' });
      log(`skip ${label}: another run is sending it`);
      return;
    }
    // Once more, immediately before the request leaves: a freeze stored while the intent was being
    // pushed still wins. The part is then missed for good (nothing went out; never sent after the thaw).
    await store.refresh();
    const lateFreeze = freezesHolding(await readFreezes(store), post)[0];
    if (lateFreeze) {
      const reason = `a freeze (${lateFreeze.reason}, by ${lateFreeze.by}) was stored just before part ${part + 1} was sent; nothing was sent and it is never sent on its own after the thaw: reschedule it with a new pull request to publish it`;
      await recordTerminalOnce(store, [{ event: { at: o.now().toISOString(), postId: post.id, network, part: 0, state: 'missed', via: network, runId, reason, file: post.file }, ...(post.publishAt !== undefined ? { publishAt: post.publishAt } : {}) }], `publish: ${post.id} ${network} missed (frozen before send, run ${runId})`);
      recordedNow.add(k);
      for (const n of post.channels) stopped.set(keyOf(post.id, n), { hold: 'frozen', reason });
      log(`held ${label}: ${reason}`);
      return;
    }

    const claimed = latestClaim(parseLedgerFile(await store.read(ledgerPath(post.id))), post.id, network, part);
    const out = {
      ...buildOutgoingPart({ post, network, part, refs: d.refs, config, now: o.now(), media: media.media, ...(card ? { card } : {}) }),
      ...(claimed ? { claimed } : {}),
      // Threads: the container id is in the ledger before it is published (ledger.ts `claim`).
      claim: (handle: string) => record([{ ...intent, at: o.now().toISOString(), claim: handle }], `${post.id} ${network} part ${part + 1} claims ${handle}`),
    };
    let result: SendResult;
    try {
      result = await ch.send(out);
    } catch (e) {
      // A channel that throws may have sent: treat as unknown, read back next run.
      result = { status: 'unknown', error: `the ${network} channel failed unexpectedly: ${message(e)}` };
    }
    const base = { at: o.now().toISOString(), postId: post.id, network, part, via: ch.name, runId, file: post.file };
    switch (result.status) {
      case 'sent':
        await record([{ ...base, state: 'sent', ref: result.ref, ...contentOf(post, part) }], `${post.id} ${network} part ${part + 1} sent`);
        sentThisRun.set(k, [...(sentThisRun.get(k) ?? []), part]);
        log(`sent ${label}${ch.name === 'outbox' ? ' to the outbox' : ''}${result.ref.url ? ` → ${result.ref.url}` : ''}${out.card ? ' with its link card' : ''}`);
        if (result.note) {
          note(k, `part ${part + 1}: ${result.note}`);
          log(`${label}: ${result.note}`);
        }
        break;
      case 'unknown':
        await record([{ ...base, state: 'unknown', error: result.error }], `${post.id} ${network} part ${part + 1} unknown`);
        stopped.set(k, { hold: 'unknown', reason: `outcome of part ${part + 1} unknown (${redact(result.error)}); it is read back on the next run, never resent blind` });
        log(`unknown ${label}: ${result.error}; will read back on the next run`);
        break;
      case 'retry': {
        const retryAt = result.retryAt ?? Date.parse(base.at) + DEFAULT_RETRY_MS;
        await record([{ ...base, state: 'failed', error: result.error, retryAt }], `${post.id} ${network} part ${part + 1} retry`);
        stopped.set(k, { hold: 'retry', reason: `part ${part + 1} not sent (${redact(result.error)}); retried after ${new Date(retryAt).toISOString()}` });
        log(`retry ${label}: ${result.error}; again after ${new Date(retryAt).toISOString()}`);
        break;
      }
      case 'failed':
        if (result.credential) {
          // Not this post's fault: retried on the next run (after the token is renewed it goes out),
          // and the network's other posts are not tried in this run.
          const retryAt = Date.parse(base.at) + DEFAULT_RETRY_MS;
          await record([{ ...base, state: 'failed', error: result.error, action: result.action, retryAt }], `${post.id} ${network} part ${part + 1} token refused`);
          credentialDown.set(network, { network, error: redact(result.error), action: redact(result.action), postId: post.id, notTried: [] });
          stopped.set(k, { hold: 'credential', reason: `part ${part + 1} not sent: ${redact(result.error)}; renew the token (it is tried again on the next run)`, action: redact(result.action) });
          newFailures++;
          log(`${network} refused the token at ${label} (${result.error.replace(/[.\s]+$/, '')}); its other posts are not tried in this run (the report says what to do, once)`);
          break;
        }
        await record([{ ...base, state: 'failed', error: result.error, action: result.action }], `${post.id} ${network} part ${part + 1} failed`);
        stopped.set(k, { hold: 'failed', reason: `part ${part + 1} failed: ${redact(result.error)}`, action: redact(result.action) });
        newFailures++;
        log(`FAILED ${label}: ${result.error.replace(/[.\s]+$/, '')}. Next step: ${result.action}`);
        break;
    }
  }

  function report(): PublishReport {
    const out: ReportedDecision[] = decisions.map((d) => {
      const k = keyOf(d.postId, d.network);
      const stop = stopped.get(k);
      let r: ReportedDecision = { ...d, category: 'held', sentThisRun: sentThisRun.get(k) ?? [] };
      if ((d.kind === 'send' || (d.kind === 'held' && stop?.hold === 'credential')) && stop) r = { ...r, kind: 'held', hold: stop.hold, reason: stop.reason, ...(stop.action ? { action: stop.action } : {}) };
      else if (d.kind === 'send' && !o.dryRun) r = { ...r, kind: 'held', hold: 'retry', reason: `the run stopped before sending it${error ? `: ${error}` : ''}` };
      else if (d.kind === 'send') r.sentThisRun = [...d.send];
      if (recordedNow.has(k)) r.recordedNow = true;
      if (notes.has(k)) r.notes = notes.get(k)!;
      r.category =
        r.kind === 'held' && r.hold === 'failed' ? 'failed'
        : r.sentThisRun.length > 0 ? 'sent'
        : r.kind === 'sent' ? 'alreadySent'
        : r.kind === 'wait' ? 'waiting'
        : r.kind === 'missed' || r.kind === 'expired' || r.kind === 'retracted' ? r.kind
        : 'held';
      return r;
    });
    const count = (c: ReportCategory) => out.filter((d) => d.category === c).length;
    return {
      runId, startedAt, finishedAt: o.now().toISOString(), dryRun: o.dryRun, completed, ...(error ? { error } : {}),
      sent: count('sent'), alreadySent: count('alreadySent'), missed: count('missed'), expired: count('expired'), held: count('held'), failed: count('failed'), waiting: count('waiting'),
      newFailures, decisions: out, credentialProblems: [...credentialDown.values()],
      ...(rewritten ? { stateRewritten: { store: rewritten.store, recorded: rewritten.recorded, found: rewritten.found, action: redact(rewritten.action) } } : {}),
    };
  }
}
