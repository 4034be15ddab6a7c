/**
 * Phrase-level context for sensitive-topic words (`sensitive_context` in the configuration): a
 * topic word that is part of a name or an everyday phrase is not a warning.
 * - A name: the word written with a capital and followed by a capitalised place word
 *   ("Church Street", "Parliament Hill", "Temple Rd.").
 * - A phrase: the word inside one of the configured phrases ("election cake", "vote for your
 *   favourite", "president of the * club"; `*` is one word), in any case and spacing.
 * One pass per hit over a short window around it: linear in the post's length.
 */
import type { SensitiveContext } from '../../config/config.ts';

const WORD = '[\\p{L}\\p{M}\\p{N}_’\'-]';
/** Characters around a hit that a phrase may span (the longest default phrase is ~30). */
const WINDOW = 120;

export interface TopicContext {
  /** True when the word at `index` of `text` (`length` characters) has its everyday sense there. */
  everyday(text: string, index: number, length: number): boolean;
}

export function createTopicContext(context: SensitiveContext): TopicContext {
  const places = new Set(context.placeWords.map((w) => w.toLowerCase().replace(/\.$/, '')));
  const phrases = context.phrases
    .map((p) => p.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
    .map((words) => new RegExp(`(?<!${WORD})${words.map((w) => (w === '*' ? `${WORD}+` : escape(w))).join('\\s+')}(?!${WORD})`, 'giu'));
  const nextWord = new RegExp(`^[ \\t]+(${WORD}+)`, 'u');

  return {
    everyday(text, index, length) {
      const word = text.slice(index, index + length);
      if (/^\p{Lu}/u.test(word)) {
        const next = nextWord.exec(text.slice(index + length, index + length + 40))?.[1];
        if (next && /^\p{Lu}/u.test(next) && places.has(next.toLowerCase())) return true;
      }
      const from = Math.max(0, index - WINDOW);
      const window = text.slice(from, index + length + WINDOW);
      const at = index - from;
      for (const re of phrases) {
        re.lastIndex = 0;
        for (const m of window.matchAll(re)) if (m.index <= at && m.index + m[0].length >= at + length) return true;
      }
      return false;
    },
  };
}

function escape(w: string): string {
  return w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
