/**
 * Parser and config problems made easier to act on, one message per mistake:
 * - the YAML library can report several errors for one broken line: keep the first per line;
 * - a misspelt field (`publsh_at`) is reported as unknown *and* its real name as missing: keep
 *   the unknown-field one, whose fix names the field to rename it to.
 */
import type { Diagnostic } from '../diagnostic/diagnostic.ts';

export function tidyProblems(list: readonly Diagnostic[]): Diagnostic[] {
  const yamlLines = new Set<string>();
  const renames = new Set<string>();
  for (const d of list) {
    const m = d.ruleId === 'unknown-field' || d.ruleId === 'config' ? /Did you mean `([\w.-]+)`/.exec(d.fix ?? '') : null;
    if (m) renames.add(`${d.file}\0${m[1]!.split('.').pop()}`);
  }
  return list.filter((d) => {
    if (d.source === 'yaml') {
      const key = `${d.file}\0${d.line}`;
      if (yamlLines.has(key)) return false;
      yamlLines.add(key);
    }
    const missing = /^`([\w.-]+)` is missing$/.exec(d.message);
    return !(missing && renames.has(`${d.file}\0${missing[1]}`));
  });
}
