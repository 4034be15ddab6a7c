/**
 * What the ledger says about taking a post back (`copydesk retract`). Pure readers of the
 * retraction events (src/schedule/ledger.ts): the plan, the status, the site, the timeline, the
 * thaw summary and the retraction itself all decide through these, so they never disagree.
 *
 * - `retract` (post-level) is the decision: from the moment it is stored nothing of the post is
 *   sent on that network again (every network, also ones added later, when `allNetworks`).
 * - per sent part: `retract-intent` → `retracted` | `retract-failed`. `retracted` is terminal.
 */
import type { Network } from '../post/network.ts';
import type { LedgerEvent } from './ledger.ts';

/** The parts' publishing states a retraction must look at. */
const PUBLISH_PART_STATES = new Set(['intent', 'unknown', 'sent', 'failed']);

/** The first `retract` event of the post's events that covers `network`, if any. */
export function retractionCovering(events: readonly LedgerEvent[], network: Network): LedgerEvent | undefined {
  return events.find((e) => e.state === 'retract' && (e.allNetworks === true || e.network === network));
}

/** Every `retract` event of the post (one per network in scope, per retraction). */
export function retractEvents(events: readonly LedgerEvent[]): LedgerEvent[] {
  return events.filter((e) => e.state === 'retract');
}

/** The latest removal event (`retract-intent`/`retracted`/`retract-failed`) of one part; `retracted` is never overridden. */
export function lastRemovalEvent(events: readonly LedgerEvent[], network: Network, part: number): LedgerEvent | undefined {
  let last: LedgerEvent | undefined;
  for (const e of events) {
    if (e.network !== network || e.part !== part) continue;
    if (e.state !== 'retract-intent' && e.state !== 'retracted' && e.state !== 'retract-failed') continue;
    if (last?.state === 'retracted') continue;
    last = e;
  }
  return last;
}

/** The latest publishing event of one part (a `sent` is never overridden). */
export function lastPublishEvent(events: readonly LedgerEvent[], network: Network, part: number): LedgerEvent | undefined {
  let last: LedgerEvent | undefined;
  for (const e of events) {
    if (e.network !== network || e.part !== part || !PUBLISH_PART_STATES.has(e.state)) continue;
    if (last?.state === 'sent') continue;
    last = e;
  }
  return last;
}

/** Where one part of a retracted post stands. */
export interface PartRetraction {
  /** 0-based part. */
  part: number;
  /**
   * `removed`: gone from the network (confirmed). `up`: sent and not (yet) removed. `failed`: the
   * last deletion failed. `deleting`: a deletion started and its result is not recorded.
   * `may-be-up`: a send may have reached the network (intent/unknown without a result): read back.
   */
  state: 'removed' | 'up' | 'failed' | 'deleting' | 'may-be-up';
  /** The event that decided it (the `sent`, or the last removal event). */
  event: LedgerEvent;
}

/** A (post, network) under retraction: who, why, when, and each part that ever (maybe) went out. */
export interface NetworkRetraction {
  /** The post's id. */
  postId: string;
  /** The network. */
  network: Network;
  /** The `retract` event (who: `by`, why: `reason`, when: `at`). */
  retract: LedgerEvent;
  /** Parts that went out or may have, in order. */
  parts: PartRetraction[];
}

/**
 * The retraction of one post on one network from its events (append order), or undefined when the
 * post is not retracted there. Parts never sent are not listed: nothing to take down.
 */
export function networkRetraction(events: readonly LedgerEvent[], network: Network): NetworkRetraction | undefined {
  const retract = retractionCovering(events, network);
  if (!retract) return undefined;
  const partNums = [...new Set(events.filter((e) => e.network === network && Number.isInteger(e.part) && e.part >= 0 && (PUBLISH_PART_STATES.has(e.state) || e.state === 'retracted')).map((e) => e.part))].sort((a, b) => a - b);
  const parts: PartRetraction[] = [];
  for (const part of partNums) {
    const pub = lastPublishEvent(events, network, part);
    const rem = lastRemovalEvent(events, network, part);
    if (rem?.state === 'retracted') parts.push({ part, state: 'removed', event: rem });
    else if (pub?.state === 'sent') parts.push({ part, state: rem?.state === 'retract-failed' ? 'failed' : rem?.state === 'retract-intent' ? 'deleting' : 'up', event: rem ?? pub });
    else if (pub && (pub.state === 'intent' || pub.state === 'unknown')) parts.push({ part, state: 'may-be-up', event: pub });
  }
  return { postId: retract.postId, network, retract, parts };
}

/** True when every part that went out is confirmed removed (nothing left to do). */
export function retractionComplete(r: NetworkRetraction): boolean {
  return r.parts.every((p) => p.state === 'removed');
}

/** One line for people: "retracted 2027-01-14T09:30Z by ana: wrong date". */
export function describeRetraction(r: NetworkRetraction): string {
  const removed = r.parts.filter((p) => p.state === 'removed').length;
  const left = r.parts.filter((p) => p.state !== 'removed');
  const what = left.length
    ? `; ${left.map((p) => `part ${p.part + 1} ${p.state === 'failed' ? `not removed (${p.event.error ?? 'failed'})` : p.state === 'deleting' ? 'being deleted (result not recorded)' : p.state === 'may-be-up' ? 'may be on the network (a send had no recorded result)' : 'still on the network'}`).join(', ')}`
    : removed
      ? `; ${removed === 1 ? 'its part was' : `all ${removed} parts were`} removed`
      : '; nothing of it had gone out';
  return `retracted ${r.retract.at.replace(/:\d\d(\.\d{3})?Z$/, 'Z')} by ${r.retract.by ?? 'unknown'}: ${r.retract.reason ?? 'no reason given'}${what}`;
}
