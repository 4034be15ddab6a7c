/**
 * Plain-text report for people at a terminal: the files with findings, each finding with its fix,
 * accepted warnings with their reason, and a count. `verbose` (`copydesk check --verbose`) also
 * lists every file, which checks ran on it, which were skipped and why.
 */
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import { countBySeverity, type CheckReport } from '../report.ts';

export function formatHuman(report: CheckReport, banner: string[] = [], verbose = false): string {
  const lines: string[] = [...banner];
  if (banner.length) lines.push('');
  for (const n of report.notes) lines.push(`note: ${n}`);
  if (report.notes.length) lines.push('');
  for (const d of report.general) lines.push(...finding(d));
  if (report.general.length && report.files.length) lines.push('');
  for (const f of report.files) {
    if (!verbose && f.findings.length === 0 && f.accepted.length === 0) continue;
    lines.push(`${f.file}${f.changed ? '  (changed)' : ''}${f.findings.length === 0 ? '  ok' : ''}`);
    for (const d of f.findings) lines.push(...finding(d).map((l) => `  ${l}`));
    for (const a of f.accepted) {
      lines.push(`  accepted: ${a.finding.file}:${a.finding.line}:${a.finding.column}  ${a.finding.ruleId}  ${a.finding.message}`);
      lines.push(`      reason (line ${a.ignoreLine}): ${a.reason}`);
    }
    if (!verbose) continue;
    const ran = f.checks.filter((c) => c.ran);
    const skipped = f.checks.filter((c) => !c.ran);
    lines.push(`  ran: ${ran.map((c) => c.id).join(', ') || 'nothing'}`);
    if (skipped.length) lines.push(`  skipped: ${groupSkipped(skipped)}`);
    for (const c of ran.filter((c) => c.note)) lines.push(`  ${c.id}: ${c.note}`);
  }
  const c = countBySeverity(report);
  lines.push('', summaryLine(report.files.length, c));
  return lines.join('\n') + '\n';
}

function finding(d: Diagnostic): string[] {
  return [`${d.file}:${d.line}:${d.column}  ${d.severity}  ${d.ruleId}  ${d.message}`, ...(d.fix ? [`    fix: ${d.fix}`] : [])];
}

/** "retext-equality, retext-profanities (lang is "pl"…)": one reason listed once. */
function groupSkipped(list: { id: string; note?: string }[]): string {
  const byNote = new Map<string, string[]>();
  for (const c of list) byNote.set(c.note ?? 'skipped', [...(byNote.get(c.note ?? 'skipped') ?? []), c.id]);
  return [...byNote].map(([note, ids]) => `${ids.join(', ')} (${note})`).join('; ');
}

export function summaryLine(files: number, c: { errors: number; warnings: number; accepted: number }): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(files, 'file')} checked: ${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}${c.accepted ? `, ${c.accepted} accepted` : ''}`;
}
