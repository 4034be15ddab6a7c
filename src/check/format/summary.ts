/**
 * The Markdown job summary (`$GITHUB_STEP_SUMMARY`): counts, every finding with its fix, accepted
 * warnings with their reasons, skipped checks, then the preview of the changed posts.
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 */
import { allFindings, countBySeverity, type CheckReport } from '../report.ts';
import { code, text } from '../markdown.ts';
import { summaryLine } from './human.ts';

export function jobSummary(report: CheckReport, banner: readonly string[], preview: string): string {
  const out: string[] = ['# copydesk check', ''];
  for (const b of banner) out.push(`> [!WARNING]`, `> ${text(b)}`, '');
  for (const n of report.notes) out.push(`_${text(n)}_`, '');
  const c = countBySeverity(report);
  out.push(`**${text(summaryLine(report.files.length, c))}**`, '');
  const findings = allFindings(report);
  if (findings.length) {
    out.push('| | Where | Rule | Message | Fix |', '|---|---|---|---|---|');
    for (const d of findings) out.push(`| ${d.severity === 'error' ? '❌' : '⚠️'} | ${code(`${d.file}:${d.line}:${d.column}`)} | ${code(d.ruleId)} | ${text(d.message)} | ${text(d.fix ?? '')} |`);
    out.push('');
  }
  const accepted = report.files.flatMap((f) => f.accepted);
  if (accepted.length) {
    out.push('### Accepted warnings', '');
    for (const a of accepted) out.push(`- ${code(`${a.finding.file}:${a.finding.line}`)} ${code(a.finding.ruleId)} ${text(a.finding.message)}: accepted: ${text(a.reason)}`);
    out.push('');
  }
  const skipped = report.files.flatMap((f) => f.checks.filter((k) => !k.ran).map((k) => ({ file: f.file, ...k })));
  if (skipped.length) {
    out.push('<details><summary>Skipped checks</summary>', '');
    for (const s of skipped) out.push(`- ${code(s.file)}: ${code(s.id)}: ${text(s.note ?? '')}`);
    out.push('', '</details>', '');
  }
  out.push(preview);
  return out.join('\n').trimEnd() + '\n';
}
