/** The publisher report for people: terminal text, the Actions job summary and the failures issue. */
import { fmtInZone } from '../post/time.ts';
import type { PublishReport, ReportCategory, ReportedDecision } from './publisher.ts';

const TITLES: [ReportCategory, string][] = [
  ['sent', 'Sent'],
  ['failed', 'Failed (a person must act)'],
  ['held', 'Held'],
  ['missed', 'Missed (never sent late)'],
  ['expired', 'Expired (never sent)'],
  ['alreadySent', 'Already sent'],
];

/** "reason. Next step: action" without doubling the full stop. */
export function withNextStep(reason: string, action?: string): string {
  if (!action) return reason;
  return `${reason.replace(/[.\s]+$/, '')}. Next step: ${action}`;
}

const parts = (list: number[], total: number) => (total <= 1 ? '' : ` part${list.length > 1 ? 's' : ''} ${list.map((p) => p + 1).join(', ')} of ${total}`);

function line(d: ReportedDecision, zone: string): string {
  const when = d.publishAt !== undefined ? ` (due ${fmtInZone(d.publishAt, zone)})` : '';
  switch (d.category) {
    case 'sent':
      return `${d.postId} → ${d.network}${parts(d.sentThisRun, d.partsTotal)}${when}`;
    case 'failed':
    case 'held':
      return `${d.postId} (${d.network})${when}: ${withNextStep(d.reason ?? d.hold ?? '', d.action)}`;
    default:
      return `${d.postId} (${d.network})${when}${d.reason ? `: ${d.reason}` : ''}`;
  }
}

export function countsLine(r: PublishReport): string {
  const verb = r.dryRun ? 'would send' : 'sent';
  return `${r.sent} ${verb}, ${r.alreadySent} already sent, ${r.missed} missed, ${r.expired} expired, ${r.held} held, ${r.failed} failed, ${r.waiting} not due yet`;
}

export function formatReportText(r: PublishReport, zone: string): string {
  const out: string[] = [''];
  out.push(`${r.dryRun ? 'Dry run (nothing sent or recorded)' : 'Run'} ${r.runId}: ${countsLine(r)}`);
  if (!r.completed) out.push(`The run stopped early: ${r.error}`);
  for (const [cat, title] of TITLES) {
    const list = r.decisions.filter((d) => d.category === cat);
    if (!list.length || cat === 'alreadySent') continue;
    // Old misses are listed by `copydesk plan`; here only what this run decided.
    const shown = cat === 'missed' || cat === 'expired' ? list.filter((d) => d.recordedNow || r.dryRun) : list;
    if (!shown.length) continue;
    out.push(`${r.dryRun && cat === 'sent' ? 'Would send' : title}:`);
    for (const d of shown) out.push(`  ${line(d, zone)}`);
  }
  return out.join('\n') + '\n';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function formatSummaryMarkdown(r: PublishReport, zone: string, notes: string[]): string {
  const out: string[] = [];
  out.push(`## copydesk publish${r.dryRun ? ' (dry run)' : ''}`, '');
  out.push(`Run \`${r.runId}\`: **${countsLine(r)}**.`, '');
  if (!r.completed) out.push(`> [!CAUTION]`, `> The run stopped early: ${cell(r.error ?? '')}`, '');
  for (const n of notes) out.push(`- ${n}`);
  if (notes.length) out.push('');
  const rows = r.decisions.filter((d) => d.category !== 'waiting' && d.category !== 'alreadySent' && !((d.category === 'missed' || d.category === 'expired') && !d.recordedNow && !r.dryRun));
  if (rows.length) {
    out.push('| Outcome | Post | Network | Due | Details |', '| --- | --- | --- | --- | --- |');
    for (const d of rows) {
      const outcome = d.category === 'sent' ? (r.dryRun ? 'would send' : 'sent') : d.category;
      const details = d.category === 'sent' ? (d.refs[d.sentThisRun.at(-1) ?? -1]?.url ?? '') : withNextStep(d.reason ?? '', d.action);
      out.push(`| ${outcome} | \`${cell(d.postId)}\` (${cell(d.file)}) | ${d.network} | ${d.publishAt !== undefined ? fmtInZone(d.publishAt, zone) : ''} | ${cell(details)} |`);
    }
    out.push('');
  }
  out.push(`Already sent: ${r.alreadySent}. Not due yet: ${r.waiting}. Run \`copydesk plan\` for the full schedule.`, '');
  return out.join('\n');
}

/** Decisions a person must act on: failures, unapproved posts, missing credentials, edits after sending. */
export function needsAttention(r: PublishReport): ReportedDecision[] {
  return r.decisions.filter((d) => d.category === 'failed' || (d.category === 'held' && (d.hold === 'unapproved' || d.hold === 'no-credentials' || d.hold === 'read-back' || d.hold === 'changed')));
}

export function failuresIssueBody(r: PublishReport, zone: string, runUrl?: string): string {
  const out = [
    'The scheduled publisher could not publish these posts. Each row says what went wrong and what to do; this issue is updated on every run and closed automatically once all is well.',
    '',
    '| Post | Network | Due | Error | Next step |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const d of needsAttention(r)) {
    out.push(`| \`${cell(d.postId)}\` (${cell(d.file)}) | ${d.network} | ${d.publishAt !== undefined ? fmtInZone(d.publishAt, zone) : ''} | ${cell(d.reason ?? d.hold ?? '')} | ${cell(d.action ?? 'See the reason.')} |`);
  }
  out.push('', `Last run: ${runUrl ? `[${r.runId}](${runUrl})` : `\`${r.runId}\``} at ${r.finishedAt}.`, '', 'After fixing a failed post, run `copydesk publish --retry <post id>` (or the publish workflow) so it is tried again; a failure is never retried on its own.');
  return out.join('\n');
}
