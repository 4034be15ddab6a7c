/**
 * `copydesk reread`: a step of the publish workflow, after the publisher, so it needs no schedule
 * of its own. Opens today's re-read issue at the first tick at or after `reread.time`, edits it in
 * place when a post changes, closes it after the day's last post (or on a later day). Sends nothing.
 *
 * Overlapping ticks: the right to open the day's issue is claimed in the state store's
 * compare-and-swap (./reread-record.ts) before any issue is created, and the issue is found again
 * by its hidden marker (src/github/marker.ts) should a run die between creating and recording it.
 * A tick with nothing new makes no GitHub call and writes no state.
 * Exit code: 0 done (or nothing to do), 2 cannot (no token, GitHub or the state failed).
 */
import { createHash, randomUUID } from 'node:crypto';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import { readFreezes } from '../freeze/freeze-state.ts';
import { githubFromEnv, type GitHubEnv } from '../github/github-env.ts';
import { editIssue } from '../github/issue-edit.ts';
import { closeIssueByMarker, upsertIssueByMarker } from '../github/issue.ts';
import { loadRepo } from '../post/load-repo.ts';
import type { Post } from '../post/post.ts';
import { createRedactor, secretValues } from '../publish/redact.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import type { StateStore } from '../state/store.ts';
import { localDate, REREAD_LABEL, rereadMarker, rereadToday, shouldClose, type RereadDecision, type RereadLinks } from './reread.ts';
import { claimChange, closedChange, openedChange, parseRecord, recordPath, REREAD_DIR } from './reread-record.ts';

const HELP = `Usage: copydesk reread [--dry-run]

The morning re-read: at the first publisher run at or after \`reread.time\` (copydesk.config.yaml,
team time zone, default 07:30) opens one GitHub issue listing today's posts with their full text
and local times, links to freeze, to hold one post and to open its page, mentioning the roster.
Later runs update it when a post changes and close it after the day's last post. Nothing is sent.
A day without posts opens nothing. Runs as a step of .github/workflows/publish.yml.

  --dry-run   print today's issue (or why there is none); no GitHub call, nothing written
              (reads the state for the freeze, read-only)

Needs GITHUB_TOKEN and GITHUB_REPOSITORY (set in Actions). COPYDESK_SITE_URL (+ COPYDESK_BASE)
is where the site is served, for the "Its page" links.
`;

/** Records older than this are not looked at any more (a day's issue is closed the next day at the latest). */
const LOOK_BACK_DAYS = 14;

export const rereadCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { booleans: ['dry-run', 'help'] });
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const dryRun = flags['dry-run'] === true;
  const now = ctx.now.getTime();

  const repo = await loadRepo(ctx.root, true);
  const { config, posts } = repo;
  for (const p of repo.configProblems) ctx.err(`copydesk reread: ${p.file}:${p.line}: ${p.message} (using the defaults)\n`);
  const gh = githubFromEnv(ctx.env);
  const server = (ctx.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const repoPath = config.repository ?? (gh.ok ? `${gh.owner}/${gh.repo}` : undefined);
  const links: RereadLinks = {
    ...(repoPath ? { repoUrl: `${server}/${repoPath}` } : {}),
    ...(siteUrl(ctx.env) ? { siteUrl: siteUrl(ctx.env)! } : {}),
  };
  if (!gh.ok && !dryRun) {
    ctx.err(`copydesk reread: ${gh.error} (or use --dry-run to only print the issue)\n`);
    return 2;
  }
  const store = await openCrisisStore(ctx, { readOnly: dryRun });
  try {
    await store.refresh();
  } catch (e) {
    ctx.err(`copydesk reread: cannot read the state (${store.description}): ${(e as Error).message}\n`);
    return 2;
  }
  const freezes = await readFreezes(store);
  const today = rereadToday({ now, config, posts, links, freezes });
  if (dryRun || !gh.ok) {
    ctx.out(today.kind === 'open' ? `Dry run: the re-read issue would read:\n\n# ${today.title}\n\n${today.body}\n` : `Dry run: no re-read issue: ${today.why}.\n`);
    return 0;
  }
  try {
    return await apply({ ctx, gh, store, today, posts, config, now });
  } catch (e) {
    // The state could not be written (pushes kept being rejected, the branch was rewritten):
    // the next tick tries again; the publisher's own run is not affected.
    ctx.err(`copydesk reread: ${(e as Error).message}\n`);
    return 2;
  }
};

/** The GitHub and state work for `today`: close what is over, open or edit today's issue. */
async function apply(o: { ctx: CommandContext; gh: Extract<GitHubEnv, { ok: true }>; store: StateStore; today: RereadDecision; posts: readonly Post[]; config: Config; now: number }): Promise<number> {
  const { ctx, gh, store, today, posts, config, now } = o;
  const redact = createRedactor(secretValues(ctx.env));
  const base = { owner: gh.owner, repo: gh.repo, redact };
  let failed = false;

  // Close the issues whose day is over or whose last post is out.
  const oldest = localDate(now - LOOK_BACK_DAYS * 86_400_000, config.timezone);
  const paths = (await store.list(REREAD_DIR)).filter((p) => /^reread\/\d{4}-\d{2}-\d{2}\.json$/.test(p) && p.slice(7, 17) >= oldest).sort();
  for (const path of paths) {
    const rec = parseRecord(await store.read(path));
    if (!rec || rec.closed || rec.issue === undefined) continue;
    if (rec.date === today.date && today.kind === 'open') continue;
    if (!shouldClose(posts, rec.date, now, config.timezone) && config.reread.enabled) continue;
    const closed = await closeIssueByMarker(gh.octokit, { ...base, marker: rereadMarker(rec.date), label: REREAD_LABEL, comment: `The posts of ${rec.date} are out (or the day is over): closing the re-read.` });
    ctx.out(`${closed.text}\n`);
    if (closed.status === 'error') {
      failed = true;
      continue;
    }
    await store.update(`reread: close ${rec.date}`, closedChange(rec.date));
  }

  if (today.kind === 'none') {
    ctx.out(`No re-read issue now: ${today.why}.\n`);
    return failed ? 2 : 0;
  }
  const hash = createHash('sha256').update(`${today.title}\n${today.body}`, 'utf8').digest('hex');
  const marker = rereadMarker(today.date);
  let rec = parseRecord(await store.read(recordPath(today.date)));
  if (rec?.closed) {
    ctx.out(`The re-read issue of ${today.date} is closed; it is not opened again.\n`);
    return failed ? 2 : 0;
  }
  if (rec?.issue !== undefined) {
    if (rec.hash === hash) {
      ctx.out(`Re-read issue #${rec.issue} is up to date.\n`);
      return failed ? 2 : 0;
    }
    const edited = await editIssue(gh.octokit, { ...base, number: rec.issue, marker, title: today.title, body: today.body });
    ctx.out(`${edited.text}\n`);
    if (edited.status === 'error') return 2;
    await store.update(`reread: update ${today.date}`, openedChange(today.date, rec.issue, rec.url ?? '', hash));
    return failed ? 2 : 0;
  }

  // Claim the opening first: of two overlapping ticks, only the one whose claim is stored opens it.
  const runId = ctx.env.GITHUB_RUN_ID ? `${ctx.env.GITHUB_RUN_ID}.${ctx.env.GITHUB_RUN_ATTEMPT ?? '1'}` : `local-${randomUUID()}`;
  await store.update(`reread: claim ${today.date}`, claimChange(today.date, runId, now));
  rec = parseRecord(await store.read(recordPath(today.date)));
  if (rec?.claimedBy !== runId || rec.issue !== undefined) {
    ctx.out(`Another run is opening the re-read issue of ${today.date}${rec?.issue !== undefined ? ` (#${rec.issue})` : ''}; nothing to do.\n`);
    return failed ? 2 : 0;
  }
  const opened = await upsertIssueByMarker(gh.octokit, { ...base, marker, title: today.title, body: today.body, labels: [REREAD_LABEL] });
  ctx.out(`${opened.text}\n`);
  if (opened.status === 'error') return 2;
  await store.update(`reread: open ${today.date} #${opened.number}`, openedChange(today.date, opened.number, opened.url, hash));
  return failed ? 2 : 0;
}


/** The site's address for "Its page" links: COPYDESK_SITE_URL with COPYDESK_BASE (as the site build reads them). */
function siteUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const origin = env.COPYDESK_SITE_URL?.trim();
  if (!origin || !/^https?:\/\/[^\s/]+/.test(origin)) return undefined;
  const base = (env.COPYDESK_BASE ?? '').trim().replace(/^\/*/, '/').replace(/\/+$/, '');
  return `${origin.replace(/\/+$/, '')}${base === '/' ? '' : base}`;
}
