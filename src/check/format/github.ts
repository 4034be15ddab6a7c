/**
 * GitHub Actions output: one workflow command per finding, so it shows on the pull request's
 * changed lines, then a plain count line. Escaping follows @actions/core (toolkit
 * packages/core/src/command.ts): data escapes `%`, CR, LF; properties also `:` and `,`.
 * https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands#setting-an-error-message
 */
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import { allFindings, countBySeverity, type CheckReport } from '../report.ts';
import { summaryLine } from './human.ts';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function annotation(d: Diagnostic): string {
  const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`, `title=${escapeProperty(`copydesk ${d.ruleId}`)}`].join(',');
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${props}::${escapeData(d.fix ? `${d.message}\nFix: ${d.fix}` : d.message)}`;
}

export function formatGithub(report: CheckReport, banner: string[] = []): string {
  const lines = banner.map((b) => `::notice title=${escapeProperty('copydesk')}::${escapeData(b)}`);
  for (const d of allFindings(report)) lines.push(annotation(d));
  lines.push(summaryLine(report.files.length, countBySeverity(report)));
  return lines.join('\n') + '\n';
}
