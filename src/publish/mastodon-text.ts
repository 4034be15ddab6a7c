/**
 * Turn a Mastodon status's rendered HTML back into the text that was posted, so a read-back can
 * recognise a part that already went out.
 *
 * Mastodon stores the author's plain text but the API returns only `content`, rendered HTML
 * (https://docs.joinmastodon.org/entities/Status/#content): line breaks become `<br />`, blank lines
 * split `<p>` paragraphs, links are wrapped in `<a>` with the hidden parts of the URL in
 * `<span class="invisible">` (still present as text), hashtags become `#<span>tag</span>` and mentions
 * lose their domain (`@user@example.social` is shown as `@user`).
 */

/** Named character references Mastodon's sanitizer emits (it escapes only these), plus `&nbsp;`. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Decode `&amp;`, `&#39;`, `&#x27;` and the other references Mastodon's HTML contains. */
export function decodeHtmlEntities(html: string): string {
  return html.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Plain text of a status `content`: `<br>` and `</p><p>` become newlines, tags go, entities are decoded. */
export function statusHtmlToText(html: string): string {
  const withBreaks = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<\/?p[^>]*>/gi, '');
  return decodeHtmlEntities(withBreaks.replace(/<[^>]*>/g, ''));
}

/**
 * Canonical form used to compare posted text with read-back text: Unicode NFC, mentions without
 * their domain (Mastodon renders `@user@domain` as `@user`), every run of white space (including
 * line breaks, which Mastodon may regroup into paragraphs) as one space, trimmed.
 */
export function normaliseStatusText(text: string): string {
  return text
    .normalize('NFC')
    // Account::MENTION_RE's username: dots and dashes only in the middle (`@anna-nowak@bakery.social`).
    .replace(/(^|[^\w/@=])@([a-z0-9_]+(?:[a-z0-9_.-]*[a-z0-9_])?)@[a-z0-9.-]+\.[a-z]{2,}/gi, '$1@$2')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** True when a status's rendered `content` shows exactly `text` (after normalising both). */
export function contentMatchesText(contentHtml: string, text: string): boolean {
  return normaliseStatusText(statusHtmlToText(contentHtml)) === normaliseStatusText(text);
}
