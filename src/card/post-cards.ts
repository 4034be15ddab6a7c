/** Which (part, link) of a post get a Bluesky link card: parts with a link and no images. */
import { blueskyCardLink } from '../post/link-card.ts';
import type { Post } from '../post/post.ts';

/** One part that gets a Bluesky card. */
export interface CardSlot {
  /** 0-based part. */
  part: number;
  /** The link as written. */
  url: string;
  /** UTF-16 offset of the link in the part's text. */
  start: number;
}

export function cardSlots(post: Post): CardSlot[] {
  if (!post.channels.includes('bluesky')) return [];
  return post.parts.flatMap((p) => {
    const link = blueskyCardLink(p, post.media.some((m) => m.part === p.index));
    return link ? [{ part: p.index, url: link.url, start: link.start }] : [];
  });
}
