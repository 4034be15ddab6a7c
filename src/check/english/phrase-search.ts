/**
 * `nlcst-search` with its phrase index built once, not on every call.
 *
 * The stock `search(tree, phrases, handler)` (nlcst-search 4, used by retext-equality and
 * retext-profanities) normalises every phrase of the list into a first-word index on each call:
 * about 3,500 profanity phrases twice per file and 1,000 equality phrases twice per *paragraph*.
 * That rebuild is most of the English check's time. This module keeps the exact matching rules of
 * nlcst-search 4.0.0 (same normalisation, same literal rule, same wildcard `*`, same visiting and
 * handler order) and only moves the index out of the loop; `test/check/english-matcher.test.ts`
 * proves the findings equal the stock plugins'. https://github.com/syntax-tree/nlcst-search
 */
import { isLiteral } from 'nlcst-is-literal';
import { normalize } from 'nlcst-normalize';
import { nodeText, type NlcstNode, type NlcstParent } from './nlcst.ts';

/** Same options as nlcst-search. */
export interface SearchOptions {
  /** Keep apostrophes when comparing (`don't` ≠ `dont`). */
  allowApostrophes?: boolean;
  /** Keep dashes when comparing. */
  allowDashes?: boolean;
  /** Also match words used as literals (`the word "dumb"`). */
  allowLiterals?: boolean;
}

/** Called for every match: the matched nodes, the index of the first in `parent`, the phrase. */
export type SearchHandler = (match: NlcstNode[], position: number, parent: NlcstParent, phrase: string) => void;

interface Entry {
  phrase: string;
  /** Normalised words after the first; `null` is the wildcard `*`. */
  rest: (string | null)[];
}

export interface PhraseIndex {
  /** Find every phrase in `tree`, calling `handler` in the order nlcst-search would. */
  search(tree: NlcstNode, handler: SearchHandler): void;
}

/** Lower-cased text with ’ as ', per word node: the shared first step of every normalisation. */
const baseText = new WeakMap<NlcstNode, string>();

/**
 * nlcst-normalize's `normalize(node, options)`, with the common first step cached per node: each
 * word is normalised several times (two phrase lists per plugin, two plugins).
 */
export function normalizeNode(node: NlcstNode, options: SearchOptions = {}): string {
  let text = baseText.get(node);
  if (text === undefined) {
    text = nodeText(node).toLowerCase();
    if (text.includes('’')) text = text.replace(/’/g, "'");
    baseText.set(node, text);
  }
  if (!options.allowDashes && text.includes('-')) text = text.replace(/-/g, '');
  if (!options.allowApostrophes && text.includes("'")) text = text.replace(/'/g, '');
  return text;
}

export function createPhraseIndex(phrases: readonly string[], options: SearchOptions = {}): PhraseIndex {
  const star: Entry[] = [];
  const byWord = new Map<string, Entry[]>();
  for (const phrase of phrases) {
    const words = phrase.split(' ');
    const first = normalize(words[0]!, options);
    const entry: Entry = { phrase, rest: words.slice(1).map((w) => (w === '*' ? null : normalize(w, options))) };
    if (first === '*') star.push(entry);
    else {
      const list = byWord.get(first);
      if (list) list.push(entry);
      else byWord.set(first, [entry]);
    }
  }

  const test = (entry: Entry, position: number, parent: NlcstParent): NlcstNode[] | undefined => {
    const siblings = parent.children;
    let at = position + 1;
    for (const expected of entry.rest) {
      while (at < siblings.length && siblings[at]!.type === 'WhiteSpaceNode') at++;
      const sibling = siblings[at];
      if (!sibling || sibling.type !== 'WordNode' || (expected !== null && expected !== normalizeNode(sibling, options))) return undefined;
      at++;
    }
    return siblings.slice(position, at);
  };

  const onWord = (node: NlcstNode, position: number, parent: NlcstParent, handler: SearchHandler) => {
    const word = normalizeNode(node, options);
    // nlcst-search builds `{'*': [...]}` and looks words up in it, so a word "*" sees the wildcard list twice.
    const own = word === '*' ? star : byWord.get(word);
    if (!own && star.length === 0) return;
    // The literal test is the same as nlcst-search's, only done after the (cheap) lookup.
    if (!options.allowLiterals && isLiteral(parent as never, position)) return;
    const candidates = own ? [...star, ...own] : star;
    for (const entry of candidates) {
      const match = test(entry, position, parent);
      if (match) handler(match, position, parent, entry.phrase);
    }
  };

  return {
    search(tree, handler) {
      // Pre-order walk, like unist-util-visit: a node, then its children left to right. A word
      // never contains a word (only text, symbols and punctuation), so words are not descended into.
      const walk = (node: NlcstNode) => {
        const children = (node as NlcstParent).children;
        if (!children) return;
        for (let i = 0; i < children.length; i++) {
          const child = children[i]!;
          if (child.type === 'WordNode') onWord(child, i, node as NlcstParent, handler);
          else if (child.children) walk(child);
        }
      };
      walk(tree);
    },
  };
}
