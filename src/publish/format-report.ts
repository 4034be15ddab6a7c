/** The publisher report for people: terminal text, the Actions job summary and the failures issue. */
import { code, fence, text as inertText } from '../check/markdown.ts';
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
      return `${d.postId} → ${d.network}${parts(d.sentThisRun, d.partsTotal)}${when}${d.notes?.length ? ` (${d.notes.join('; ')})` : ''}`;
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
  // A refused token is one line for its network, not one per post (the posts wait for the renewal).
  for (const line of credentialLines(r)) out.push(line);
  for (const [cat, title] of TITLES) {
    const list = r.decisions.filter((d) => d.category === cat && d.hold !== 'credential');
    if (!list.length || cat === 'alreadySent') continue;
    // Old misses are listed by `copydesk plan`; here only what this run decided.
    const shown = cat === 'missed' || cat === 'expired' ? list.filter((d) => d.recordedNow || r.dryRun) : list;
    if (!shown.length) continue;
    out.push(`${r.dryRun && cat === 'sent' ? 'Would send' : title}:`);
    for (const d of shown) out.push(`  ${line(d, zone)}`);
  }
  return out.join('\n') + '\n';
}

/** One line per network whose token was refused in the run: "RENEW THE TOKEN for threads: …". */
export function credentialLines(r: PublishReport): string[] {
  return (r.credentialProblems ?? []).map((c) => {
    const posts = [c.postId, ...c.notTried.filter((p) => p !== c.postId)];
    return `RENEW THE TOKEN for ${c.network}: ${c.error.replace(/[.\s]+$/, '')}. ${posts.length} post${posts.length > 1 ? 's' : ''} wait${posts.length > 1 ? '' : 's'} for it (${posts.join(', ')}) and go${posts.length > 1 ? '' : 'es'} out on the first run after the renewal. Next step: ${c.action}`;
  });
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Longest error text shown in an issue or summary (a hostile server can answer megabytes). */
export const MAX_ERROR_CHARS = 2000;

/**
 * A network's error text made plain: control characters (terminal escapes, bells, NULs) removed,
 * line breaks kept, cut to `max` characters. Rendering it inert is the caller's job ({@link inertBlock}).
 */
export function plainErrorText(raw: string, max = MAX_ERROR_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/\r\n?/g, '\n').replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > max ? `${clean.slice(0, max)}… (cut at ${max} characters)` : clean;
}

/**
 * Text a server wrote, shown so that GitHub renders none of it: a fenced code block whose fence is
 * longer than any backtick run inside (no links, images, @mentions or HTML can escape it).
 */
export function inertBlock(raw: string, max = MAX_ERROR_CHARS): string {
  return fence(plainErrorText(raw, max));
}

/** The same for a table cell: an inline code span, one line, pipes escaped. */
export function inertInline(raw: string, max = 500): string {
  const one = plainErrorText(raw, max).replace(/\s+/g, ' ').trim();
  return one ? code(one) : '';
}

export function formatSummaryMarkdown(r: PublishReport, zone: string, notes: string[]): string {
  const out: string[] = [];
  out.push(`## copydesk publish${r.dryRun ? ' (dry run)' : ''}`, '');
  out.push(`Run \`${r.runId}\`: **${countsLine(r)}**.`, '');
  if (!r.completed) out.push(`> [!CAUTION]`, `> The run stopped early: ${cell(r.error ?? '')}`, '');
  for (const n of notes) out.push(`- ${n}`);
  if (notes.length) out.push('');
  for (const c of r.credentialProblems ?? []) out.push(`> [!WARNING]`, `> **Renew the token for ${c.network}**: ${inertInline(c.error)}. Posts waiting: ${[c.postId, ...c.notTried].map((p) => code(p)).join(', ')}. Next step: ${inertText(c.action)}`, '');
  const rows = r.decisions.filter((d) => d.hold !== 'credential' && d.category !== 'waiting' && d.category !== 'alreadySent' && d.category !== 'retracted' && !((d.category === 'missed' || d.category === 'expired') && !d.recordedNow && !r.dryRun));
  if (rows.length) {
    out.push('| Outcome | Post | Network | Due | Details |', '| --- | --- | --- | --- | --- |');
    for (const d of rows) {
      const outcome = d.category === 'sent' ? (r.dryRun ? 'would send' : 'sent') : d.category;
      // The reason can quote a server's error: shown as a code span, never as Markdown.
      const details = d.category === 'sent' ? [cell(d.refs[d.sentThisRun.at(-1) ?? -1]?.url ?? ''), ...(d.notes ?? []).map((n) => inertInline(n))].filter(Boolean).join(' ') : [inertInline(d.reason ?? ''), d.action ? `Next step: ${inertText(d.action)}` : ''].filter(Boolean).join(' ');
      out.push(`| ${outcome} | \`${cell(d.postId)}\` (${cell(d.file)}) | ${d.network} | ${d.publishAt !== undefined ? fmtInZone(d.publishAt, zone) : ''} | ${details} |`);
    }
    out.push('');
  }
  out.push(`Already sent: ${r.alreadySent}. Not due yet: ${r.waiting}. Run \`copydesk plan\` for the full schedule.`, '');
  return out.join('\n');
}

/** Decisions a person must act on: failures, unapproved posts, refused media, missing credentials, edits after sending. */
export function needsAttention(r: PublishReport): ReportedDecision[] {
  return r.decisions.filter((d) => d.category === 'failed' || (d.category === 'held' && (d.hold === 'unapproved' || d.hold === 'media' || d.hold === 'no-credentials' || d.hold === 'read-back' || d.hold === 'changed')));
}

export function failuresIssueBody(r: PublishReport, zone: string, runUrl?: string): string {
  const list = needsAttention(r);
  const out = [
    'The scheduled publisher could not publish these posts. Each one says what went wrong and what to do; this issue is updated on every run and closed automatically once all is well.',
    '',
    '| Post | Network | Due | Next step |',
    '| --- | --- | --- | --- |',
  ];
  for (const c of r.credentialProblems ?? []) {
    const posts = [c.postId, ...c.notTried.filter((p) => p !== c.postId)];
    out.push(`| ${posts.map((p) => code(p)).join(', ')} | ${c.network} | | **Renew the token for ${c.network}** (one entry for the network: its posts go out on the first run after the renewal). ${inertText(c.action)} |`);
  }
  for (const d of list) {
    out.push(`| ${code(d.postId)} (${cell(d.file)}) | ${d.network} | ${d.publishAt !== undefined ? fmtInZone(d.publishAt, zone) : ''} | ${inertText(d.action ?? 'See the error below.')} |`);
  }
  for (const c of r.credentialProblems ?? []) out.push('', `**${c.network}**: what the network answered (shown as plain text):`, '', inertBlock(c.error));
  // Errors can quote what a network's server answered: a hostile server must not be able to put
  // links, images, @mentions or HTML into this issue, so each is shown as plain text in a fence.
  for (const d of list) out.push('', `**${code(d.postId)} on ${d.network}**: what went wrong (as reported, shown as plain text):`, '', inertBlock(d.reason ?? d.hold ?? ''));
  out.push('', `Last run: ${runUrl ? `[${r.runId}](${runUrl})` : `\`${r.runId}\``} at ${r.finishedAt}.`, '', 'After fixing a failed post, run `copydesk publish --retry <post id>` (or the publish workflow) so it is tried again; a failure is never retried on its own.');
  return out.join('\n');
}
