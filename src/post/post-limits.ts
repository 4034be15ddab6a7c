/**
 * The work limits every post file is held to before anything counts or checks its text, and the
 * line arithmetic they need. Cheap and linear, and free of the YAML and Markdown libraries: the
 * English worker threads use them too (../check/english/english-thread.ts), before the post
 * parser has run, and must start fast.
 */

import { locator } from '../diagnostic/locator.ts';
/** Larger files are refused before parsing: a post is a few hundred characters. */
export const MAX_POST_BYTES = 256 * 1024;
/** Longest front-matter (characters): a post's fields, alt texts included, fit in a few KB. */
export const MAX_FRONT_MATTER_CHARS = 32 * 1024;
/** Most thread parts: a longer thread is a blog post, and every part is a request to a network. */
export const MAX_PARTS = 50;
/**
 * Longest thread part, in characters (graphemes, as people count them), before any network
 * counts it: more than any network accepts (LinkedIn 3,000; a configured Mastodon
 * `max_characters` above it raises it). Counting and the English checks grow faster than linearly
 * on some texts (twitter-text's `parseTweet` on a long run of dots), so they never see more.
 */
export const MAX_PART_CHARS = 5000;
/** Most characters of text in all parts together (twenty parts of 500). */
export const MAX_TEXT_CHARS = 10_000;
/** UTF-16 code units per character allowed on top (emoji families are 11 units each). */
const UNITS_PER_CHAR = 4;
/**
 * Deepest nesting of quotes (`>`) and list items at the start of a line. The Markdown-to-text
 * step of the English checks recurses once per level: 5,000 `>` overflow the stack.
 */
export const MAX_NESTING = 20;

const SEPARATOR = /^---[ \t]*$/;

/** Byte ranges of the body's thread parts: split at lines holding only `---`. Linear. */
export function partRanges(source: string, bodyStart: number): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let start = bodyStart;
  let offset = bodyStart;
  while (offset <= source.length) {
    const nl = source.indexOf('\n', offset);
    const lineEnd = nl === -1 ? source.length : nl;
    // Only lines starting with `---` can be separators: no slice for the others.
    if (source.startsWith('---', offset) && SEPARATOR.test(source.slice(offset, lineEnd).replace(/\r$/, ''))) {
      ranges.push({ start, end: offset });
      start = lineEnd + 1;
    }
    if (nl === -1) break;
    offset = nl + 1;
  }
  ranges.push({ start, end: source.length });
  return ranges;
}

/**
 * The first work limit the body exceeds, or undefined. Cheap and linear: run before any text is
 * cleaned, counted or checked. Also used by the English worker threads, which read files
 * themselves before the main thread has parsed them.
 */
export function partLimits(source: string, bodyStart: number, mastodonMaxCharacters: number): { line: number; message: string; fix: string } | undefined {
  const ranges = partRanges(source, bodyStart);
  const at = lineIndex(source);
  if (ranges.length > MAX_PARTS) {
    return { line: at(bodyStart), message: `the thread has ${ranges.length.toLocaleString('en')} parts; a post may have at most ${MAX_PARTS}`, fix: 'Split it into several posts, or remove `---` lines that are not meant to start a new part.' };
  }
  const maxPart = Math.max(MAX_PART_CHARS, mastodonMaxCharacters);
  const maxTotal = Math.max(MAX_TEXT_CHARS, maxPart);
  let total = 0;
  for (const [i, r] of ranges.entries()) {
    const size = characters(source, r.start, r.end, maxPart);
    total += size;
    if (size > maxPart) {
      const which = ranges.length > 1 ? `thread part ${i + 1} is` : 'the post text is';
      return { line: at(r.start), message: `${which} ${size.toLocaleString('en')} characters; a part may be at most ${maxPart.toLocaleString('en')} (no network accepts more)`, fix: 'Shorten it, or split it into a thread with a line containing only `---`.' };
    }
  }
  if (total > maxTotal) {
    return { line: at(bodyStart), message: `the post text is ${total.toLocaleString('en')} characters in all; a post may have at most ${maxTotal.toLocaleString('en')}`, fix: 'Shorten it, or split it into several posts.' };
  }
  const deep = deepestLine(source, bodyStart);
  if (deep.depth > MAX_NESTING) {
    return { line: at(deep.offset), message: `this line nests ${deep.depth} quotes or list items; at most ${MAX_NESTING} are allowed`, fix: 'Remove the extra `>`, `-` or `1.` markers at the start of the line.' };
  }
  return undefined;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Characters (graphemes) of `source[start, end)`, counted only when the code units could exceed
 * `max`; past {@link UNITS_PER_CHAR} code units per allowed character, the code units are returned
 * (no need to segment 240 KB to know it is too long).
 */
function characters(source: string, start: number, end: number, max: number): number {
  const units = end - start;
  if (units <= max || units > max * UNITS_PER_CHAR) return units;
  let n = 0;
  for (const _ of segmenter.segment(source.slice(start, end))) n++;
  return n;
}

/** The line whose start nests the most `>` quotes and list markers (`-`, `*`, `+`, `1.`, `1)`). */
function deepestLine(source: string, from: number): { depth: number; offset: number } {
  let best = { depth: 0, offset: from };
  let i = from;
  while (i < source.length) {
    const lineStart = i;
    let depth = 0;
    for (;;) {
      while (source[i] === ' ' || source[i] === '\t') i++;
      const c = source[i];
      const next = (k: number) => source[k] === undefined || source[k] === ' ' || source[k] === '\t' || source[k] === '\n' || source[k] === '\r';
      if (c === '>') i++;
      else if ((c === '-' || c === '*' || c === '+') && next(i + 1)) i++;
      else if (c !== undefined && c >= '0' && c <= '9') {
        let k = i;
        while (k - i < 9 && source[k]! >= '0' && source[k]! <= '9') k++;
        if ((source[k] === '.' || source[k] === ')') && next(k + 1)) i = k + 1;
        else break;
      } else break;
      depth++;
    }
    if (depth > best.depth) best = { depth, offset: lineStart };
    const nl = source.indexOf('\n', i);
    if (nl === -1) break;
    i = nl + 1;
  }
  return best;
}

/** Line lookup for many offsets of one text (the check's locator, line only). */
export function lineIndex(source: string): (offset: number) => number {
  const at = locator(source);
  return (offset) => at(offset).line;
}
