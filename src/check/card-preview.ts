/**
 * The link-card lines of the PR preview, per network. Bluesky: the card copydesk will attach
 * (title, description, domain, picture), or why there is none. Mastodon: which link it builds its
 * own card from. Every page-supplied string goes through the Markdown escapers (./markdown.ts):
 * a page's title cannot inject links, images, HTML or mentions into the comment.
 */
import type { Config } from '../config/config.ts';
import { mastodonCardLink } from '../post/link-card.ts';
import type { Network } from '../post/network.ts';
import type { Post } from '../post/post.ts';
import { cardSlots } from '../card/post-cards.ts';
import type { CheckedCard } from './card-check.ts';
import { code, text } from './markdown.ts';

export function cardPreviewLines(post: Post, network: Network, config: Config, cards: readonly CheckedCard[] | undefined): string[] {
  const where = (part: number) => (post.parts.length > 1 ? ` (part ${part + 1})` : '');
  if (network === 'mastodon') {
    const out: string[] = [];
    for (const part of post.parts) {
      const link = mastodonCardLink(part.text, config.channels.mastodon.instance);
      if (link) out.push(`Link card${where(part.index)}: Mastodon builds its own card from ${code(link.url)} (the first link that is not a mention or hashtag); copydesk does not choose it.`);
    }
    return out.length ? [...out, ''] : [];
  }
  if (network !== 'bluesky') return [];
  const out: string[] = [];
  for (const slot of cardSlots(post)) {
    const seen = cards?.find((c) => c.part === slot.part);
    if (!seen) {
      out.push(`Link card${where(slot.part)}: from ${code(slot.url)} (not fetched by this check; run it with \`--cards\`).`, '');
      continue;
    }
    const a = seen.attempt;
    if (!a.ok) {
      out.push(`Link card${where(slot.part)}: ⚠️ none, the post goes out without a card: ${text(a.problem.reason)}`, '');
      continue;
    }
    const c = a.card;
    out.push(`Link card${where(slot.part)} (what the page says; not part of the approved text):`, '', '| | |', '|---|---|');
    out.push(`| Title | ${text(c.title)}${c.titleFrom === 'title' ? ' _(from the page\'s &lt;title&gt;: it has no og:title)_' : ''} |`);
    out.push(`| Description | ${c.description ? text(c.description) : '_(none)_'} |`);
    out.push(`| Domain | ${code(c.domain)} |`);
    out.push(`| Picture | ${c.thumb ? `${c.thumb.width}×${c.thumb.height} JPEG, ${Math.ceil(c.thumb.bytes.byteLength / 1024)} KB (re-encoded to fit Bluesky's 1,000,000 bytes)${c.imageUrl ? ` from ${code(c.imageUrl)}` : ''}` : '_(none)_'} |`);
    out.push('');
    for (const p of a.problems) out.push(`⚠️ ${text(p.reason)}`, '');
  }
  return out;
}
