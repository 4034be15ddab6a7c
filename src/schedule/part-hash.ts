/**
 * The content hash of one thread part: what the ledger remembers of a part it sent, so that an
 * edit after the part went out (new text, other media, a post turned into a thread) is noticed and
 * reported instead of being published as a late reply. Pure.
 */
import { createHash } from 'node:crypto';
import type { Post } from '../post/post.ts';

/** Hex SHA-256 of the part's text, its per-network texts and its media (repository path and alt text, in order). */
export function partHash(post: Pick<Post, 'parts' | 'media'>, part: number): string {
  const media = post.media.filter((m) => m.part === part).map((m) => [m.repoPath, m.alt]);
  // Per-network texts count too (an edit of the Mastodon text is an edit), added only when the
  // part has some, so the hash of every part without variants is what the ledger already holds.
  const variants = Object.values(post.parts[part]?.variants ?? {}).map((v) => [v.network, v.text]).sort((a, b) => a[0]!.localeCompare(b[0]!));
  return createHash('sha256').update(JSON.stringify({ text: post.parts[part]?.text ?? '', media, ...(variants.length ? { variants } : {}) }), 'utf8').digest('hex');
}
