/**
 * `watchlist` (error): a term listed under `watchlist` (a tragedy, an outage, a competitor) appears
 * in the post text or an image's alt text. An error for as long as the term is listed: it cannot
 * be accepted with copydesk-ignore; the term is removed from the config when the moment passes.
 */
import type { Config } from '../../config/config.ts';
import { diag } from '../../diagnostic/diagnostic.ts';
import type { Rule } from './rule.ts';
import { createTermMatcher, onNetworks } from './term-matcher.ts';

export const WATCHLIST = 'watchlist';

export function watchlistRule(config: Config): Rule {
  const matcher = createTermMatcher(config.watchlist, (w) => w.term);
  return (post) =>
    matcher.find(post).map((hit) =>
      diag(post.file, hit.at, 'error', WATCHLIST,
        `${hit.media !== undefined ? `alt text of media ${hit.media + 1}: ` : ''}"${hit.text}"${onNetworks(hit)} is on the watchlist: ${hit.entry.reason?.trim() || 'no reason given'}`,
        'Remove or reword it. It is blocked while it is listed under `watchlist` in copydesk.config.yaml and cannot be accepted with copydesk-ignore.'),
    );
}
