/**
 * The publishing plan: for every (post, network), what happens now. Pure: posts, the ledger, the
 * freeze and the clock in; decisions out. `copydesk plan` prints it, the publisher re-computes it
 * before every single send, so both always agree.
 *
 * Rules (playbook/scheduling.md):
 * - Due means `publish_at <= now` and not yet recorded as sent; never "due within the last N minutes",
 *   so a late or dropped cron tick loses nothing.
 * - Not sent late on its own: more than `maxLatenessMinutes` late, or fell due during a quiet
 *   period → missed (recorded once, never sent). A thread already started is completed.
 * - The freeze wins: a freeze stored in `freeze.json` holds from the moment it is stored, whatever
 *   its `since` says (a clock ahead must not open a gap). A post that was due while any freeze
 *   holding it was in force (it fell due during the freeze, or it was due but not yet out when the
 *   freeze began) is missed after the thaw, thread parts not yet sent included: a person decides.
 *   (The publisher records such a post as missed on the first tick that sees it held, so a thaw
 *   stamped by a clock that is behind cannot make it look due after the freeze either.)
 * - A post whose part already went out is never changed on the network: if its text, media or
 *   number of parts differs from what the ledger recorded, nothing more is sent (`changed`).
 * - Retracted (`copydesk retract`, src/schedule/retraction.ts) wins over everything: nothing of the
 *   post is sent again on a network it covers (every network, also ones added later, unless
 *   limited), whatever the file says now; the decision says who, why, when and what is still up.
 * - Never after `expires`. Drafts never. A backlog never fires as a burst: `maxPerRun` posts per
 *   network per run and `minSpacingMinutes` between two posts on one network.
 * - Anything that may already be on the network (an `intent` or `unknown` without a result) is read
 *   back before any resend; an `intent` written by another run moments ago is that run's, in flight.
 */
import type { Config } from '../config/config.ts';
import { PUBLISHABLE } from '../config/config.ts';
import type { Freeze, FreezeLogEvent } from '../freeze/freeze-state.ts';
import { partTexts } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';
import type { SentRef } from '../publish/channel.ts';
import type { Network } from '../post/network.ts';
import { freezeIntervals, freezeMatcher, freezeScope, termsPattern } from './freeze-match.ts';
import type { LedgerEvent, PartKey } from './ledger.ts';
import { partKey, RETRACT_STATES } from './ledger.ts';
import { partHash } from './part-hash.ts';
import { describeRetraction, networkRetraction, retractionComplete, type NetworkRetraction } from './retraction.ts';

/** How long an `intent` of another run counts as that run still sending (then it is read back). */
export const IN_FLIGHT_MS = 5 * 60_000;

/** Secret that carries each network's credential (named in "no credentials" holds). */
export const CREDENTIAL_SECRET: Record<Network, string> = {
  bluesky: 'BLUESKY_APP_PASSWORD',
  mastodon: 'MASTODON_TOKEN',
  threads: 'THREADS_ACCESS_TOKEN',
  x: 'X_TOKEN',
  linkedin: 'LINKEDIN_TOKEN',
};

export type DecisionKind =
  /** Goes out in this run: `send` lists the parts, in order. */
  | 'send'
  /** Every part is on the network. */
  | 'sent'
  /** Not due yet (`until` = publish_at). */
  | 'wait'
  /** Will never be sent on its own: too late, or fell due during a freeze or quiet period. */
  | 'missed'
  /** Past `expires`: never sent. */
  | 'expired'
  /** Taken back with `copydesk retract`: never sent again; `retraction` says who, why, when and what is still up. */
  | 'retracted'
  /** Due but not going out now; `hold` and `reason` say why. */
  | 'held';

export type HoldCode =
  /** `draft: true`, or no publish_at. */
  | 'draft'
  /** A freeze (full, or partial matching the post) is active. */
  | 'frozen'
  /** The text contains a term on the config's watch-list (added during a crisis). */
  | 'watchlist'
  /** Inside a configured quiet period. */
  | 'quiet'
  /** A part failed in a way only a person can fix (`copydesk publish --retry <id>` after fixing). */
  | 'failed'
  /** A part may be retried after `until` (rate limit, network down). */
  | 'retry'
  /** Another run wrote an intent for it moments ago and is sending it. */
  | 'in-flight'
  /** In Actions, no secret for this network. */
  | 'no-credentials'
  /** (publisher) The network refused the credential earlier in this run (revoked, expired): renew the token. */
  | 'credential'
  /** Too soon after the previous post on this network. */
  | 'spacing'
  /** This run already sends `maxPerRun` posts on this network. */
  | 'cap'
  /** (publisher) The second reader's approval could not be confirmed. */
  | 'unapproved'
  /** (publisher) Could not read back whether an earlier attempt went out; nothing resent. */
  | 'read-back'
  /** (publisher) This run's send had an unknown outcome; read back on the next run. */
  | 'unknown'
  /** (publisher) Another run claimed the part first. */
  | 'claimed'
  /** (publisher) A media file was refused (symlink, outside the repository or in .git, not a regular file, too large). */
  | 'media'
  /** Edited after a part went out (text, media or number of parts): nothing more is sent on its own. */
  | 'changed'
  /** (publisher) The post fails the content rules (length, profanity, watch-list, media) at send time. */
  | 'content';

export interface Decision {
  /** The post's id. */
  postId: string;
  /** Repository path of the post file. */
  file: string;
  /** The network. */
  network: Network;
  /** Scheduled instant (epoch ms). */
  publishAt?: number;
  /** Expiry (epoch ms). */
  expires?: number;
  /** Number of thread parts. */
  partsTotal: number;
  kind: DecisionKind;
  /** Parts already on the network (0-based). */
  sent: number[];
  /** Parts still to send, in order (for `send`: this run; otherwise: what remains). */
  send: number[];
  /** Subset of `send` whose earlier attempt may have reached the network: read back before any resend. */
  readBack: number[];
  /** The network's reference of each sent part (for replies and links). */
  refs: Record<number, SentRef>;
  /** Where the sent parts went (`outbox` for the local folder). */
  sentVia?: string;
  /** Why it is held, missed or expired (or a note on a waiting post), for people. */
  reason?: string;
  /** For `held`: the cause. */
  hold?: HoldCode;
  /** What a person should do, when one must act. */
  action?: string;
  /** `wait`: when it is due; `held`: earliest instant it may go (spacing, retry, in-flight, quiet). */
  until?: number;
  /** For `missed`/`expired`: already in the ledger (recorded once). */
  recorded?: boolean;
  /** For `retracted`: the retraction (who, why, when) and where each part that went out stands. */
  retraction?: NetworkRetraction;
}

export interface PlanInput {
  /** Posts that parsed (drafts included). */
  posts: Post[];
  /** The whole ledger; each post's events in append order (`readLedgerAppendOrder`). */
  events: LedgerEvent[];
  /** Freezes active now (`freeze.json`). */
  freezes: Freeze[];
  /** Every freeze and thaw (`freeze-log.jsonl`). */
  freezeLog: FreezeLogEvent[];
  config: Config;
  /** The clock (epoch ms or Date). */
  now: number | Date;
  /** Networks that can be sent to: a set (in CI: those with secrets) or `outbox` (local: all, via the folder where needed). */
  credentials: Set<Network> | 'outbox';
  /** The current publisher run: posts it already started count against `maxPerRun`, its own intents are never "in flight". */
  runId?: string;
  /** Parts read back as absent in this run: not on the network, so not started. */
  absent?: ReadonlySet<PartKey>;
  /** Override of {@link IN_FLIGHT_MS}. */
  inFlightMs?: number;
  /** Better "no credentials" texts per network (e.g. the identifier is missing, not the password). */
  credentialHelp?: Partial<Record<Network, string>>;
}

const SENDISH = new Set(['intent', 'unknown', 'sent']);
const PART_STATES = new Set(['intent', 'unknown', 'sent', 'failed']);
const iso = (t: number) => new Date(t).toISOString().replace(/:\d\d\.\d{3}Z$/, 'Z');

interface Candidate {
  d: Decision;
  started: boolean;
  publishAt: number;
}

export function plan(input: PlanInput): Decision[] {
  const now = typeof input.now === 'number' ? input.now : input.now.getTime();
  const { config, runId, absent } = input;
  const lateMs = config.maxLatenessMinutes * 60_000;
  const spacingMs = config.minSpacingMinutes * 60_000;
  const inFlightMs = input.inFlightMs ?? IN_FLIGHT_MS;
  const watchlist = termsPattern(config.watchlist.map((w) => w.term));
  const intervals = freezeIntervals(input.freezes, input.freezeLog, now).map((iv) => ({ ...iv, matches: freezeMatcher(iv.freeze) }));

  const byPost = new Map<string, LedgerEvent[]>();
  /** Per network: latest "went out (or may have)" instant per post. */
  const sends = new Map<Network, Map<string, number>>();
  const inRun = new Map<Network, Set<string>>();
  for (const e of input.events) {
    let list = byPost.get(e.postId);
    if (!list) byPost.set(e.postId, (list = []));
    list.push(e);
    if (SENDISH.has(e.state)) {
      const t = Date.parse(e.at);
      let m = sends.get(e.network);
      if (!m) sends.set(e.network, (m = new Map()));
      if (!((m.get(e.postId) ?? -Infinity) >= t)) m.set(e.postId, t);
    }
    if (runId !== undefined && e.runId === runId && PART_STATES.has(e.state)) {
      let s = inRun.get(e.network);
      if (!s) inRun.set(e.network, (s = new Set()));
      s.add(e.postId);
    }
  }

  const decisions: Decision[] = [];
  const candidates = new Map<Network, Candidate[]>();

  for (const post of input.posts) {
    const events = byPost.get(post.id) ?? [];
    for (const network of post.channels) {
      if (!PUBLISHABLE.includes(network)) continue;
      const r = decide(post, network, events);
      decisions.push(r.d);
      if (r.candidate) {
        let list = candidates.get(network);
        if (!list) candidates.set(network, (list = []));
        list.push({ d: r.d, started: r.started, publishAt: post.publishAt ?? now });
      }
    }
  }

  for (const [network, list] of candidates) applyCapAndSpacing(network, list);

  const order = new Map(PUBLISHABLE.map((n, i) => [n, i]));
  return decisions.sort((a, b) => (a.publishAt ?? Infinity) - (b.publishAt ?? Infinity) || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0) || order.get(a.network)! - order.get(b.network)!);

  function decide(post: Post, network: Network, all: LedgerEvent[]): { d: Decision; candidate: boolean; started: boolean } {
    const publishAt = post.publishAt;
    const total = post.parts.length;
    const last: (LedgerEvent | undefined)[] = new Array(total);
    let terminal: LedgerEvent | undefined;
    for (const e of all) {
      if (e.network !== network || RETRACT_STATES.has(e.state)) continue;
      if (e.state === 'missed' || e.state === 'expired') {
        // A miss concerns the schedule it was recorded for: a post moved to a later time gets a new chance.
        if (publishAt === undefined || Date.parse(e.at) >= publishAt) terminal ??= e;
        continue;
      }
      if (!Number.isInteger(e.part) || e.part < 0 || e.part >= total) continue;
      if (last[e.part]?.state === 'sent') continue;
      last[e.part] = e;
    }

    const sent: number[] = [];
    const send: number[] = [];
    const readBack: number[] = [];
    const refs: Record<number, SentRef> = {};
    let sentVia: string | undefined;
    let failed: LedgerEvent | undefined;
    let retry: LedgerEvent | undefined;
    let inFlight: LedgerEvent | undefined;
    let uncertain: LedgerEvent | undefined;
    const changes: string[] = [];
    // What went out (or may have) must still be what the post says; the first difference is reported.
    const compare = (i: number, e: LedgerEvent) => {
      if (e.partsTotal !== undefined && e.partsTotal !== total && !changes.some((c) => c.startsWith('it had'))) {
        changes.push(`it had ${e.partsTotal} part${e.partsTotal === 1 ? '' : 's'} when part ${i + 1} went out, now ${total}`);
      }
      if (e.hash !== undefined && e.hash !== partHash(post, i)) changes.push(`part ${i + 1} changed after it ${e.state === 'sent' ? 'went out' : 'may have gone out'}`);
    };
    for (let i = 0; i < total; i++) {
      const e = last[i];
      if (e?.state === 'sent') {
        sent.push(i);
        if (e.ref) refs[i] = e.ref;
        sentVia ??= e.via;
        compare(i, e);
        continue;
      }
      send.push(i);
      if (!e) continue;
      if (e.state === 'intent' || e.state === 'unknown') {
        compare(i, e);
        if (absent?.has(partKey(post.id, network, i))) continue;
        readBack.push(i);
        // A read-back that could not give a certain answer (too many statuses to look through):
        // a person looks, nothing is read back or resent on its own.
        if (e.state === 'unknown' && e.action) uncertain ??= e;
        if (e.state === 'intent' && e.runId !== runId && Date.parse(e.at) > now - inFlightMs) inFlight ??= e;
      } else if (e.state === 'failed') {
        // Rescheduling the post (a later publish_at) is a person acting on the failure.
        if (publishAt !== undefined && Date.parse(e.at) < publishAt) continue;
        if (e.retryAt === undefined) failed ??= e;
        else if (e.retryAt > now) retry ??= e;
      }
    }
    const started = sent.length > 0 || readBack.length > 0;
    const base: Decision = {
      postId: post.id, file: post.file, network, partsTotal: total, kind: 'held', sent, send, readBack, refs,
      ...(publishAt !== undefined ? { publishAt } : {}),
      ...(post.expires !== undefined ? { expires: post.expires } : {}),
      ...(sentVia ? { sentVia } : {}),
    };
    const done = (d: Partial<Decision>, candidate = false) => ({ d: { ...base, ...d }, candidate, started });
    const held = (hold: HoldCode, reason: string, extra: Partial<Decision> = {}) => done({ kind: 'held', hold, reason, ...extra });

    // A retraction wins over everything: nothing of the post is sent on this network again, whatever
    // the file says now (edited, rescheduled, a network added after an all-networks retraction).
    const retraction = networkRetraction(all, network);
    if (retraction) {
      const complete = retractionComplete(retraction);
      const up = retraction.parts.filter((p) => p.state !== 'removed').map((p) => p.part);
      return done({
        kind: 'retracted', retraction, reason: describeRetraction(retraction),
        sent: sent.filter((i) => up.includes(i)), send: [], readBack: [],
        ...(complete ? {} : { action: `Run \`copydesk retract ${post.id}${retraction.retract.allNetworks ? '' : ` --network ${network}`} --reason "…"\` again (or the "retract" workflow): it deletes only what is not confirmed removed.` }),
      });
    }
    const changeNote = changes.length ? `edited after it went out (${changes.join('; ')})` : undefined;
    if (send.length === 0) return done({ kind: 'sent', ...(changeNote ? { reason: `${changeNote}; the change was not published` } : {}) });
    if (terminal) return done({ kind: terminal.state as 'missed' | 'expired', reason: terminal.reason ?? terminal.state, recorded: true });
    if (changeNote && started) {
      return held('changed', `${changeNote}; nothing more is sent on its own`, {
        action: `Publish the change as a new post (new id) in a pull request, or put the post back as it was when it went out. Then nothing more is needed; the parts still unsent (${send.map((i) => i + 1).join(', ')}) are not sent.`,
      });
    }
    if (post.draft) return held('draft', 'draft: true (a draft is never published)', { action: 'Remove `draft: true` in a pull request to schedule it.' });
    if (publishAt === undefined) return held('draft', 'no publish_at', { action: 'Add `publish_at` to schedule it.' });
    if (post.expires !== undefined && now >= post.expires) {
      return done({ kind: 'expired', reason: `expired at ${iso(post.expires)}${sent.length ? ` with ${sent.length} of ${total} parts sent` : ''}; never sent after expiry`, recorded: false });
    }
    const quietAt = (t: number) => config.quietPeriods.find((q) => q.from <= t && t < q.until);
    if (publishAt > now) {
      const q = quietAt(publishAt);
      const frozen = intervals.find((iv) => iv.until === Infinity && iv.matches(post));
      const note = q ? `falls in the quiet period "${q.reason}": it will be missed` : frozen ? `frozen now (${frozen.freeze.reason}): it goes out only if thawed before it is due` : undefined;
      return done({ kind: 'wait', until: publishAt, ...(note ? { reason: note } : {}) });
    }
    if (!started) {
      if (now - publishAt > lateMs) {
        return done({ kind: 'missed', reason: `more than ${config.maxLatenessMinutes} min late (due ${iso(publishAt)}, checked ${iso(now)}); never sent late`, recorded: false });
      }
      const q = quietAt(publishAt);
      if (q) return done({ kind: 'missed', reason: `fell due during the quiet period "${q.reason}"; reschedule it to publish it`, recorded: false });
    }
    // A freeze that ended after the post fell due stopped it (it fell due during the freeze, or was
    // due but not out yet when the freeze began): missed, a person decides. Anything that may
    // already be out is read back first, so the ledger never calls a part missed that went out.
    const stoppedBy = readBack.length === 0 ? intervals.find((iv) => iv.until !== Infinity && iv.until > publishAt && iv.matches(post)) : undefined;
    if (stoppedBy) {
      const what = publishAt >= stoppedBy.from ? 'fell due during a freeze' : 'was due but not yet out when a freeze began';
      const rest = started ? `; parts ${send.map((i) => i + 1).join(', ')} of ${total} were never sent` : '';
      return done({ kind: 'missed', reason: `${what} (${freezeScope(stoppedBy.freeze)}: ${stoppedBy.freeze.reason})${rest}; reschedule it with a new pull request to publish it`, recorded: false });
    }
    // In force from the moment it is stored: `since` (another machine's clock) is never compared with now.
    const frozen = intervals.find((iv) => iv.until === Infinity && iv.matches(post));
    if (frozen) {
      const f = frozen.freeze;
      return held('frozen', `frozen (${freezeScope(f)}) since ${f.since} by ${f.by}: ${f.reason}; it is due, so it will be marked missed after the thaw (a person decides)`);
    }
    // A term listed during a crisis holds queued posts that were reviewed before it was listed.
    const listed = watchlist && post.parts.flatMap(partTexts).map((t) => watchlist.exec(t)?.[0]).find(Boolean);
    if (listed) {
      const w = config.watchlist.find((t) => t.term.toLowerCase() === listed.toLowerCase());
      return held('watchlist', `contains "${listed}", on the watch-list${w?.reason ? ` (${w.reason})` : ''}`, {
        action: 'Edit or reschedule the post in a pull request, or take the term off the watch-list when the crisis is over.',
      });
    }
    const quiet = quietAt(now);
    if (quiet) return held('quiet', `quiet period "${quiet.reason}" until ${iso(quiet.until)}`, { until: quiet.until });
    if (uncertain) {
      return held('read-back', `could not tell whether part ${uncertain.part + 1} already went out: ${uncertain.error ?? 'the read-back was not conclusive'}; nothing is resent`, {
        action: uncertain.action!,
      });
    }
    if (failed) {
      return held('failed', `part ${failed.part + 1} failed: ${failed.error ?? 'unknown error'}`, {
        action: `${failed.action ?? 'Fix the cause.'} Then run \`copydesk publish --retry ${post.id}\` (or reschedule the post).`,
      });
    }
    if (retry) return held('retry', `part ${retry.part + 1} will be retried after ${iso(retry.retryAt!)}: ${retry.error ?? 'temporary error'}`, { until: retry.retryAt! });
    if (inFlight) {
      return held('in-flight', `another run (${inFlight.runId}) started sending part ${inFlight.part + 1} at ${inFlight.at}; read back after ${iso(Date.parse(inFlight.at) + inFlightMs)} if it did not finish`, { until: Date.parse(inFlight.at) + inFlightMs });
    }
    if (input.credentials !== 'outbox' && !input.credentials.has(network)) {
      return held('no-credentials', input.credentialHelp?.[network] ?? `no credentials for ${network}: add the secret ${CREDENTIAL_SECRET[network]} to the publish environment`, {
        action: `Add the secret ${CREDENTIAL_SECRET[network]} to the \`publish\` environment (Settings → Environments → publish).`,
      });
    }
    return done({ kind: 'send' }, true);
  }

  function applyCapAndSpacing(network: Network, list: Candidate[]): void {
    // Threads already under way first (they finish before anything new starts), then oldest first.
    list.sort((a, b) => Number(b.started) - Number(a.started) || a.publishAt - b.publishAt || (a.d.postId < b.d.postId ? -1 : 1));
    const started = inRun.get(network) ?? new Set<string>();
    let slots = config.maxPerRun - started.size;
    // The two latest posts that went out on this network (from two different posts).
    let best: [string, number] | undefined;
    let second: [string, number] | undefined;
    for (const [pid, t] of sends.get(network) ?? []) {
      if (!best || t > best[1]) {
        second = best;
        best = [pid, t];
      } else if (!second || t > second[1]) second = [pid, t];
    }
    let plannedNow: string | undefined;
    for (const c of list) {
      const d = c.d;
      const inThisRun = started.has(d.postId);
      if (!inThisRun && slots <= 0) {
        Object.assign(d, { kind: 'held', hold: 'cap', reason: `at most ${config.maxPerRun} posts per run on ${network}; it goes out on a later run` });
        continue;
      }
      if (!c.started && !inThisRun && spacingMs > 0) {
        const prev = best && best[0] !== d.postId ? best : second;
        const lastAt = Math.max(prev?.[1] ?? -Infinity, plannedNow ? now : -Infinity);
        if (now < lastAt + spacingMs) {
          const what = plannedNow && lastAt === now ? `${plannedNow} goes out in this run` : `the last post went out at ${iso(lastAt)}`;
          Object.assign(d, { kind: 'held', hold: 'spacing', reason: `at least ${config.minSpacingMinutes} min between posts on ${network}: ${what}`, until: lastAt + spacingMs });
          continue;
        }
      }
      d.kind = 'send';
      if (!inThisRun) slots--;
      plannedNow ??= d.postId;
    }
  }
}
