/**
 * The networks a post can name in `channels:`. A post concept: the parser, the check, the
 * schedule, the publisher and the site all speak of networks, so the type lives with the post,
 * not with the publisher that happens to send to some of them.
 */

/** The networks copydesk knows. Publishing exists for bluesky, mastodon and threads; x and linkedin are checked for length only. */
export type Network = 'bluesky' | 'mastodon' | 'threads' | 'x' | 'linkedin';

/** Every network, in the order help texts and the config list them. */
export const NETWORKS: readonly Network[] = ['bluesky', 'mastodon', 'threads', 'x', 'linkedin'];
