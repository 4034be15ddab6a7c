/**
 * `copydesk timeline --since … [--until …]`: the post-incident timeline as Markdown on standard
 * output, ready to paste into the review (playbook/post-incident-review.md). Read-only.
 */
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { loadPosts } from '../post/load-posts.ts';
import { readLedger } from '../schedule/ledger.ts';
import { readFreezeLog, readFreezes } from '../freeze/freeze-state.ts';
import { readHistory } from './git-history.ts';
import { readHoldingLog } from '../holding/holding-log.ts';
import { loadRepo } from '../post/load-repo.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import { parseTimeArg } from '../cli/time-arg.ts';
import { buildTimeline, timelineMarkdown } from './timeline.ts';

const HELP = `Usage: copydesk timeline --since WHEN [--until WHEN]

Prints the post-incident timeline as Markdown: posts scheduled, sent, held and missed, freezes
and thaws and who pulled them, holding statements, and who changed which post (git history).
WHEN is an ISO time (2027-02-03T08:00:00+01:00), a local time in the team zone
(2027-02-03 08:00) or a local date (2027-02-03; as --until it includes that whole day).
--until defaults to now.
`;

export const timelineCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['since', 'until'], booleans: ['help'] });
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (typeof flags.since !== 'string') throw new UsageError('--since is required, e.g. --since 2027-02-03 or --since "2027-02-03 07:00"');
  const repo = await loadRepo(ctx.root, false);
  const zone = repo.config.timezone;
  const since = parseTimeArg(flags.since, zone, 'start');
  if (!since.ok) throw new UsageError(`--since ${since.error}`);
  const until = typeof flags.until === 'string' ? parseTimeArg(flags.until, zone, 'end') : { ok: true as const, instant: ctx.now.getTime() };
  if (!until.ok) throw new UsageError(`--until ${until.error}`);
  if (until.instant < since.instant) throw new UsageError('--until is before --since');

  const store = await openCrisisStore(ctx, { readOnly: true });
  await store.refresh();
  const [history, ledger, freezeLog, active, holdingLog, posts, holding] = await Promise.all([
    readHistory(ctx.root, since.instant, until.instant),
    readLedger(store),
    readFreezeLog(store),
    readFreezes(store),
    readHoldingLog(store),
    loadPosts(ctx.root, repo.config),
    loadPosts(ctx.root, repo.config, undefined, 'holding'),
  ]);
  const notes: string[] = [];
  if (!history.ok) notes.push(`Git history is missing from this timeline: ${history.error}`);
  if (posts.failed.length) notes.push(`${posts.failed.length} post file(s) could not be read and are missing from "scheduled": ${posts.failed.slice(0, 5).join(', ')}`);
  const entries = buildTimeline({
    since: since.instant, until: until.instant, commits: history.ok ? history.commits : [], ledger, freezeLog, active, now: ctx.now.getTime(), holdingLog,
    posts: [...posts.posts, ...holding.posts.filter((p) => p.publishAt !== undefined)],
  });
  ctx.out(timelineMarkdown(entries, { since: since.instant, until: until.instant, zone, notes }));
  return 0;
};
