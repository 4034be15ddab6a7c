/**
 * Where the published text of a post is in its file, and offset → line/column. Rules search the
 * file source itself (not the extracted part text) so every finding points at the exact spot.
 */
import { locator, type Located } from '../diagnostic/locator.ts';
import type { Post, PostMedia } from '../post/post.ts';

export { locator, type Located };

const COMMENT = /<!--[\s\S]*?-->/g;

/**
 * The file source with everything that is not published text blanked out (front-matter, HTML
 * comments such as copydesk-ignore, `---` thread separators), keeping every offset and newline,
 * so a match at offset N is at offset N of the file.
 */
export function publishedSource(post: Post): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const start = post.parts[0]?.start ?? post.source.length;
  let body = post.source.slice(start).replace(COMMENT, blank).replace(/^---[ \t]*\r?$/gm, blank);
  // Per-network text: the `::: network` and `:::` lines are never text (which network gets a
  // match is told by `networksAt`, ../post/part-text.ts).
  const cut = (from: number, to: number) => {
    if (to > from) body = body.slice(0, from - start) + blank(body.slice(from - start, to - start)) + body.slice(to - start);
  };
  for (const part of post.parts) {
    for (const v of Object.values(part.variants ?? {})) {
      cut(v.blockStart, v.start);
      cut(v.end, v.blockEnd);
    }
  }
  return blank(post.source.slice(0, start)) + body;
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
