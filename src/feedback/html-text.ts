/**
 * Mastodon status HTML → the plain text the customer typed. Mastodon renders statuses as a small
 * HTML subset (https://docs.joinmastodon.org/spec/activitypub/#sanitization): `<p>` paragraphs,
 * `<br>`, links whose visible text hides parts of the URL in `<span class="invisible">` and
 * `…ellipsis`, mentions and hashtags as links. Paragraphs become blank lines, `<br>` a line break,
 * a plain link its full `href`, a mention or hashtag its text. Parsed with hast-util-from-html
 * (never a regex over HTML); nothing is rendered, so nothing in it can run.
 */
import { fromHtml } from 'hast-util-from-html';

interface HastNode {
  type: string;
  value?: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

/** Longest text kept from one status (Mastodon allows 500 by default; some instances far more). */
export const MAX_TEXT = 10_000;

function classes(node: HastNode): string[] {
  const c = node.properties?.className;
  return Array.isArray(c) ? c.map(String) : [];
}

function textOf(node: HastNode): string {
  if (node.type === 'text') return node.value ?? '';
  if (node.type !== 'element' && node.type !== 'root') return '';
  if (node.tagName === 'br') return '\n';
  const inner = (node.children ?? []).map(textOf).join('');
  if (node.tagName === 'a') {
    const href = node.properties?.href;
    const cls = classes(node);
    if (typeof href === 'string' && /^https?:\/\//.test(href) && !cls.includes('mention') && !cls.includes('hashtag')) return href;
    return inner;
  }
  if (node.tagName === 'p') return `${inner}\n\n`;
  return inner;
}

/** The plain text of a status's `content` HTML, trimmed and capped at `MAX_TEXT` characters. */
export function htmlToText(html: string): string {
  const tree = fromHtml(html, { fragment: true }) as unknown as HastNode;
  const text = textOf(tree).replace(/\n{3,}/g, '\n\n').trim();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
