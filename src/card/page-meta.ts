/**
 * What a page says about itself, for a link card: Open Graph first (https://ogp.me/: `og:title`,
 * `og:description`, `og:image`, also `og:image:secure_url`/`og:image:url`), then Twitter card
 * tags, then `<title>` and `<meta name="description">`. The image address is resolved against
 * the page's final URL (after redirects), so `og:image="/img/card.png"` works. Parsed with
 * hast-util-from-html (a spec-compliant HTML parser: entities decoded, broken markup recovered).
 * https://github.com/syntax-tree/hast-util-from-html
 */
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';

/** The card fields a page offers. */
export interface PageMeta {
  /** og:title, else twitter:title, else `<title>`; whitespace collapsed, at most 300 characters. */
  title?: string;
  /** Which tag the title came from (for the preview: "from <title>, the page has no og:title"). */
  titleFrom?: 'og:title' | 'twitter:title' | 'title';
  /** og:description, else twitter:description, else meta description; at most 1,000 characters. */
  description?: string;
  /** Absolute https (or, in tests, http) URL of the image, resolved against the page URL. */
  image?: string;
}

/** Longest title and description kept: Bluesky's app shows two or three lines of each. */
const MAX_TITLE = 300;
const MAX_DESCRIPTION = 1000;

/** Decode the body with its declared charset (header, then `<meta charset>`), UTF-8 by default. */
export function decodeHtml(body: Uint8Array, contentTypeHeader?: string): string {
  const head = new TextDecoder('latin1').decode(body.subarray(0, 2048));
  const declared = /charset=["']?([\w-]+)/i.exec(contentTypeHeader ?? '')?.[1] ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** Read the card fields from a page's HTML; `pageUrl` is the final URL after redirects. */
export function pageMeta(html: string, pageUrl: string): PageMeta {
  const tree: Root = fromHtml(html);
  const meta = new Map<string, string>();
  let title: string | undefined;
  visit(tree, 'element', (el: Element) => {
    if (el.tagName === 'title' && title === undefined) title = textOf(el);
    if (el.tagName !== 'meta') return;
    const key = String(el.properties.property ?? el.properties.name ?? '').toLowerCase().trim();
    const content = el.properties.content;
    // The first of each wins, as Open Graph readers do (a page may list several og:image).
    if (key && typeof content === 'string' && content.trim() && !meta.has(key)) meta.set(key, content);
  });
  const out: PageMeta = {};
  const t = pick(meta, ['og:title', 'twitter:title']);
  if (t) {
    out.title = clip(t.value, MAX_TITLE);
    out.titleFrom = t.key as 'og:title' | 'twitter:title';
  } else if (title && clean(title)) {
    out.title = clip(title, MAX_TITLE);
    out.titleFrom = 'title';
  }
  const d = pick(meta, ['og:description', 'twitter:description', 'description']);
  if (d) out.description = clip(d.value, MAX_DESCRIPTION);
  const i = pick(meta, ['og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src']);
  if (i) {
    try {
      const abs = new URL(i.value.trim(), pageUrl);
      if (abs.protocol === 'https:' || abs.protocol === 'http:') out.image = abs.href;
    } catch {
      // An unreadable image address: the card goes without a picture.
    }
  }
  return out;
}

function pick(meta: Map<string, string>, keys: string[]): { key: string; value: string } | undefined {
  for (const key of keys) {
    const value = meta.get(key);
    if (value !== undefined && clean(value)) return { key, value };
  }
  return undefined;
}

function textOf(el: Element): string {
  let s = '';
  visit(el, 'text', (t: { value: string }) => {
    s += t.value;
  });
  return s;
}

function clean(s: string): string {
  // Control characters never reach a card, a preview or the site.
  return s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function clip(s: string, max: number): string {
  const c = clean(s);
  const chars = [...c];
  return chars.length <= max ? c : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}
