/** Machine-readable report: one JSON array of findings on stdout, nothing else. */
import { allFindings, type CheckReport } from '../report.ts';

/** One finding per line: readable in a log, and cheap for thousands of findings. */
export function formatJson(report: CheckReport): string {
  const items = allFindings(report).map((d) => JSON.stringify({
    file: d.file, line: d.line, column: d.column, severity: d.severity, ruleId: d.ruleId, source: d.source, message: d.message,
    ...(d.fix ? { fix: d.fix } : {}),
  }));
  return items.length ? `[\n${items.join(',\n')}\n]\n` : '[]\n';
}
