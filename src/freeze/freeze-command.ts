/**
 * `copydesk freeze` and `copydesk thaw`: the brake. Recording the freeze comes first and alone
 * (one store update); everything else (listing held posts, commenting on the issue) comes after
 * and cannot undo it.
 *
 *   copydesk freeze --reason "…" [--term flood]… [--tag promo]… [--by NAME]
 *   copydesk freeze --from-issue          (in the freeze workflow: reads GITHUB_EVENT_PATH)
 *   copydesk thaw [--id ID] [--by NAME]
 *   copydesk thaw --from-issue            (issue closed)
 */
import { readFile } from 'node:fs/promises';
import { fence } from '../check/markdown.ts';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import { readLedger } from '../schedule/ledger.ts';
import type { StateStore } from '../state/store.ts';
import { actorName } from '../cli/actor.ts';
import { freezeChange, thawChange, type FreezeOutcome, type FreezeRequest, type ThawOutcome, type ThawRequest } from './freeze-apply.ts';
import { readIssueEvent, type IssueIntent } from './freeze-issue.ts';
import { freezeReport, thawReport, upcomingHeld } from './freeze-report.ts';
import { githubFromEnv, type GitHubEnv } from '../github/github-env.ts';
import { loadRepo } from '../post/load-repo.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import { repeatedOptions } from '../cli/repeated-options.ts';
import { teamMember } from '../github/team-member.ts';
import { missedDuringFreezes } from './thaw-summary.ts';

const FREEZE_HELP = `Usage: copydesk freeze --reason "why" [--term WORD]... [--tag TAG]... [--by NAME]
       copydesk freeze --from-issue

Stops publishing now. Posts that fall due while frozen are missed, never sent late.
  --reason TEXT   why (required)
  --term WORD     hold only posts mentioning WORD (whole word, any case); repeatable
  --tag TAG       hold only posts tagged TAG (any case); repeatable
  --by NAME       who is freezing (default: GITHUB_ACTOR, else your user name)
  --from-issue    read the freeze from the GitHub issues event (freeze workflow)
`;

const THAW_HELP = `Usage: copydesk thaw [--id ID] [--by NAME]
       copydesk thaw --from-issue

Ends the freeze (all active freezes, or the one with --id) and lists the posts that fell due
during it: they stay missed, each needs a new pull request (new time, new review).
`;

/** Commit messages on the state branch carry the reason: keep them one short line. */
function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 72 ? `${one.slice(0, 71)}…` : one;
}

function source(ctx: CommandContext): string {
  return ctx.env.GITHUB_EVENT_NAME === 'workflow_dispatch' ? 'dispatch' : 'cli';
}

/** Records a freeze on the newest state; throws only when the store cannot be written. */
export async function recordFreeze(store: StateStore, req: FreezeRequest): Promise<FreezeOutcome> {
  let outcome: FreezeOutcome | undefined;
  await store.update(`freeze: ${short(req.reason)} (by ${req.by})`, freezeChange(req, (o) => (outcome = o)));
  return outcome!;
}

/** Records a thaw on the newest state; throws only when the store cannot be written. */
export async function recordThaw(store: StateStore, req: ThawRequest & { issue?: number }): Promise<ThawOutcome> {
  let outcome: ThawOutcome | undefined;
  await store.update(`thaw${req.id ? ` ${req.id}` : req.issue !== undefined ? ` issue #${req.issue}` : ''} (by ${req.by})`, thawChange(req, (o) => (outcome = o)));
  return outcome!;
}

function storeFailed(ctx: CommandContext, what: string, e: unknown): number {
  ctx.err(
    `copydesk ${what}: the ${what} was NOT recorded: ${(e as Error).message}\n` +
      (what === 'freeze'
        ? 'Try again. If it keeps failing, stop publishing by hand: GitHub → Actions → "publish" → ⋯ → Disable workflow.\n'
        : 'Try again; the freeze is still in force.\n'),
  );
  return 1;
}

export const freezeCommand: Command = async (args, ctx) => {
  const { values, rest } = repeatedOptions(args, ['term', 'tag']);
  const { flags, positionals } = parseArgs(rest, { strings: ['reason', 'by'], booleans: ['from-issue', 'help'] });
  if (flags.help) return ctx.out(FREEZE_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; put the reason in quotes: --reason "…"`);
  if (flags['from-issue']) return fromIssue(ctx, 'freeze');
  const reason = typeof flags.reason === 'string' ? flags.reason.trim() : '';
  if (!reason) throw new UsageError('--reason is required: say why, so the team knows when it is safe to thaw (e.g. --reason "flooding in town; pausing cheerful posts")');
  const req: FreezeRequest = { reason, by: actorName(flags.by, ctx.env), at: ctx.now, terms: values.term!, tags: values.tag!, source: source(ctx) };
  return doFreeze(ctx, req, null);
};

export const thawCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['id', 'by'], booleans: ['from-issue', 'help'] });
  if (flags.help) return ctx.out(THAW_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; to thaw one freeze use --id ${positionals[0]}`);
  if (flags['from-issue']) return fromIssue(ctx, 'thaw');
  const req: ThawRequest = { by: actorName(flags.by, ctx.env), at: ctx.now, ...(typeof flags.id === 'string' ? { id: flags.id } : {}) };
  return doThaw(ctx, req, null);
};

interface IssueTarget {
  gh: Extract<GitHubEnv, { ok: true }>;
  number: number;
}

async function doFreeze(ctx: CommandContext, req: FreezeRequest, issue: IssueTarget | null): Promise<number> {
  let store: StateStore;
  let outcome: FreezeOutcome;
  try {
    store = await openCrisisStore(ctx);
    outcome = await recordFreeze(store, req);
  } catch (e) {
    if (issue) await comment(ctx, issue, `⚠️ **The freeze was NOT recorded**: ${(e as Error).message}\n\nRe-run the failed workflow, or disable the \`publish\` workflow by hand (Actions → publish → ⋯ → Disable workflow).`);
    return storeFailed(ctx, 'freeze', e);
  }
  const repo = await loadRepo(ctx.root);
  const text = freezeReport({
    freeze: outcome.freeze,
    already: outcome.status === 'already',
    active: outcome.active,
    held: upcomingHeld(outcome.freeze, repo.posts, ctx.now.getTime()),
    zone: repo.config.timezone,
    now: ctx.now.getTime(),
    storeDescription: store.description,
  });
  ctx.out(text);
  // GitHub sends `opened` and `labeled` for one new issue: confirm once.
  if (issue && outcome.status === 'frozen') await comment(ctx, issue, `🧊 **Frozen** by @${req.by}\n\n${fence(text.trimEnd(), '')}`);
  return 0;
}

async function doThaw(ctx: CommandContext, req: ThawRequest & { issue?: number }, issue: IssueTarget | null): Promise<number> {
  let store: StateStore;
  let outcome: ThawOutcome;
  try {
    store = await openCrisisStore(ctx);
    outcome = await recordThaw(store, req);
  } catch (e) {
    if (issue) await comment(ctx, issue, `⚠️ **The thaw was NOT recorded**: ${(e as Error).message}\n\nThe freeze is still in force. Re-run the failed workflow, or run \`copydesk thaw --id issue-${issue.number}\`.`);
    return storeFailed(ctx, 'thaw', e);
  }
  const repo = await loadRepo(ctx.root);
  if (outcome.status === 'none') {
    const msg = req.id !== undefined
      ? `No active freeze has id "${req.id}". Active: ${outcome.active.map((f) => f.id).join(', ') || 'none'}.\n`
      : req.issue !== undefined
        ? `Issue #${req.issue} holds no active freeze: nothing to thaw.${outcome.active.length ? ` Still active: ${outcome.active.map((f) => f.id).join(', ')}.` : ''}\n`
        : 'Not frozen: nothing to thaw.\n';
    if (req.id !== undefined) {
      ctx.err(`copydesk thaw: ${msg}`);
      return 1;
    }
    ctx.out(msg);
    return 0;
  }
  const ledger = await readLedger(store);
  const missed = missedDuringFreezes(outcome.thawed, ctx.now.getTime(), repo.posts, ledger);
  const text = thawReport({ thawed: outcome.thawed, by: req.by, at: ctx.now.getTime(), remaining: outcome.active, missed, zone: repo.config.timezone, postsUnread: repo.failed });
  ctx.out(text);
  if (issue) await comment(ctx, issue, `☀️ **Thawed** by @${req.by}\n\n${fence(text.trimEnd(), '')}`);
  return 0;
}

async function fromIssue(ctx: CommandContext, expected: 'freeze' | 'thaw'): Promise<number> {
  const path = ctx.env.GITHUB_EVENT_PATH;
  if (!path) throw new UsageError('--from-issue needs GITHUB_EVENT_PATH (set by GitHub Actions on an `issues` event)');
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    ctx.err(`copydesk ${expected}: cannot read the event payload at ${path}: ${(e as Error).message}\n`);
    return 2;
  }
  const intent: IssueIntent = readIssueEvent(payload);
  if (intent.kind === 'invalid') {
    ctx.err(`copydesk ${expected}: ${intent.error}\n`);
    return 2;
  }
  if (intent.kind === 'ignore') {
    ctx.out(`Nothing to do: ${intent.why}.\n`);
    return 0;
  }
  if (intent.kind !== expected) {
    ctx.out(`Nothing to do: this event asks to ${intent.kind}, and this step only does ${expected}.\n`);
    return 0;
  }
  const gh = githubFromEnv(ctx.env);
  if (!gh.ok) {
    // The freeze itself does not need GitHub; only the confirmation comment does.
    ctx.err(`copydesk ${expected}: cannot comment on issue #${intent.issue}: ${gh.error}\n`);
  }
  const target = gh.ok ? { gh, number: intent.issue } : null;
  if (intent.kind === 'thaw') return doThaw(ctx, { by: intent.by, at: ctx.now, issue: intent.issue }, target);

  if (!intent.trusted) {
    if (!gh.ok) {
      ctx.err(`copydesk freeze: @${intent.by} is not known to be on the team and GitHub cannot be asked; not freezing. A team member can add the \`freeze\` label.\n`);
      return 1;
    }
    const member = await teamMember(gh.octokit, gh.owner, gh.repo, intent.by);
    if (member.ok && !member.member) {
      const text = `@${intent.by} opened this freeze issue but has no write or triage access to ${gh.owner}/${gh.repo} (role: ${member.role}), so publishing was **not** frozen. A team member can freeze it by removing and re-adding the \`freeze\` label, or with \`copydesk freeze\`.`;
      ctx.out(`${text}\n`);
      if (target) await comment(ctx, target, text);
      return 0;
    }
    // Cannot tell (GitHub error): a wrong freeze costs a delay, a missing one can cost much more.
    if (!member.ok) ctx.err(`copydesk freeze: ${member.error}; freezing anyway (fail safe).\n`);
  }
  const reason = intent.reason || `see issue #${intent.issue}`;
  return doFreeze(ctx, { reason, by: intent.by, at: ctx.now, terms: intent.terms, tags: intent.tags, source: 'issue', issue: intent.issue }, target);
}

/** Posts a comment on the issue; a failure is reported and never undoes the freeze or thaw. */
async function comment(ctx: CommandContext, target: IssueTarget, body: string): Promise<void> {
  const { octokit, owner, repo } = target.gh;
  try {
    await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: target.number, body });
  } catch (e) {
    const status = (e as { status?: number }).status;
    ctx.err(`copydesk: could not comment on issue #${target.number} (${status ?? 'no answer'}); the change itself is recorded.\n`);
  }
}
