/**
 * `copydesk status` as text: frozen or not (reason, who, since), the last successful publisher run
 * and how long ago, open failures from the ledger, and the next quiet period. Pure.
 */
import type { QuietPeriod } from '../config/config.ts';
import { fmtInZone, fmtRelative } from '../post/time.ts';
import { latestByPart, type LedgerEvent } from '../schedule/ledger.ts';
import { describeFreeze } from '../freeze/freeze-report.ts';
import type { Freeze, FreezeLogEvent } from '../freeze/freeze-state.ts';
import { quietPeriodAt } from './quiet-period.ts';
import { describeRetraction, networkRetraction, retractionComplete, retractionCovering, type NetworkRetraction } from '../schedule/retraction.ts';
import type { Network } from '../post/network.ts';

/** Every (post, network) retracted in the ledger, newest retraction first; `complete` when nothing is left up. */
export function openRetractions(ledger: LedgerEvent[]): (NetworkRetraction & { complete: boolean })[] {
  const byPost = new Map<string, LedgerEvent[]>();
  for (const e of ledger) byPost.set(e.postId, [...(byPost.get(e.postId) ?? []), e]);
  const out: (NetworkRetraction & { complete: boolean })[] = [];
  for (const evs of byPost.values()) {
    for (const n of new Set(evs.map((e) => e.network as Network))) {
      const r = networkRetraction(evs, n);
      if (r) out.push({ ...r, complete: retractionComplete(r) });
    }
  }
  return out.sort((a, b) => b.retract.at.localeCompare(a.retract.at) || a.postId.localeCompare(b.postId));
}
import { describeCounts, type RunRecordResult } from './run-record.ts';

/** An `intent` older than this with nothing after it is an interrupted send, not one in progress. */
import type { CredentialExpiry } from '../config/credential-lifetime.ts';
import { describeExpiry } from '../config/credential-lifetime.ts';

export const STALE_INTENT_MS = 30 * 60_000;

/** Everything `status` reports. */
export interface StatusInput {
  /** The clock (epoch ms). */
  now: number;
  /** Team time zone for display. */
  zone: string;
  /** Active freezes. */
  freezes: Freeze[];
  /** The freeze log (for "last thawed"). */
  freezeLog: FreezeLogEvent[];
  /** `runs/last-success.json`. */
  lastSuccess: RunRecordResult;
  /** `runs/last-run.json`. */
  lastRun: RunRecordResult;
  /** The whole ledger. */
  ledger: LedgerEvent[];
  /** Config quiet periods. */
  quietPeriods: QuietPeriod[];
  /** The credentials register's expiries (src/config/credential-lifetime.ts); those that never expire are not shown. */
  credentialExpiries?: CredentialExpiry[];
  /** Where the state lives. */
  storeDescription: string;
  /** Web address of a run, when known. */
  runLink?: (runId: string) => string | undefined;
}

/**
 * Ledger parts whose latest event is a failure, an unknown outcome or an interrupted send. A post
 * retracted on that network is left out: it is never sent again, so its send failures are moot
 * (what is left of the retraction is in {@link openRetractions}).
 */
export function openFailures(ledger: LedgerEvent[], now: number): LedgerEvent[] {
  const retracted = new Set<string>();
  const byPost = new Map<string, LedgerEvent[]>();
  for (const e of ledger) byPost.set(e.postId, [...(byPost.get(e.postId) ?? []), e]);
  for (const [id, evs] of byPost) for (const n of new Set(evs.map((e) => e.network))) if (retractionCovering(evs, n)) retracted.add(`${id}\u0000${n}`);
  return [...latestByPart(ledger).values()]
    .filter((e) => !retracted.has(`${e.postId}\u0000${e.network}`))
    .filter((e) => e.state === 'failed' || e.state === 'unknown' || (e.state === 'intent' && now - Date.parse(e.at) > STALE_INTENT_MS))
    .sort((a, b) => a.at.localeCompare(b.at));
}

export function statusText(s: StatusInput): string {
  const when = (t: number) => `${fmtInZone(t, s.zone)} (${fmtRelative(t, s.now)})`;
  const lines: string[] = [];

  if (s.freezes.length) {
    lines.push(`Freeze:     FROZEN (${s.freezes.length} active)`);
    for (const f of s.freezes) lines.push(`  - ${describeFreeze(f, s.zone, s.now)}`);
  } else {
    const lastThaw = [...s.freezeLog].reverse().find((e) => e.action === 'thaw');
    lines.push(`Freeze:     not frozen${lastThaw ? ` (last thaw ${when(Date.parse(lastThaw.at))} by ${lastThaw.by ?? 'unknown'}: ${lastThaw.freeze.id})` : ''}`);
  }

  const run = (label: string, r: RunRecordResult) => {
    if (r.status === 'missing') return `${label}none recorded yet`;
    if (r.status === 'unreadable') return `${label}cannot be read: ${r.error}`;
    const link = s.runLink?.(r.record.runId);
    return `${label}${when(r.at)}, run ${r.record.runId}${link ? ` ${link}` : ''}: ${describeCounts(r.record.counts)}`;
  };
  lines.push(run('Publisher:  last successful run: ', s.lastSuccess));
  if (s.lastRun.status === 'ok' && (s.lastSuccess.status !== 'ok' || s.lastRun.record.runId !== s.lastSuccess.record.runId)) {
    lines.push(run('            last run (did not complete): ', s.lastRun));
  }

  const failures = openFailures(s.ledger, s.now);
  lines.push(`Failures:   ${failures.length ? `${failures.length} open` : 'none open'}`);
  for (const e of failures) {
    const what = e.state === 'failed' ? `failed: ${e.error ?? 'no detail'}${e.action ? `. Do: ${e.action}` : ''}` : e.state === 'unknown' ? `outcome unknown: ${e.error ?? 'no detail'} (the publisher reads it back before any resend)` : 'send interrupted (outcome unknown; read back on the next run)';
    lines.push(`  - ${e.postId} on ${e.network}, part ${e.part + 1}, ${when(Date.parse(e.at))}: ${what}`);
  }

  const retractions = openRetractions(s.ledger);
  if (retractions.length) {
    const left = retractions.filter((r) => !r.complete).length;
    lines.push(`Retracted:  ${retractions.length} post/network${retractions.length === 1 ? '' : 's'}${left ? `, ${left} with parts not confirmed removed (run \`copydesk retract <id>\` again)` : ''}`);
    // What is left to do always; finished ones only the latest few (the timeline has them all).
    const shown = [...retractions.filter((r) => !r.complete), ...retractions.filter((r) => r.complete).slice(0, 5)];
    for (const r of shown) lines.push(`  - ${r.postId} on ${r.network}: ${describeRetraction(r)}`);
    if (shown.length < retractions.length) lines.push(`  (and ${retractions.length - shown.length} earlier, all removed: \`copydesk timeline\` lists them)`);
  }

  const q = quietPeriodAt(s.quietPeriods, s.now);
  if (q.status === 'in') lines.push(`Quiet:      IN a quiet period now: ${q.period.reason}, until ${when(q.period.until)}`);
  else if (q.status === 'next') lines.push(`Quiet:      next quiet period: ${q.period.reason}, ${fmtInZone(q.period.from, s.zone)} to ${fmtInZone(q.period.until, s.zone)} (${fmtRelative(q.period.from, s.now)})`);
  else lines.push('Quiet:      no quiet period planned');

  const expiring = (s.credentialExpiries ?? []).filter((x) => x.state !== 'never');
  if (expiring.length) {
    lines.push('Tokens:     upcoming expiries (credentials register)');
    for (const x of expiring) {
      const urgent = x.state === 'expired' || x.state === 'soon' || x.state === 'unknown';
      lines.push(`  - ${x.entry.secret} (${x.entry.account}, ${x.entry.network}): ${describeExpiry(x)}${urgent ? '; renew it now (owner ' + x.entry.owner + (x.entry.backup ? `, backup ${x.entry.backup}` : '') + ')' : ''}`);
    }
  }
  lines.push(`State:      ${s.storeDescription}`);
  return `${lines.join('\n')}\n`;
}
