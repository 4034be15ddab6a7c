/**
 * GitHub rejects issue and comment bodies over 65,536 characters (422 "body is too long").
 * https://docs.github.com/rest/issues/comments#create-an-issue-comment
 */

/** Default cap: below GitHub's limit with room for the marker and the note saying text was cut. */
export const MAX_BODY_CHARS = 60_000;

/** Cuts a body that GitHub would reject, saying at the end how much was left out. */
export function capBody(body: string, max: number = MAX_BODY_CHARS): string {
  if (body.length <= max) return body;
  // Reserve room for the note (its length depends on the number it prints; 80 is plenty).
  let end = Math.max(0, max - 80);
  // Never split a surrogate pair: GitHub would show a replacement character.
  if (end > 0 && /[\uD800-\uDBFF]/.test(body[end - 1]!)) end -= 1;
  return `${body.slice(0, end)}\n\n… (cut: ${body.length - end} more characters not shown)`;
}
