/**
 * Runs the English pipeline on one file and turns its vfile messages into diagnostics:
 * retext-equality → warnings; retext-profanities → errors when the word is rated profane
 * (`profanitySeverity` 2), warnings when only "maybe" (1) or "in some cases" (0).
 * https://github.com/retextjs/retext-profanities#api (the `profanitySeverity` field).
 */
import { VFile } from 'vfile';
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import type { EnglishInput } from './english-input.ts';
import type { EnglishProcessor } from './processor.ts';

export { isEnglish, type EnglishInput } from './english-input.ts';

export async function englishFindings(processor: EnglishProcessor, input: EnglishInput): Promise<Diagnostic[]> {
  const file = new VFile({ value: input.source, path: input.file });
  const tree = processor.parse(file);
  await processor.run(tree, file);
  const out: Diagnostic[] = [];
  for (const m of file.messages) {
    const line = m.line ?? 1;
    if (line < input.bodyLine) continue;
    const at = { line, column: m.column ?? 1 };
    const ruleId = m.ruleId ?? 'english';
    const ignoreHint = `<!-- copydesk-ignore ${ruleId}: why it is fine here -->`;
    if (m.source === 'retext-profanities') {
      const severity = (m as unknown as { profanitySeverity?: number }).profanitySeverity ?? 0;
      out.push(severity >= 2
        ? diag(input.file, at, 'error', ruleId, m.reason, 'Remove or replace the word; a profanity is an error and cannot be accepted with copydesk-ignore.', 'retext-profanities')
        : diag(input.file, at, 'warning', ruleId, m.reason, `Reword it, or if the meaning is innocent here accept it with ${ignoreHint}.`, 'retext-profanities'));
    } else if (m.source === 'retext-equality') {
      const expected = Array.isArray(m.expected) && m.expected.length ? `Use ${m.expected.slice(0, 4).map((e) => `\`${e}\``).join(', ')} instead, or accept it with ${ignoreHint}.` : `Reword it, or accept it with ${ignoreHint}.`;
      out.push(diag(input.file, at, 'warning', ruleId, m.reason, expected, 'retext-equality'));
    }
  }
  return out;
}
