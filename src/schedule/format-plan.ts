/** `copydesk plan` for people: per network, what goes out when, and what is held, missed or expired and why. */
import { PUBLISHABLE } from '../config/config.ts';
import type { Freeze } from '../freeze/freeze-state.ts';
import { fmtInZone, fmtRelative } from '../post/time.ts';
import type { Network } from '../post/network.ts';
import { freezeScope } from './freeze-match.ts';
import type { Decision, DecisionKind } from './plan.ts';

const SECTIONS: [DecisionKind, string][] = [
  ['send', 'Goes out on the next run'],
  ['held', 'Held'],
  ['wait', 'Scheduled'],
  ['missed', 'Missed (never sent late)'],
  ['expired', 'Expired (never sent)'],
  ['retracted', 'Retracted (taken back; never sent again)'],
];

export interface PlanView {
  decisions: Decision[];
  now: number;
  zone: string;
  /** One line per network saying where it publishes (network, outbox, or held for credentials). */
  networks: Partial<Record<Network, string>>;
  freezes: Freeze[];
  state: string;
}

export function formatPlanHuman(v: PlanView): string {
  const when = (t: number | undefined) => (t === undefined ? 'no time' : `${fmtInZone(t, v.zone)}, ${fmtRelative(t, v.now)}`);
  const parts = (d: Decision) => (d.partsTotal > 1 ? ` (${d.sent.length ? `parts ${d.send.map((p) => p + 1).join(', ')} of ${d.partsTotal} left` : `${d.partsTotal} parts`})` : '');
  const out: string[] = [`copydesk plan at ${fmtInZone(v.now, v.zone)}; state in ${v.state}`];
  for (const f of v.freezes) out.push(`FROZEN (${freezeScope(f)}) since ${fmtInZone(Date.parse(f.since), v.zone)} by ${f.by}: ${f.reason}`);
  for (const network of PUBLISHABLE) {
    const mine = v.decisions.filter((d) => d.network === network);
    const where = v.networks[network];
    if (!mine.length && !where) continue;
    out.push('', `${network}${where ? `: ${where}` : ''}`);
    if (!mine.length) out.push('  no posts');
    for (const [kind, title] of SECTIONS) {
      const list = mine.filter((d) => d.kind === kind);
      if (!list.length) continue;
      out.push(`  ${title}:`);
      for (const d of list) {
        const head = `    ${when(d.publishAt)} · ${d.postId} (${d.file})${parts(d)}`;
        if (kind === 'send') out.push(`${head}${d.readBack.length ? ' · read back first: an earlier attempt may have gone out' : ''}`);
        else if (kind === 'wait') out.push(`${head}${d.reason ? ` · ${d.reason}` : ''}`);
        else {
          const until = d.until !== undefined && kind === 'held' ? ` (not before ${fmtInZone(d.until, v.zone)}, ${fmtRelative(d.until, v.now)})` : '';
          const why = `${(d.reason ?? d.hold ?? kind).replace(/[.\s]+$/, '')}${until}`;
          out.push(`${head}`, `      ${d.action ? `${why}. Next step: ${d.action}` : why}`);
        }
      }
    }
    const sent = mine.filter((d) => d.kind === 'sent').length;
    if (sent) out.push(`  Already sent: ${sent}`);
  }
  return out.join('\n') + '\n';
}

export function planJson(v: PlanView): unknown {
  const isoOf = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    now: new Date(v.now).toISOString(),
    timezone: v.zone,
    state: v.state,
    networks: v.networks,
    freezes: v.freezes,
    decisions: v.decisions.map((d) => ({ ...d, publishAtIso: isoOf(d.publishAt), expiresIso: isoOf(d.expires), untilIso: isoOf(d.until) })),
  };
}
