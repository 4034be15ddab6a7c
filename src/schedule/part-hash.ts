/**
 * The content hash of one thread part: what the ledger remembers of a part it sent, so that an
 * edit after the part went out (new text, other media, a post turned into a thread) is noticed and
 * reported instead of being published as a late reply. Pure.
 */
import { createHash } from 'node:crypto';
import type { Post } from '../post/post.ts';

/** Hex SHA-256 of the part's text and its media (repository path and alt text, in order). */
export function partHash(post: Pick<Post, 'parts' | 'media'>, part: number): string {
  const media = post.media.filter((m) => m.part === part).map((m) => [m.repoPath, m.alt]);
  return createHash('sha256').update(JSON.stringify({ text: post.parts[part]?.text ?? '', media }), 'utf8').digest('hex');
}
