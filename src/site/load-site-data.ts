/**
 * The site's only I/O: config, posts, ledger, freeze state and run records, read once per build
 * with the same functions the publisher uses, then handed to the pure `buildSiteData`.
 * Never throws for anything a user can cause: a broken config, an unreadable post or an
 * unreachable state branch become `problems` / `stateError`, shown on the status page.
 */
import { stat } from 'node:fs/promises';
import type { CommandContext } from '../cli/context.ts';
import { mimeOf } from '../check/lengths.ts';
import { defaultConfig } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { readFreezeLog, readFreezes, type Freeze, type FreezeLogEvent } from '../freeze/freeze-state.ts';
import type { Diagnostic } from '../diagnostic/diagnostic.ts';
import { duplicateIds, idKey, loadPosts } from '../post/load-posts.ts';
import type { LedgerEvent } from '../schedule/ledger.ts';
import { readLedgerAppendOrder } from '../schedule/ledger-write.ts';
import type { StateStore } from '../state/store.ts';
import { buildSiteData, type SiteData, type SiteRuns } from './data.ts';
import { readRuns } from './run-record.ts';

/** A media file a post page shows, served by the site under `/media/<repoPath>`. */
export interface MediaFile {
  /** Repository-relative path (forward slashes). */
  repoPath: string;
  /** Absolute path on disk. */
  absPath: string;
  /** MIME type from the extension. */
  mime: string;
}

export interface LoadedSite {
  data: SiteData;
  /** Config and post problems (errors only: warnings belong to the check). */
  problems: Diagnostic[];
  /** Post files that did not parse; their posts are missing from the calendar. */
  failedFiles: string[];
  /** Images that exist on disk, to copy into the site. */
  media: MediaFile[];
  /** Where the state was read from (`folder …`, `git branch …`). */
  storeDescription: string;
  /**
   * Set when the state store could not be read: the site then cannot tell whether publishing is
   * frozen, and says so on every page instead of claiming it is not.
   */
  stateError?: string;
}

export interface LoadOptions {
  /** Repository root. */
  root: string;
  /** The build's clock (epoch ms). */
  now: number;
  /** Environment variables the state store looks at. */
  env: Readonly<Record<string, string | undefined>>;
  /** Opens the state store read-only (the loader never writes). */
  openStore: (ctx: CommandContext) => Promise<StateStore>;
}

export async function loadSiteData({ root, now, env, openStore }: LoadOptions): Promise<LoadedSite> {
  const problems: Diagnostic[] = [];
  const c = await loadConfig(root);
  const config = c.ok ? c.config : defaultConfig();
  problems.push(...c.problems.filter((p) => p.severity === 'error'));
  const loaded = await loadPosts(root, config);
  const dupes = duplicateIds(loaded.posts);
  problems.push(...loaded.problems.filter((p) => p.severity === 'error'), ...dupes);
  // One page per id: a duplicate keeps its first file (both are flagged by the check).
  const seen = new Set<string>();
  const posts = loaded.posts.filter((p) => (seen.has(idKey(p.id)) ? false : (seen.add(idKey(p.id)), true)));

  let events: LedgerEvent[] = [];
  let freezes: Freeze[] = [];
  let freezeLog: FreezeLogEvent[] = [];
  let runs: SiteRuns = {};
  let storeDescription = 'state store';
  let stateError: string | undefined;
  const warnings: string[] = [];
  try {
    const ctx: CommandContext = { root, now: new Date(now), env, out: () => {}, err: (t) => void warnings.push(t.trim()) };
    const store = await openStore(ctx);
    // The git backend reads its last fetched tip: fetch the state branch first (a no-op for folders).
    await store.refresh();
    // For people: a local folder is shown relative to the repository, not as a path on the build machine.
    storeDescription = store.description.replace(`${root}/`, '').replace(root, '.');
    // Append order, as the publisher and `copydesk plan` read it (clocks of two machines can differ).
    [events, freezes, freezeLog, runs] = await Promise.all([readLedgerAppendOrder(store), readFreezes(store), readFreezeLog(store), readRuns(store)]);
  } catch (e) {
    stateError = `${(e as Error).message}${warnings.length ? ` (${warnings.join('; ')})` : ''}`;
  }

  const media: MediaFile[] = [];
  const wanted = new Map(posts.flatMap((p) => p.media).map((m) => [m.repoPath, m.absPath]));
  await Promise.all(
    [...wanted].map(async ([repoPath, absPath]) => {
      const mime = mimeOf(repoPath);
      if (!mime?.startsWith('image/')) return;
      const s = await stat(absPath).catch(() => undefined);
      if (s?.isFile()) media.push({ repoPath, absPath, mime });
    }),
  );
  media.sort((a, b) => a.repoPath.localeCompare(b.repoPath));

  const data = buildSiteData({ posts, events, freezes, freezeLog, config, now, runs });
  return { data, problems, failedFiles: loaded.failed, media, storeDescription, ...(stateError ? { stateError } : {}) };
}
