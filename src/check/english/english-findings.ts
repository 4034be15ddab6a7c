/**
 * Runs the English pipeline on one file and turns its vfile messages into diagnostics:
 * retext-equality → warnings; retext-profanities → errors when the word is rated profane
 * (`profanitySeverity` 2), warnings when only "maybe" (1) or "in some cases" (0).
 * https://github.com/retextjs/retext-profanities#api (the `profanitySeverity` field).
 *
 * What is worth a warning (`settings`, alex-style): rule ids or words in `allow` are never
 * reported; profanities rated below `profanitySureness` are dropped; and words naming who people
 * are (Jewish, American, Black, Muslim, church…) are never called profane: the cuss list rates
 * them "profane in some cases" only because slurs are built on them, and a bakery's own "Jewish
 * rye" must not be told so. Religion stays covered, respectfully, by the sensitive-topic rule.
 */
import { VFile } from 'vfile';
import type { EnglishSettings } from '../../config/config.ts';
import { diag, type Diagnostic } from '../../diagnostic/diagnostic.ts';
import type { EnglishInput } from './english-input.ts';
import type { EnglishProcessor } from './processor.ts';

export { isEnglish, type EnglishInput } from './english-input.ts';

/** Identity words: never reported as profanity (see above). */
const IDENTITY = new Set([
  'american', 'americans', 'african', 'africans', 'asian', 'asians', 'black', 'blacks', 'white', 'whites', 'brown',
  'chinese', 'mexican', 'mexicans', 'japanese', 'indian', 'indians', 'arab', 'arabs', 'irish', 'polish', 'jewish',
  'christian', 'christians', 'muslim', 'muslims', 'catholic', 'catholics', 'hindu', 'hindus', 'buddhist', 'church',
  'churches', 'gay', 'gays', 'lesbian', 'lesbians', 'queer', 'trans', 'transgender', 'latino', 'latina', 'hispanic',
]);

/** Default settings: nothing allowed, every rating reported (the published plugins' behaviour). */
const ALL: EnglishSettings = { allow: [], profanitySureness: 0 };

export async function englishFindings(processor: EnglishProcessor, input: EnglishInput, settings: EnglishSettings = ALL): Promise<Diagnostic[]> {
  const allow = new Set(settings.allow.map((a) => a.toLowerCase()));
  const file = new VFile({ value: input.source, path: input.file });
  const tree = processor.parse(file);
  await processor.run(tree, file);
  const out: Diagnostic[] = [];
  for (const m of file.messages) {
    const line = m.line ?? 1;
    if (line < input.bodyLine) continue;
    const at = { line, column: m.column ?? 1 };
    const ruleId = m.ruleId ?? 'english';
    const word = String(m.actual ?? '').toLowerCase();
    if (allow.has(ruleId.toLowerCase()) || allow.has(word)) continue;
    const ignoreHint = `<!-- copydesk-ignore ${ruleId}: why it is fine here -->`;
    if (m.source === 'retext-profanities') {
      const severity = (m as unknown as { profanitySeverity?: number }).profanitySeverity ?? 0;
      if (severity < settings.profanitySureness || (severity < 2 && IDENTITY.has(word.replace(/[’']s$/, '')))) continue;
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
