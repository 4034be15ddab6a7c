/**
 * One shape for every finding copydesk reports, from a YAML typo to a profanity: the check's
 * output, the JSON format and GitHub annotations all read this.
 */
export interface Diagnostic {
  /** Repository-relative path with forward slashes, e.g. `posts/2027/launch.md`. */
  file: string;
  /** 1-based line in the file (1 when the whole file is concerned). */
  line: number;
  /** 1-based column. */
  column: number;
  /** `error` blocks the merge (exit code 1); `warning` asks a person to look. */
  severity: 'error' | 'warning';
  /** Stable rule id, e.g. `length`, `publish-at`, `profanity`; used to accept a warning. */
  ruleId: string;
  /** Who raised it: `copydesk`, `retext-equality`, `retext-profanities`, `yaml`. */
  source: string;
  /** What is wrong, in a sentence that names the field or word. */
  message: string;
  /** How to fix it. */
  fix?: string;
}

export function diag(
  file: string,
  at: { line: number; column?: number },
  severity: Diagnostic['severity'],
  ruleId: string,
  message: string,
  fix?: string,
  source = 'copydesk',
): Diagnostic {
  return { file, line: at.line, column: at.column ?? 1, severity, ruleId, source, message, ...(fix ? { fix } : {}) };
}

/** Sort by file, then position, so reports are stable across runs and machines. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}
