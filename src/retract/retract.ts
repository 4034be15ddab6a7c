/**
 * Taking a post back (`copydesk retract`): delete it on every network where the ledger says it
 * went out, exactly once, whatever crashes or overlapping runs do.
 *
 *   1. One compare-and-swap on the post's ledger file appends the decision (`retract`, who and
 *      why) and a `retract-intent` for every sent part not confirmed removed and not being deleted
 *      by another run right now. From that commit on, the publisher's own compare-and-swap
 *      (`claimPart`) refuses every part of the post, and its plan shows it `retracted`.
 *   2. Each claimed part is deleted (`Channel.remove`), and the result recorded at once
 *      (`retracted`, or `retract-failed` with the error and what to do).
 *   3. A part whose send has no recorded result (`intent`/`unknown`) is waited for while another
 *      run may still be sending it, else read back (`Channel.find`): found → recorded sent, and
 *      deleted on the next round; absent → recorded as not on the network.
 * A crash between a delete and its record leaves the `retract-intent`: the next run deletes it
 * again, and a part already gone (404, record not found) counts as removed, so nothing is deleted
 * twice. Pure of the clock and the environment: the command passes them in.
 */
import type { Config } from '../config/config.ts';
import { PUBLISHABLE } from '../config/config.ts';
import type { Network } from '../post/network.ts';
import type { Post } from '../post/post.ts';
import type { Channel, RemoveResult } from '../publish/channel.ts';
import { buildOutgoingPart } from '../publish/outgoing.ts';
import { appendEvents, ledgerPath, parseLedgerFile, recordEvents, type LedgerEvent } from '../schedule/ledger.ts';
import { partHash } from '../schedule/part-hash.ts';
import { IN_FLIGHT_MS } from '../schedule/plan.ts';
import { lastPublishEvent, lastRemovalEvent, retractionCovering } from '../schedule/retraction.ts';
import type { StateStore } from '../state/store.ts';

/** How long a `retract-intent` of another run counts as that run still deleting (then it is deleted again). */
export const RETRACT_IN_FLIGHT_MS = 2 * 60_000;

export interface RetractOptions {
  /** The post's id. */
  postId: string;
  /** Only these networks (`--network`); undefined: every network, also ones added to the post later. */
  networks?: Network[];
  /** Why (recorded, shown on the site and in the timeline). */
  reason: string;
  /** Who (src/cli/actor.ts). */
  by: string;
  /** Where the ledger lives. */
  store: StateStore;
  /**
   * The channel that deletes a part that went out `via` (the network itself, or the local outbox).
   * Called lazily, only when something must be deleted or read back; may throw (no credentials),
   * which is recorded as a failure with the message.
   */
  channels: (network: Network, via: Network | 'outbox') => Channel;
  /** The posts that parse (to read back a part whose send has no recorded result). */
  posts: Post[];
  config: Config;
  /** The clock. */
  now: () => Date;
  /** This run's id (GitHub run id, or `local-…`). */
  runId: string;
  /** Only say what would come down: nothing deleted, nothing written. */
  dryRun: boolean;
  /** One line per thing done. */
  log: (line: string) => void;
  /** Removes secrets from text before it is logged or recorded. */
  redact?: (text: string) => string;
  /** Override of the publisher's in-flight window for its intents (ms). */
  inFlightMs?: number;
  /** Override of {@link RETRACT_IN_FLIGHT_MS}. */
  retractInFlightMs?: number;
  /** Longest wait for a send another run has in flight (ms, default 90 s; 0: do not wait). */
  waitMs?: number;
  /** How to wait (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to one part. */
export interface PartOutcome {
  network: Network;
  /** 0-based part. */
  part: number;
  outcome:
    /** Deleted by this run. */
    | 'removed'
    /** This run asked, and the network said it was already gone. */
    | 'already-gone'
    /** An earlier run had confirmed it removed. */
    | 'was-removed'
    /** Read back: it never reached the network. */
    | 'never-sent'
    /** Dry run: would be deleted. */
    | 'would-delete'
    /** Not removed, try again (rate limit, network down): `detail`. */
    | 'retry'
    /** Not removed; a person must act: `detail`, `action`. */
    | 'failed'
    /** Another run is deleting it or may be sending it right now. */
    | 'in-flight'
    /** Could not tell whether it went out. */
    | 'unknown';
  detail?: string;
  action?: string;
  /** Public address of the part, when known. */
  url?: string;
}

export type RetractResult =
  | {
      ok: true;
      runId: string;
      dryRun: boolean;
      /** Networks the retraction covers. */
      networks: Network[];
      /** The `retract` event was written by this run (false: an earlier retraction stands, this run finished it). */
      decidedNow: boolean;
      parts: PartOutcome[];
      /** Every part that went out is confirmed removed. */
      complete: boolean;
      /** Parts that failed in this run in a way a person must fix. */
      newFailures: number;
    }
  /** Nothing to retract: unknown id, or the network is not one the post uses. Nothing written. */
  | { ok: false; error: string };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function retract(o: RetractOptions): Promise<RetractResult> {
  const redact = o.redact ?? ((s: string) => s);
  const log = (l: string) => o.log(redact(l));
  const { store, postId, runId } = o;
  const path = ledgerPath(postId);
  const post = o.posts.find((p) => p.id === postId);
  const inFlightMs = o.inFlightMs ?? IN_FLIGHT_MS;
  const retractInFlightMs = o.retractInFlightMs ?? RETRACT_IN_FLIGHT_MS;
  const sleep = o.sleep ?? defaultSleep;
  const waitUntil = o.now().getTime() + (o.waitMs ?? 90_000);

  await store.refresh();
  const first = parseLedgerFile(await store.read(path));
  const known = new Set<Network>([...first.map((e) => e.network), ...(post?.channels ?? [])].filter((n) => PUBLISHABLE.includes(n)));
  if (!post && !first.length) return { ok: false, error: `no post with id "${postId}": it is neither in posts/ nor in the ledger (the id is the \`id:\` field of the post)` };
  for (const n of o.networks ?? []) {
    if (!known.has(n)) return { ok: false, error: `post "${postId}" is not for ${n}${known.size ? ` (its networks: ${[...known].join(', ')})` : ''}; nothing was retracted` };
  }
  const scope = o.networks ?? [...known];
  const all = o.networks === undefined;

  const channels = new Map<string, Channel>();
  const channelFor = (network: Network, via: Network | 'outbox'): Channel => {
    const k = `${network}\u0000${via}`;
    let ch = channels.get(k);
    if (!ch) channels.set(k, (ch = o.channels(network, via)));
    return ch;
  };
  const event = (network: Network, part: number, state: LedgerEvent['state'], extra: Partial<LedgerEvent> = {}): LedgerEvent => ({
    at: o.now().toISOString(), postId, network, part, state, via: network, runId, by: o.by, ...(post ? { file: post.file } : {}), ...extra,
  });
  const record = (events: LedgerEvent[], what: string) =>
    recordEvents(store, events.map((e) => ({ ...e, ...(e.error ? { error: redact(e.error) } : {}), ...(e.action ? { action: redact(e.action) } : {}) })), `retract: ${postId} ${what} (run ${runId})`);

  const final = new Map<string, PartOutcome>();
  const settle = (p: PartOutcome) => final.set(`${p.network}\u0000${p.part}`, p);
  let decidedNow = false;
  let newFailures = 0;

  for (let round = 0; round < 50; round++) {
    // ── 1. the decision and the claims, in one compare-and-swap on the newest state.
    let claims: { network: Network; part: number; sent: LedgerEvent }[] = [];
    let pending: { network: Network; part: number; e: LedgerEvent; inFlight: boolean }[] = [];
    /** This round's compare-and-swap stored the decision (re-set on each retry of the swap). */
    let wrote = false;
    const examine = (events: LedgerEvent[], nowMs: number, fresh: LedgerEvent[]) => {
      claims = [];
      pending = [];
      for (const network of scope) {
        const parts = [...new Set(events.filter((e) => e.network === network && Number.isInteger(e.part) && e.part >= 0).map((e) => e.part))].sort((a, b) => a - b);
        for (const part of parts) {
          const pub = lastPublishEvent(events, network, part);
          const rem = lastRemovalEvent(events, network, part);
          if (rem?.state === 'retracted') {
            if (!final.has(`${network}\u0000${part}`)) settle({ network, part, outcome: rem.runId === runId ? (rem.alreadyGone ? 'already-gone' : 'removed') : 'was-removed' });
            continue;
          }
          if (pub?.state === 'sent') {
            if (rem?.state === 'retract-intent' && rem.runId !== runId && nowMs - Date.parse(rem.at) < retractInFlightMs) {
              settle({ network, part, outcome: 'in-flight', detail: `another retraction (run ${rem.runId}) started deleting it at ${rem.at}; if that run died, run this again after ${new Date(Date.parse(rem.at) + retractInFlightMs).toISOString()}` });
              continue;
            }
            if (rem?.state === 'retract-failed' && rem.retryAt !== undefined && rem.retryAt > nowMs) {
              settle({ network, part, outcome: 'retry', detail: `${rem.error ?? 'temporary error'}; try again after ${new Date(rem.retryAt).toISOString()}` });
              continue;
            }
            claims.push({ network, part, sent: pub });
            fresh.push(event(network, part, 'retract-intent', { via: pub.via, ...(pub.ref ? { ref: pub.ref } : {}) }));
          } else if (pub && (pub.state === 'intent' || pub.state === 'unknown')) {
            const inFlight = pub.state === 'intent' && pub.runId !== runId && nowMs - Date.parse(pub.at) < inFlightMs;
            pending.push({ network, part, e: pub, inFlight });
          }
        }
      }
    };
    if (o.dryRun) {
      await store.refresh();
      examine(parseLedgerFile(await store.read(path)), o.now().getTime(), []);
      for (const c of claims) settle({ network: c.network, part: c.part, outcome: 'would-delete', ...(c.sent.ref?.url ? { url: c.sent.ref.url } : {}) });
      for (const p of pending) settle({ network: p.network, part: p.part, outcome: 'unknown', detail: 'a send of this part has no recorded result: it is read back (and deleted if found) when retracting for real' });
      break;
    }
    await store.update(`retract: ${postId} on ${all ? 'every network' : scope.join(', ')} by ${o.by} (run ${runId})`, async (read) => {
      const text = await read(path);
      const events = parseLedgerFile(text);
      const fresh: LedgerEvent[] = [];
      wrote = false;
      for (const network of scope) {
        if (retractionCovering(events, network)) continue;
        fresh.push(event(network, 0, 'retract', { reason: o.reason, ...(all ? { allNetworks: true } : {}) }));
        wrote = true;
      }
      examine(events, o.now().getTime(), fresh);
      return fresh.length ? { [path]: appendEvents(text, fresh) } : null;
    });
    decidedNow ||= wrote;
    if (wrote) log(`retracted ${postId} on ${all ? 'every network' : scope.join(', ')} by ${o.by}: ${o.reason} (nothing of it is sent again)`);

    // ── 2. delete what this run claimed, recording each result at once. The last part of a thread
    // first: while it comes down, no reader sees a reply whose start is already gone.
    for (const c of [...claims].sort((a, b) => b.part - a.part)) {
      const label = `${c.network}: ${postId} part ${c.part + 1}`;
      let result!: RemoveResult;
      if (!c.sent.ref) result = { status: 'failed', error: 'the ledger has no reference of this part', action: 'Find the post on the network and delete it by hand.' };
      else {
        let ch: Channel | undefined;
        try {
          ch = channelFor(c.network, c.sent.via);
        } catch (e) {
          result = { status: 'failed', error: message(e), action: 'Fix the cause (credentials for this network), then run `copydesk retract` again.' };
        }
        if (ch) {
          try {
            result = ch.remove ? await ch.remove(c.sent.ref, c.network) : { status: 'failed', error: `copydesk cannot delete on ${c.network}`, action: `Delete it by hand${c.sent.ref.url ? ` at ${c.sent.ref.url}` : ''}.` };
          } catch (e) {
            // A channel that throws may or may not have deleted: asking again is safe (already gone = removed).
            result = { status: 'retry', error: `the ${c.network} channel failed unexpectedly: ${message(e)}` };
          }
        }
      }
      const url = c.sent.ref?.url;
      const base = { via: c.sent.via, ...(c.sent.ref ? { ref: c.sent.ref } : {}) };
      if (result.status === 'removed') {
        await record([event(c.network, c.part, 'retracted', { ...base, ...(result.alreadyGone ? { alreadyGone: true } : {}) })], `${c.network} part ${c.part + 1} removed`);
        settle({ network: c.network, part: c.part, outcome: result.alreadyGone ? 'already-gone' : 'removed', ...(url ? { url } : {}) });
        log(`${result.alreadyGone ? 'already gone' : 'deleted'} ${label}${url ? ` (${url})` : ''}`);
      } else if (result.status === 'retry') {
        await record([event(c.network, c.part, 'retract-failed', { ...base, error: result.error, ...(result.retryAt !== undefined ? { retryAt: result.retryAt } : {}) })], `${c.network} part ${c.part + 1} not removed (retry)`);
        settle({ network: c.network, part: c.part, outcome: 'retry', detail: redact(result.error), ...(url ? { url } : {}) });
        log(`not deleted ${label}: ${result.error}; run \`copydesk retract ${postId}\` again${result.retryAt ? ` after ${new Date(result.retryAt).toISOString()}` : ''}`);
      } else {
        await record([event(c.network, c.part, 'retract-failed', { ...base, error: result.error, action: result.action })], `${c.network} part ${c.part + 1} not removed`);
        settle({ network: c.network, part: c.part, outcome: 'failed', detail: redact(result.error), action: redact(result.action), ...(url ? { url } : {}) });
        newFailures++;
        log(`FAILED to delete ${label}: ${result.error.replace(/[.\s]+$/, '')}. Next step: ${result.action}`);
      }
    }

    // ── 3. parts that may have gone out: wait for a send in flight, else read back.
    let progress = false;
    let waiting = false;
    for (const p of pending) {
      const label = `${p.network}: ${postId} part ${p.part + 1}`;
      if (p.inFlight) {
        if (o.now().getTime() < waitUntil) waiting = true;
        else settle({ network: p.network, part: p.part, outcome: 'in-flight', detail: `publisher run ${p.e.runId} started sending it at ${p.e.at} and has not recorded a result; run \`copydesk retract ${postId}\` again in a few minutes` });
        continue;
      }
      if (!post) {
        settle({ network: p.network, part: p.part, outcome: 'unknown', detail: 'a send had no recorded result and the post file is gone, so it cannot be read back', action: 'Look on the network and delete it by hand if it is there.' });
        continue;
      }
      let found;
      try {
        const ch = channelFor(p.network, p.e.via);
        const out = buildOutgoingPart({ post, network: p.network, part: p.part, refs: refsOf(parseLedgerFile(await store.read(path)), p.network), config: o.config, now: o.now() });
        found = await ch.find(out);
      } catch (e) {
        found = { status: 'unknown' as const, error: message(e) };
      }
      if (found.status === 'found') {
        await record([event(p.network, p.part, 'sent', { via: p.e.via, ref: found.ref, reason: 'found on the network by the retraction\'s read-back', hash: partHash(post, p.part), partsTotal: post.parts.length })], `${p.network} part ${p.part + 1} found`);
        log(`read back ${label}: it is on ${p.network}; deleting it`);
        progress = true;
      } else if (found.status === 'absent') {
        await record([event(p.network, p.part, 'retracted', { via: p.e.via, alreadyGone: true, reason: 'read back: it never reached the network' })], `${p.network} part ${p.part + 1} never sent`);
        settle({ network: p.network, part: p.part, outcome: 'never-sent' });
        log(`read back ${label}: not on ${p.network}; nothing to delete`);
      } else {
        settle({ network: p.network, part: p.part, outcome: 'unknown', detail: redact(found.error), ...(found.action ? { action: redact(found.action) } : {}) });
        log(`read back ${label}: could not tell whether it went out (${found.error}); run \`copydesk retract ${postId}\` again`);
      }
    }
    if (progress) continue;
    if (!waiting) break;
    log(`waiting: another run is sending part(s) of ${postId} right now; they are deleted as soon as they are recorded`);
    await sleep(5_000);
  }

  const parts = [...final.values()].sort((a, b) => PUBLISHABLE.indexOf(a.network) - PUBLISHABLE.indexOf(b.network) || a.part - b.part);
  const done = new Set(['removed', 'already-gone', 'was-removed', 'never-sent']);
  return { ok: true, runId, dryRun: o.dryRun, networks: scope, decidedNow, parts, complete: !o.dryRun && parts.every((p) => done.has(p.outcome)), newFailures };
}

/** The refs of the sent parts of one network (a read-back of a reply needs its parent). */
function refsOf(events: LedgerEvent[], network: Network): Record<number, NonNullable<LedgerEvent['ref']>> {
  const out: Record<number, NonNullable<LedgerEvent['ref']>> = {};
  for (const e of events) if (e.network === network && e.state === 'sent' && e.ref) out[e.part] ??= e.ref;
  return out;
}
