/**
 * A rule of the check: a small function that sees one parsed post (and the configuration, the
 * clock and the other posts) and returns findings. Rules never read files other than the post's
 * media, never read the clock or the environment, and never throw for bad input.
 */
import type { Config } from '../../config/config.ts';
import type { Diagnostic } from '../../diagnostic/diagnostic.ts';
import type { Post } from '../../post/post.ts';

export interface RuleContext {
  /** The repository configuration. */
  config: Config;
  /** The clock (epoch ms), read once by the entry point. */
  now: number;
  /** Absolute repository root (media must stay inside it). */
  root: string;
  /** True when the post is new or changed in this change: it must then be in the future. */
  changed: boolean;
  /** Every post of the repository (not only the ones checked): spacing and duplicates need them. */
  allPosts: readonly Post[];
}

export type Rule = (post: Post, ctx: RuleContext) => Diagnostic[] | Promise<Diagnostic[]>;
