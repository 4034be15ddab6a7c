/**
 * `copydesk minutes [--month YYYY-MM] [--posts-per-day 2] [--pages] [--job-minutes file=N …]`:
 * the month's GitHub Actions minutes for THIS repository's workflows (.github/workflows/*.yml) on a
 * private repository, in three cases: idle (nothing to publish), a normal month (two posts a day,
 * each through a checked pull request, a merge, a send and a site build), and the posts actually
 * scheduled in that month. The goals are the issue's: idle ≤ 1,500 and normal ≤ 1,800 (GitHub Free
 * includes 2,000; when the bill is over, every workflow stops, the freeze included).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadPosts } from '../post/load-posts.ts';
import { monthBill, NORMAL_HAND_RUNS, workflowBilling, type MonthBill, type WorkflowBilling } from './actions-minutes.ts';

/**
 * Billed minutes per job where a job takes longer than its first minute (measured: the test suite
 * via .ci/run ≤ 8 min → 9 with setup; the site build ~1 min of install + build → 2).
 */
export const JOB_MINUTES: Readonly<Record<string, number>> = { 'ci.yml': 9, 'site.yml': 2 };
export const GOALS = { idle: 1500, normal: 1800, free: 2000 } as const;

const HELP = `Usage: copydesk minutes [--month YYYY-MM] [--posts-per-day 2] [--commands-per-day 4] [--replies-per-day 1] [--pages] [--job-minutes file.yml=N]

GitHub Actions minutes a month for this repository's workflows on a PRIVATE repository, where each
job is billed rounded up to a whole minute (GitHub Free includes 2,000 a month; public repositories
are free). Shows an idle month, a normal month (--posts-per-day posts, each a pull request, a merge,
a send and a site build) and the posts scheduled in --month (default: this month).
  --commands-per-day N  command comments on feedback issues in a normal month (default 4: two
                        conversations a day, each with a command and an approval); other comments
                        start no runner
  --replies-per-day N   of which replies approved a day (default 1): each approval starts the
                        publisher at once
  --pages               count the GitHub Pages deploy job (vars.COPYDESK_PAGES = true)
  --job-minutes f.yml=N billed minutes per job of a workflow (defaults: ci.yml=9, site.yml=2, others 1)
`;

export const minutesCommand: Command = async (args, ctx) => {
  const { flags, positionals, repeated } = parseMinutesArgs(args);
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const month = typeof flags.month === 'string' ? flags.month : ctx.now.toISOString().slice(0, 7);
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new UsageError(`--month must be YYYY-MM, e.g. 2027-04, not "${month}"`);
  const from = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const until = Date.UTC(Number(m[1]), Number(m[2]), 1);
  const days = Math.round((until - from) / 86_400_000);
  const perDay = flags['posts-per-day'] === undefined ? 2 : Number(flags['posts-per-day']);
  if (!Number.isFinite(perDay) || perDay < 0) throw new UsageError(`--posts-per-day must be a number ≥ 0, not "${String(flags['posts-per-day'])}"`);
  const repliesPerDay = flags['replies-per-day'] === undefined ? 1 : Number(flags['replies-per-day']);
  if (!Number.isFinite(repliesPerDay) || repliesPerDay < 0) throw new UsageError(`--replies-per-day must be a number ≥ 0, not "${String(flags['replies-per-day'])}"`);
  const replies = Math.round(repliesPerDay * days);
  const commandsPerDay = flags['commands-per-day'] === undefined ? 4 : Number(flags['commands-per-day']);
  if (!Number.isFinite(commandsPerDay) || commandsPerDay < 0) throw new UsageError(`--commands-per-day must be a number ≥ 0, not "${String(flags['commands-per-day'])}"`);
  const jobMinutes: Record<string, number> = { ...JOB_MINUTES };
  for (const j of repeated) {
    const jm = /^([\w.-]+\.ya?ml)=(\d+)$/.exec(j);
    if (!jm) throw new UsageError(`--job-minutes must be file.yml=N, e.g. ci.yml=9, not "${j}"`);
    jobMinutes[jm[1]!] = Number(jm[2]);
  }

  const dir = join(ctx.root, '.github', 'workflows');
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    ctx.err(`copydesk minutes: no workflows in ${dir}\n`);
    return 1;
  }
  const workflows: WorkflowBilling[] = [];
  for (const f of files) {
    try {
      workflows.push(workflowBilling(f, parse(await readFile(join(dir, f), 'utf8')), { pages: flags.pages === true }));
    } catch (e) {
      ctx.err(`.github/workflows/${f}: not valid YAML (${(e as Error).message.split('\n')[0]}); left out of the bill\n`);
    }
  }
  for (const w of workflows) for (const p of w.problems) ctx.err(`.github/workflows/${p}\n`);

  const loaded = await loadConfig(ctx.root);
  const scheduled = loaded.ok ? (await loadPosts(ctx.root, loaded.config)).posts.filter((p) => !p.draft && p.publishAt !== undefined && p.publishAt >= from && p.publishAt < until).length : 0;
  const normal = Math.round(perDay * days);
  const commands = Math.round(commandsPerDay * days);
  const hand = Object.entries(NORMAL_HAND_RUNS).map(([f, n]) => `${n} ${f} run${n === 1 ? '' : 's'}`).join(', ');
  const cases: [string, number, number | undefined, Readonly<Record<string, number>>, number][] = [
    ['idle: nothing to publish', 0, GOALS.idle, {}, 0],
    [`normal: ${perDay} posts a day (${normal} this month), ${commandsPerDay} inbox commands and ${repliesPerDay} approved reply a day, ${hand} by hand`, normal, GOALS.normal, NORMAL_HAND_RUNS, commands],
    [`this repository's posts scheduled in ${month}: ${scheduled}, ${commandsPerDay} inbox commands a day`, scheduled, undefined, {}, commands],
  ];
  ctx.out(`GitHub Actions minutes for ${month} (${days} days) on a private repository, each job rounded up to a whole minute.\n`);
  const bills: MonthBill[] = [];
  for (const [label, posts, goal, handRuns, commandComments] of cases) {
    // Approved replies (each starts the publisher at once) only in the normal month.
    const inbox = goal === GOALS.normal ? { inboxApprovals: replies } : {};
    const bill = monthBill(workflows, { postPullRequests: posts, recordingPublishRuns: posts, handRuns, commandComments, ...inbox }, from, until, jobMinutes);
    bills.push(bill);
    ctx.out(`\n${label}\n`);
    for (const b of bill.workflows.filter((x) => x.runs)) ctx.out(`  ${b.file.padEnd(20)} ${String(b.runs).padStart(5)} runs × ${b.minutesPerRun} min = ${String(b.minutes).padStart(5)}   (${b.why})\n`);
    const verdict = goal === undefined ? '' : bill.total <= goal ? ` (goal ≤ ${goal.toLocaleString('en')}: met)` : ` (goal ≤ ${goal.toLocaleString('en')}: MISSED)`;
    ctx.out(`  total ${bill.total.toLocaleString('en')} minutes${verdict}; GitHub Free includes ${GOALS.free.toLocaleString('en')}\n`);
  }
  ctx.out('\nA public repository pays nothing for these minutes (there the publisher can tick every 5 minutes).\nThe cadence is the cron in .github/workflows/publish.yml; see README "Actions minutes".\n');
  return bills[1]!.total > GOALS.free ? 1 : 0;
};

function parseMinutesArgs(args: string[]) {
  const jobs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--job-minutes') jobs.push(args[++i] ?? '');
    else if (args[i]!.startsWith('--job-minutes=')) jobs.push(args[i]!.slice('--job-minutes='.length));
    else rest.push(args[i]!);
  }
  const { flags, positionals } = parseArgs(rest, { strings: ['month', 'posts-per-day', 'replies-per-day', 'commands-per-day'], booleans: ['pages', 'help'] });
  return { flags, positionals, repeated: jobs };
}
