/**
 * Per-network text inside a thread part: a block opened by a line `::: mastodon` and closed by a
 * line `:::` holds the text that network gets for this part instead of the shared text around it
 * (posts/README.md, "Per-network text"). The syntax is the container directive of
 * markdown-it-container and Docusaurus admonitions: GitHub's file view shows the `:::` lines as
 * they are, so a reviewer reading the rendered file or the diff sees which text goes where, and
 * the variant stays at its own lines in the file, so every finding points at the right place.
 *
 * Structure only (which lines open and close which block); the parser turns blocks into texts and
 * checks them against the post's channels. Linear: one pass over the lines with indexOf.
 */
import { NETWORKS, type Network } from './network.ts';

/** One `::: name` … `:::` block as written. */
export interface VariantBlock {
  /** The name after `:::`, lower-cased (may be an unknown network: the parser reports it). */
  name: string;
  /** The name as written. */
  written: string;
  /** Offset of the opening line. */
  blockStart: number;
  /** Offset where the text starts (after the opening line's newline). */
  start: number;
  /** Offset where the text ends (the start of the closing line). */
  end: number;
  /** Offset just after the closing line's text (before its newline). */
  blockEnd: number;
}

/** A block structure mistake, at an offset of the file. */
export interface BlockProblem {
  /** Offset of the line concerned. */
  offset: number;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
}

const OPEN = /^:::[ \t]*([^\s:][^\s]*)[ \t]*$/;
const CLOSE = /^:::[ \t]*$/;

/** Whether `name` is a network copydesk knows. */
export function isNetwork(name: string): name is Network {
  return (NETWORKS as readonly string[]).includes(name);
}

/**
 * The blocks of `source[start, end)` (one thread part). Lines inside HTML comments are never
 * markers (a commented-out block is not a block).
 */
export function findVariantBlocks(source: string, start: number, end: number): { blocks: VariantBlock[]; problems: BlockProblem[] } {
  const blocks: VariantBlock[] = [];
  const problems: BlockProblem[] = [];
  const comments = commentRanges(source, start, end);
  // Offsets only grow: one pointer through the sorted comments keeps the pass linear.
  let ci = 0;
  const inComment = (offset: number) => {
    while (ci < comments.length && comments[ci]!.end <= offset) ci++;
    const c = comments[ci];
    return c !== undefined && offset > c.start && offset < c.end;
  };
  let open: { name: string; written: string; blockStart: number; start: number } | undefined;
  let offset = start;
  while (offset < end) {
    const nl = source.indexOf('\n', offset);
    const lineEnd = nl === -1 || nl > end ? end : nl;
    const next = lineEnd + 1;
    if (source.startsWith(':::', offset) && !inComment(offset)) {
      const line = source.slice(offset, lineEnd).replace(/\r$/, '');
      const o = OPEN.exec(line);
      if (o) {
        if (open) {
          problems.push({ offset, message: `a \`::: ${o[1]}\` block starts inside the \`::: ${open.written}\` block, which is not closed`, fix: 'Close the first block with a line holding only `:::` before starting the next one.' });
        } else open = { name: o[1]!.toLowerCase(), written: o[1]!, blockStart: offset, start: Math.min(next, end) };
      } else if (CLOSE.test(line)) {
        if (!open) problems.push({ offset, message: 'a `:::` line closes no per-network block', fix: 'Start the block with a line like `::: mastodon` above the text, or remove this line.' });
        else {
          blocks.push({ ...open, end: offset, blockEnd: offset + line.length });
          open = undefined;
        }
      } else {
        problems.push({ offset, message: `\`${line.trim()}\` is not a per-network block line`, fix: `Open a block with \`::: <network>\` (one of ${NETWORKS.join(', ')}) on its own line and close it with a line holding only \`:::\`.` });
      }
    }
    offset = next;
  }
  if (open) problems.push({ offset: open.blockStart, message: `the \`::: ${open.written}\` block is not closed before the end of the thread part`, fix: 'Add a line holding only `:::` after the variant text (a `---` thread separator cannot be inside a block: give each part its own block).' });
  return { blocks, problems };
}

/** `<!-- … -->` ranges within `[start, end)`; an unclosed `<!--` is text. */
function commentRanges(source: string, start: number, end: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let pos = start;
  for (;;) {
    const s = source.indexOf('<!--', pos);
    if (s === -1 || s >= end) break;
    const c = source.indexOf('-->', s + 4);
    if (c === -1 || c + 3 > end) break;
    out.push({ start: s, end: c + 3 });
    pos = c + 3;
  }
  return out;
}
