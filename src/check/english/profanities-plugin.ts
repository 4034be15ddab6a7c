/**
 * retext-profanities 8.0 (English), with the phrase index of ./phrase-search.ts built once per
 * processor. Same word list (`cuss`, with singulars and plurals from `pluralize`, as the package
 * builds it), same messages and `profanitySeverity` (0 "profane in some cases", 1 "may be
 * profane", 2 "profane") as
 * https://github.com/retextjs/retext-profanities/blob/8.0.0/lib/create-plugin.js
 */
import type { VFile } from 'vfile';
import { cuss } from 'cuss';
import pluralize from 'pluralize';
import { nodeText, pointOf, type NlcstNode, type NlcstParent } from './nlcst.ts';
import { createPhraseIndex } from './phrase-search.ts';

const SOURCE = 'retext-profanities';
/** Same settings as retext-profanities/lib/en.js. */
const IGNORE_PLURALIZE = ['children', 'dy', 'pro', 'remain', 'so', 'dice', 'fus'];
const REGULAR = ['hell', 'whore'];

/** Every phrase with its severity, as retext-profanities' `unpack()` computes it. */
function unpack(): Record<string, number> {
  const result: Record<string, number> = {};
  const add = (key: string, value: number) => {
    if (!IGNORE_PLURALIZE.includes(key)) result[key] = value;
  };
  for (const key of Object.keys(cuss)) {
    add(key, cuss[key]!);
    add(pluralize.singular(key), cuss[key]!);
    add(pluralize.plural(key), cuss[key]!);
  }
  return result;
}

/** unified plugin: `unified().use(retextEnglish).use(retextProfanitiesIndexed)`. */
export function retextProfanitiesIndexed() {
  const words = unpack();
  const phrases = Object.keys(words);
  const normalIndex = createPhraseIndex(phrases.filter((p) => !REGULAR.includes(p)));
  const literalIndex = createPhraseIndex(REGULAR.filter((p) => phrases.includes(p)), { allowApostrophes: true });

  return (tree: NlcstNode, file: VFile) => {
    const handle = (match: NlcstNode[], _position: number, _parent: NlcstParent, phrase: string) => {
      const profanitySeverity = words[phrase]!;
      const actual = nodeText(match);
      const start = pointOf(match[0], 'start');
      const end = pointOf(match[match.length - 1], 'end');
      const message = file.message(
        [
          profanitySeverity === 0 ? 'Be careful with' : profanitySeverity === 1 ? 'Reconsider using' : 'Don’t use',
          '`' + actual + '`,',
          profanitySeverity === 0 ? 'it’s profane in some cases' : profanitySeverity === 1 ? 'it may be profane' : 'it’s profane',
        ].join(' '),
        { place: start && end ? { start, end } : undefined, ruleId: phrase.replace(/\W+/g, '-'), source: SOURCE },
      );
      message.actual = actual;
      message.expected = [];
      (message as unknown as { profanitySeverity: number }).profanitySeverity = profanitySeverity;
      message.url = 'https://github.com/retextjs/retext-profanities#readme';
    };
    normalIndex.search(tree, handle);
    literalIndex.search(tree, handle);
  };
}
