/**
 * Which networks a finding concerns, for findings the rules did not place themselves (the English
 * checks read the whole file): a finding inside a `::: mastodon` block, or in shared text that
 * some networks replace with their own, says so (" (on mastodon)"), as the watch-list and
 * sensitive-topic findings do. Findings elsewhere (front-matter, a post without variants) are
 * returned as they are.
 */
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { hasVariants, networksAt } from '../post/part-text.ts';
import type { Post } from '../post/post.ts';

export function scopeToNetworks(post: Post, findings: readonly Diagnostic[]): Diagnostic[] {
  if (!hasVariants(post)) return [...findings];
  const starts = [0];
  for (let i = post.source.indexOf('\n'); i !== -1; i = post.source.indexOf('\n', i + 1)) starts.push(i + 1);
  return findings.map((d) => {
    const lineStart = starts[d.line - 1];
    if (lineStart === undefined) return d;
    const networks = networksAt(post, lineStart + Math.max(0, d.column - 1));
    if (!networks || networks.length >= post.channels.length) return d;
    return { ...d, message: `${d.message} (on ${networks.join(' and ') || 'no network: every network has its own text here'})` };
  });
}
