/**
 * Hidden markers let copydesk find its own issue or comment again and edit it in place instead of
 * posting a new one on every run. A marker is an HTML comment, invisible in rendered Markdown:
 * `<!-- copydesk:<name> -->`.
 */

/** Names are short and plain so a marker can never close its HTML comment early (`-->`). */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/;

/** Result of {@link markerFor}. */
export type MarkerResult =
  | { ok: true; /** The full hidden comment to put in a body. */ marker: string }
  | { ok: false; /** What is wrong with the name and what is allowed. */ error: string };

/** Builds the hidden marker for `name`, or says why the name cannot be used. */
export function markerFor(name: string): MarkerResult {
  if (!NAME_RE.test(name) || name.includes('--')) {
    return {
      ok: false,
      error: `marker "${name}" is not allowed: use 1-100 letters, digits and . _ : / - (no "--"), starting with a letter or digit`,
    };
  }
  return { ok: true, marker: `<!-- copydesk:${name} -->` };
}

/** Puts the marker on the first line of a body (once), so the body is found again by it. */
export function withMarker(marker: string, body: string): string {
  return body.startsWith(marker) ? body : `${marker}\n${body}`;
}

/**
 * Removes anything that looks like a copydesk marker from untrusted text, so content written by a
 * pull request cannot pass itself off as another copydesk issue or comment.
 */
export function stripMarkers(text: string): string {
  return text.replace(/<!--\s*copydesk:[\s\S]*?-->/gi, '');
}
