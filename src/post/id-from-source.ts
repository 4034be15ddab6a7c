/**
 * A post's `id` read straight from its text, for files that do not parse (a holding statement with
 * a YAML error) or old versions in git history. Display and matching only: the parser
 * (src/post/parse-post.ts) is the authority on what a post is.
 */
/** `id:` from a post's front-matter (display only; the parser is the authority). */
export function idFromSource(source: string): string | undefined {
  const fm = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---/.exec(source.replace(/^\uFEFF/, ''));
  const m = fm && /^id:[ \t]*["']?([^"'\r\n#]+?)["']?[ \t]*(?:#.*)?$/m.exec(fm[1]!);
  return m?.[1]?.trim() || undefined;
}
