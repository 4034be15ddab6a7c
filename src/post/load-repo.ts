/**
 * Config and posts for a crisis command, never failing: a freeze or a holding statement must work
 * while someone's half-written post (or a broken config) sits on the branch. Problems are returned
 * for the command to mention.
 */
import { defaultConfig, type Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { loadPosts } from './load-posts.ts';
import type { Post } from './post.ts';

/** What a crisis command knows about the repository. */
export interface RepoView {
  /** The config, or the defaults when it cannot be read (then `configProblems` says why). */
  config: Config;
  /** Problems reading `copydesk.config.yaml`. */
  configProblems: Diagnostic[];
  /** Posts that parsed (when asked for). */
  posts: Post[];
  /** Files under posts/ that did not parse. */
  failed: string[];
}

/** Reads the config and, unless `withPosts` is false, the posts under `posts/`. */
export async function loadRepo(root: string, withPosts = true): Promise<RepoView> {
  const c = await loadConfig(root);
  const config = c.ok ? c.config : defaultConfig();
  const configProblems = c.problems.filter((p) => p.severity === 'error');
  if (!withPosts) return { config, configProblems, posts: [], failed: [] };
  const loaded = await loadPosts(root, config);
  return { config, configProblems, posts: loaded.posts, failed: loaded.failed };
}
