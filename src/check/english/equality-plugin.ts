/**
 * retext-equality 7.1 (English), with the phrase index of ./phrase-search.ts built once per
 * processor. Same patterns (the package's own `patterns-en.js`), same messages, rule ids and
 * `or` logic (with `binary: true`, "him or her" is fine and "him" alone is not) as
 * https://github.com/retextjs/retext-equality/blob/7.1.0/lib/create-plugin.js
 */
import type { VFile } from 'vfile';
import { nodeText, pointOf, type NlcstNode, type NlcstParent } from './nlcst.ts';
import { createPhraseIndex, normalizeNode } from './phrase-search.ts';

/** A pattern of retext-equality's data file. */
interface Pattern {
  id: string;
  type: 'basic' | 'or';
  categories: string[];
  considerate?: Record<string, string>;
  inconsiderate: Record<string, string>;
  condition?: string;
  note?: string;
  apostrophe?: boolean;
}

interface Match {
  start: number;
  end: number;
  nodes: NlcstNode[];
  parent: NlcstParent;
  type: string | undefined;
}

// The data file is not in the package's `exports`; load it next to the package's entry point.
const { patterns } = (await import(new URL('patterns-en.js', import.meta.resolve('retext-equality')).href)) as { patterns: Pattern[] };

const SOURCE = 'retext-equality';
const URL_README = 'https://github.com/retextjs/retext-equality#readme';

/** Same option as retext-equality. */
export interface EqualityOptions {
  /** Allow "him or her" (warn only when one appears alone); default false: every match warns. */
  binary?: boolean;
}

/** unified plugin: `unified().use(retextEnglish).use(retextEqualityIndexed)`. */
export function retextEqualityIndexed(options: EqualityOptions = {}) {
  const binary = options.binary ?? false;
  const byId = new Map<string, Pattern>();
  const byPhrase = new Map<string, string>();
  const apostrophes = new Set<string>();
  for (const pattern of patterns) {
    byId.set(pattern.id, pattern);
    for (const phrase of Object.keys(pattern.inconsiderate)) {
      byPhrase.set(phrase, pattern.id);
      if (pattern.apostrophe) apostrophes.add(phrase);
    }
  }
  const normal: string[] = [];
  const literal: string[] = [];
  for (const phrase of byPhrase.keys()) (apostrophes.has(phrase) ? literal : normal).push(phrase);
  const normalIndex = createPhraseIndex(normal);
  const literalIndex = createPhraseIndex(literal, { allowApostrophes: true });

  return (tree: NlcstNode, file: VFile) => {
    const paragraphs = (node: NlcstNode) => {
      if (node.type === 'ParagraphNode') return checkParagraph(node, file);
      for (const child of node.children ?? []) paragraphs(child);
    };
    paragraphs(tree);
  };

  function checkParagraph(node: NlcstNode, file: VFile) {
    const matchesById = new Map<string, Match[]>();
    const handle = (match: NlcstNode[], position: number, parent: NlcstParent, phrase: string) => {
      const id = byPhrase.get(phrase)!;
      if (phrase !== phrase.toLowerCase() && nodeText(match) !== phrase) return;
      const pattern = byId.get(id)!;
      let list = matchesById.get(id);
      if (!list) matchesById.set(id, (list = []));
      list.push({ end: position + match.length - 1, nodes: match, parent, start: position, type: pattern.inconsiderate[phrase] });
    };
    normalIndex.search(node, handle);
    literalIndex.search(node, handle);
    for (const [id, matches] of matchesById) {
      const pattern = byId.get(id)!;
      // retext-equality's default (`binary: false`) treats `or` patterns as `basic`: every match warns.
      if (binary && pattern.type === 'or') or(matches, pattern, file);
      else for (const m of matches) warn(file, m, pattern);
    }
  }

  /** An `or` pattern warns unless the alternatives appear together ("his or her", "him/her"). */
  function or(matches: Match[], pattern: Pattern, file: VFile) {
    for (let index = 0; index < matches.length; index++) {
      const match = matches[index]!;
      const siblings = match.parent.children;
      const next = matches[index + 1];
      if (next && next.parent === match.parent && next.type !== match.type) {
        let start = match.end;
        while (++start < next.start) {
          const sibling = siblings[start]!;
          if (
            sibling.type === 'WhiteSpaceNode' ||
            (sibling.type === 'WordNode' && /(and|or)/.test(normalizeNode(sibling))) ||
            (sibling.type === 'PunctuationNode' && normalizeNode(sibling) === '/')
          ) continue;
          break;
        }
        if (start === next.start) {
          index++;
          continue;
        }
      }
      warn(file, match, pattern);
    }
  }

  function warn(file: VFile, match: Match, pattern: Pattern) {
    const actual = nodeText(match.nodes);
    let expected: string[] | undefined;
    if (pattern.considerate) {
      expected = Object.keys(pattern.considerate);
      if (actual.charAt(0).toUpperCase() === actual.charAt(0)) expected = expected.map((e) => e.charAt(0).toUpperCase() + e.slice(1));
    }
    const end = pointOf(match.nodes[match.nodes.length - 1], 'end');
    const start = pointOf(match.nodes[0], 'start');
    const message = file.message(
      'Unexpected potentially insensitive use of `' + actual + '`' +
        (pattern.condition ? ', ' + pattern.condition : '') + ', ' +
        (expected ? 'in somes cases ' + expected.map((e) => '`' + e + '`').join(', ') + ' may be better' : 'try not to use it'),
      { ancestors: [match.parent as never], place: end && start ? { start, end } : undefined, ruleId: pattern.id, source: SOURCE },
    );
    message.actual = actual;
    message.expected = expected;
    message.note = pattern.note;
    message.url = URL_README;
  }
}
