/**
 * Putting untrusted text (post text, alt text, file names, messages) into Markdown that GitHub
 * renders in a job summary or a PR comment, so that a post can neither break the layout nor
 * inject HTML, links, images or @-mentions. https://github.github.com/gfm/
 */

/** A fenced code block longer than any backtick run inside, so the text cannot close it. */
export function fence(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = '`'.repeat(Math.max(3, longest + 1));
  return `${bar}${info}\n${text.replace(/\r\n?/g, '\n')}\n${bar}`;
}

/**
 * Inline text: Markdown punctuation backslash-escaped (no emphasis, links, code spans, and no
 * autolinks: `:` and `.` are escaped too), `<`, `>`,
 * `&` as entities (no HTML), `@` and `#` as entities (no mentions or issue links), newlines
 * as spaces, and `|` escaped so it is safe in a table cell too.
 */
export function text(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()!+\-.~|:&<>@#]/g, (c) => ENTITIES[c] ?? `\\${c}`);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '@': '&#64;', '#': '&#35;' };

/** An inline code span (file names, ids): a backtick fence longer than any run inside; pipes escaped for tables. */
export function code(value: string): string {
  const v = value.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const bar = '`'.repeat(longest + 1);
  const pad = v.startsWith('`') || v.endsWith('`') ? ' ' : '';
  return `${bar}${pad}${v.replace(/\|/g, '\\|')}${pad}${bar}`;
}
