/**
 * The site's only I/O: config, posts, ledger, freeze state and run records, read once per build
 * with the same functions the publisher uses, then handed to the pure `buildSiteData`.
 * Never throws for anything a user can cause: a broken config, an unreadable post or an
 * unreachable state branch become `problems` / `stateError`, shown on the status page.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandContext } from '../cli/context.ts';
import { MEDIA_RULES, mimeOf } from '../check/lengths.ts';
import { defaultConfig } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { readFreezeLog, readFreezes, type Freeze, type FreezeLogEvent } from '../freeze/freeze-state.ts';
import { diag, type Diagnostic } from '../diagnostic/diagnostic.ts';
import { readMediaFile } from '../post/media-file.ts';
import { duplicateIds, HOLDING_DIR, idKey, loadPosts } from '../post/load-posts.ts';
import type { Post } from '../post/post.ts';
import type { LedgerEvent } from '../schedule/ledger.ts';
import { readLedgerAppendOrder } from '../schedule/ledger-write.ts';
import type { StateStore } from '../state/store.ts';
import { readFilterWarnings } from '../feedback/notification-filters.ts';
import type { FilterWarning } from '../feedback/notification-filters.ts';
import { buildSiteData, type SiteData, type SiteRuns } from './data.ts';
import { holdingGuide } from './holding-guide.ts';
import { readRuns } from './run-record.ts';
import type { Conversation } from '../feedback/conversation.ts';
import { readConversations } from '../feedback/conversation-store.ts';
import { inboxView, type InboxView } from '../feedback/inbox-listing.ts';
import { readSiteCards, type SiteCard } from './site-cards.ts';

/** A media file a post page shows, served by the site under `/media/<repoPath>`. */
export interface MediaFile {
  /** Repository-relative path (forward slashes). */
  repoPath: string;
  /** Absolute path on disk. */
  absPath: string;
  /** MIME type from the extension. */
  mime: string;
  /** The content, read once through the media reader (../post/media-file.ts): what the site serves. */
  bytes: Uint8Array;
}

/** A holding statement as its page shows it. */
export interface SiteHolding {
  /** The statement, parsed by the one post parser. */
  post: Post;
  /** When to use it, from the table in playbook/holding/README.md (undefined: not described). */
  useWhen?: string;
  /** Networks it already went out on (a statement is sent at most once), with when. */
  sent: { network: string; at: string }[];
}

/**
 * The largest image the site copies: the largest any network accepts (MEDIA_RULES). Anything
 * bigger is refused before it is read, like the publisher does.
 */
export const SITE_MEDIA_MAX_BYTES = Math.max(...Object.values(MEDIA_RULES).flatMap((r) => Object.entries(r.types).filter(([t]) => t.startsWith('image/')).map(([, n]) => n)));

export interface LoadedSite {
  data: SiteData;
  /** Holding statements (playbook/holding/), in id order; broken ones are in `problems`. */
  holding: SiteHolding[];
  /** Config and post problems (errors only: warnings belong to the check). */
  problems: Diagnostic[];
  /** Post files that did not parse; their posts are missing from the calendar. */
  failedFiles: string[];
  /**
   * Images to copy into the site: regular files inside the repository reached without a symlink,
   * never from .git, within SITE_MEDIA_MAX_BYTES. Refused ones are listed in `problems`.
   */
  media: MediaFile[];
  /** Where the state was read from (`folder …`, `git branch …`). */
  storeDescription: string;
  /** The feedback inbox at build time (the inbox page, the status page's counts). */
  inbox: InboxView;
  /** Bluesky link cards stored by the publisher, one per part with a link and no images. */
  cards: SiteCard[];
  /**
   * Set when the state store could not be read: the site then cannot tell whether publishing is
   * frozen, and says so on every page instead of claiming it is not.
   */
  stateError?: string;
  /** The feedback inbox's notification-filter warnings (`feedback/filters.json`), for the status page. */
  inboxFilters: FilterWarning[];
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
  let conversations: Conversation[] = [];
  let cards: SiteCard[] = [];
  let storeDescription = 'state store';
  let stateError: string | undefined;
  let inboxFilters: FilterWarning[] = [];
  const warnings: string[] = [];
  try {
    const ctx: CommandContext = { root, now: new Date(now), env, out: () => {}, err: (t) => void warnings.push(t.trim()) };
    const store = await openStore(ctx);
    // The git backend reads its last fetched tip: fetch the state branch first (a no-op for folders).
    await store.refresh();
    // For people: a local folder is shown relative to the repository, not as a path on the build machine.
    storeDescription = store.description.replace(`${root}/`, '').replace(root, '.');
    // Append order, as the publisher and `copydesk plan` read it (clocks of two machines can differ).
    let inbox;
    [events, freezes, freezeLog, runs, inbox, cards, inboxFilters] = await Promise.all([readLedgerAppendOrder(store), readFreezes(store), readFreezeLog(store), readRuns(store), readConversations(store), readSiteCards(store, posts), readFilterWarnings(store)]);
    conversations = inbox.conversations;
  } catch (e) {
    stateError = `${(e as Error).message}${warnings.length ? ` (${warnings.join('; ')})` : ''}`;
  }

  // Through the one media reader, as the publisher: a post linking its image to /proc/self/environ
  // or .git/config must not put that file on a public site either.
  const media: MediaFile[] = [];
  const wanted = new Map<string, { absPath: string; file: string; line: number }>();
  for (const p of posts) for (const m of p.media) if (!wanted.has(m.repoPath)) wanted.set(m.repoPath, { absPath: m.absPath, file: p.file, line: m.line });
  await Promise.all(
    [...wanted].map(async ([repoPath, { absPath, file, line }]) => {
      const mime = mimeOf(repoPath);
      if (!mime?.startsWith('image/')) return;
      const read = await readMediaFile(root, repoPath, SITE_MEDIA_MAX_BYTES);
      if (read.ok) media.push({ repoPath, absPath, mime, bytes: read.bytes });
      else if (read.code !== 'missing') problems.push(diag(file, { line }, 'error', 'media', `${read.reason} (not shown on the site)`, read.fix));
    }),
  );
  media.sort((a, b) => a.repoPath.localeCompare(b.repoPath));

  const statements = await loadPosts(root, config, undefined, 'holding');
  problems.push(...statements.problems.filter((p) => p.severity === 'error'));
  const guide = holdingGuide(await readFile(join(root, HOLDING_DIR, 'README.md'), 'utf8').catch(() => ''));
  const holding: SiteHolding[] = statements.posts
    .map((post) => {
      const useWhen = guide.get(post.id);
      const sent = events.filter((e) => e.postId === post.id && e.state === 'sent' && e.part === 0).map((e) => ({ network: e.network, at: e.at }));
      return { post, sent, ...(useWhen ? { useWhen } : {}) };
    })
    .sort((a, b) => a.post.id.localeCompare(b.post.id));

  const data = buildSiteData({ posts, events, freezes, freezeLog, config, now, runs });
  const inbox = inboxView(conversations, config.feedback, config.lang, now);
  return { data, holding, problems, failedFiles: loaded.failed, media, storeDescription, inbox, cards, inboxFilters, ...(stateError ? { stateError } : {}) };
}
