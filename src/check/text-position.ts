/**
 * Where the published text of a post is in its file, and offset → line/column. Rules search the
 * file source itself (not the extracted part text) so every finding points at the exact spot.
 */
import type { Post, PostMedia } from '../post/post.ts';

export interface Located {
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 units, like the retext checks). */
  column: number;
}

const COMMENT = /<!--[\s\S]*?-->/g;

/**
 * The file source with everything that is not published text blanked out (front-matter, HTML
 * comments such as copydesk-ignore, `---` thread separators), keeping every offset and newline,
 * so a match at offset N is at offset N of the file.
 */
export function publishedSource(post: Post): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const start = post.parts[0]?.start ?? post.source.length;
  const body = post.source.slice(start).replace(COMMENT, blank).replace(/^---[ \t]*\r?$/gm, blank);
  return blank(post.source.slice(0, start)) + body;
}

/** Offset → line/column, with the line starts computed once per source. */
export function locator(source: string): (offset: number) => Located {
  const starts = [0];
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

/** First line of the post body (messages above it are in the front-matter). */
export function bodyLine(post: Post): number {
  return locator(post.source)(post.parts[0]?.start ?? 0).line;
}

/** Line of a media item's `alt:` in the front-matter (the item's line when not found). */
export function altLine(post: Post, media: PostMedia): number {
  const lines = post.source.split('\n');
  const end = bodyLine(post) - 1;
  for (let i = media.line - 1; i < end && i < lines.length; i++) {
    if (i > media.line - 1 && /^\s*-\s/.test(lines[i]!)) break;
    if (/^\s*(?:-\s*)?alt\s*:/.test(lines[i]!)) return i + 1;
  }
  return media.line;
}
