/**
 * `copydesk freeze` and `copydesk thaw`: the brake. Recording the freeze comes first and alone
 * (one store update); everything else (listing held posts, commenting on the issue) comes after
 * and cannot undo it.
 *
 *   copydesk freeze --reason "…" [--term flood]… [--tag promo]… [--by NAME]
 *   copydesk freeze --from-issue          (in the freeze workflow: reads GITHUB_EVENT_PATH)
 *   copydesk thaw [--id ID] [--by NAME]
 *   copydesk thaw --from-issue            (issue closed, or its `freeze` label removed)
 *
 * From an issue, only the event's SENDER counts, and only with write access or more (asked from
 * GitHub on every event: src/github/team-member.ts). A stranger's events never freeze, thaw or
 * change a freeze; when the lookup fails nothing changes and the issue says how a team member
 * confirms. The dispatch path (`--reason`, plain `thaw`) is trusted: only people with write access
 * can run a workflow by hand.
 */
import { readFile } from 'node:fs/promises';
import { fence } from '../check/markdown.ts';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import { readLedger } from '../schedule/ledger.ts';
import type { StateStore } from '../state/store.ts';
import { actorName } from '../cli/actor.ts';
import { freezeChange, thawChange, updateChange, type FreezeOutcome, type FreezeRequest, type ThawOutcome, type ThawRequest, type UpdateOutcome, type UpdateRequest } from './freeze-apply.ts';
import { decideIssueEvent, FREEZE_LABEL, readIssueRequest, type IssueRequest, type SenderAccess } from './freeze-issue.ts';
import { readFreezes } from './freeze-state.ts';
import { markerFor, withMarker } from '../github/marker.ts';
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
  --term WORD     hold only posts mentioning WORD (whole word, any case); repeatable;
                  --term id:<post id> holds exactly that post
  --tag TAG       hold only posts tagged TAG (any case); repeatable
  --by NAME       who is freezing (default: GITHUB_ACTOR, else your user name)
  --from-issue    read the freeze from the GitHub issues event (freeze workflow); only a
                  sender with write access freezes (COPYDESK_GITHUB_TIMEOUT_MS: lookup timeout)
`;

const THAW_HELP = `Usage: copydesk thaw [--id ID] [--by NAME]
       copydesk thaw --from-issue

Ends the freeze (all active freezes, or the one with --id) and lists the posts that fell due
during it: they stay missed, each needs a new pull request (new time, new review).
  --from-issue    thaw the issue's freeze (issue closed or label removed); only a sender with
                  write access thaws
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

/** Milliseconds to wait for the permission lookup (`COPYDESK_GITHUB_TIMEOUT_MS`, default 10,000). */
function lookupTimeout(ctx: CommandContext): number | undefined {
  const v = Number(ctx.env.COPYDESK_GITHUB_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
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
  const request = readIssueRequest(payload);
  if (request.kind === 'invalid') {
    ctx.err(`copydesk ${expected}: ${request.error}\n`);
    return 2;
  }
  if (request.kind === 'ignore') {
    ctx.out(`Nothing to do: ${request.why}.\n`);
    return 0;
  }
  // The freeze step handles freezes and updates (opened, labeled, reopened, edited); the thaw step thaws (closed, unlabeled).
  const step = request.kind === 'thaw' ? 'thaw' : 'freeze';
  if (step !== expected) {
    ctx.out(`Nothing to do: this event asks to ${request.kind}, and this step only does ${expected}.\n`);
    return 0;
  }
  const gh = githubFromEnv(ctx.env);
  const target = gh.ok ? { gh, number: request.issue } : null;
  // Only the sender's permission on the repository counts (src/github/team-member.ts).
  let access: SenderAccess;
  if (!gh.ok) access = { status: 'unknown', error: `GitHub cannot be asked: ${gh.error}` };
  else {
    const timeoutMs = lookupTimeout(ctx);
    const member = await teamMember(gh.octokit, gh.owner, gh.repo, request.sender, timeoutMs ? { timeoutMs } : {});
    access = !member.ok ? { status: 'unknown', error: member.error } : member.member ? { status: 'team', role: member.role } : { status: 'outsider', role: member.role };
  }
  const intent = decideIssueEvent(request, access);
  switch (intent.kind) {
    case 'refuse':
      return refuse(ctx, intent.request, intent.access, target);
    case 'thaw':
      return doThaw(ctx, { by: intent.by, at: ctx.now, issue: intent.issue }, target);
    case 'update':
      return doUpdate(ctx, { issue: intent.issue, reason: intent.reason || `see issue #${intent.issue}`, terms: intent.terms, tags: intent.tags, by: intent.by, at: ctx.now }, target);
    case 'freeze':
      return doFreeze(ctx, { reason: intent.reason || `see issue #${intent.issue}`, by: intent.by, at: ctx.now, terms: intent.terms, tags: intent.tags, source: 'issue', issue: intent.issue }, target);
    default:
      return 0;
  }
}

async function doUpdate(ctx: CommandContext, req: UpdateRequest, issue: IssueTarget | null): Promise<number> {
  let outcome: UpdateOutcome | undefined;
  let store: StateStore;
  try {
    store = await openCrisisStore(ctx);
    await store.update(`freeze: issue #${req.issue} updated: ${short(req.reason)} (by ${req.by})`, updateChange(req, (o) => (outcome = o)));
  } catch (e) {
    if (issue) await comment(ctx, issue, `⚠️ **The change to the freeze was NOT recorded**: ${(e as Error).message}\n\nThe freeze is still in force as it was. Edit the issue again, or re-run the failed workflow.`);
    ctx.err(`copydesk freeze: the update was NOT recorded: ${(e as Error).message}\nThe freeze is still in force as it was.\n`);
    return 1;
  }
  if (outcome!.status === 'none') {
    ctx.out(`Nothing to update: issue #${req.issue} holds no active freeze (an edit never starts one: add the \`${FREEZE_LABEL}\` label).\n`);
    return 0;
  }
  if (outcome!.status === 'unchanged') {
    ctx.out(`Nothing to update: the freeze of issue #${req.issue} already has this reason, terms and tags.\n`);
    return 0;
  }
  const repo = await loadRepo(ctx.root);
  const { freeze, active } = outcome!;
  const text = freezeReport({ freeze, already: false, active, held: upcomingHeld(freeze, repo.posts, ctx.now.getTime()), zone: repo.config.timezone, now: ctx.now.getTime(), storeDescription: store.description });
  const summary = `Updated the freeze of issue #${req.issue} (${outcome!.old.id} → ${freeze.id}); it was: ${outcome!.old.reason}\n${text}`;
  ctx.out(summary);
  // Issue text stays inside the fence: inert, no mentions or links.
  if (issue) await comment(ctx, issue, `✏️ **Freeze updated** by @${req.by}\n\n${fence(summary.trimEnd(), '')}`);
  return 0;
}

/** Who recorded this issue's freeze in force now (`@login`), `null` when none, or a stand-in when the state cannot be read. */
async function heldBy(ctx: CommandContext, issue: number): Promise<string | null> {
  try {
    const store = await openCrisisStore(ctx, { readOnly: true });
    const f = (await readFreezes(store)).find((x) => x.issue === issue);
    return f ? `@${f.by}` : null;
  } catch {
    return 'a team member (if any; the state could not be read)';
  }
}

/**
 * Someone not shown to have write access asked to freeze, thaw or change a freeze: nothing changes.
 * The issue says so (once per person and kind when they simply lack access, so a stranger cannot
 * make the bot talk on a loop) and says how a team member confirms. A failed lookup exits 1 so
 * the run shows red.
 */
async function refuse(ctx: CommandContext, request: IssueRequest, access: Exclude<SenderAccess, { status: 'team' }>, target: IssueTarget | null): Promise<number> {
  const who = `@${request.sender}`;
  const held = await heldBy(ctx, request.issue);
  const because = access.status === 'outsider'
    ? `${who} has no write access to this repository (role: ${access.role})`
    : `copydesk could not check whether ${who} has write access (${access.error})`;
  let text: string;
  if (request.kind === 'freeze') {
    text = held
      ? `${because}, so this ${request.action} changes nothing: the freeze recorded by ${held} stays in force as it is.`
      : `${because}, so publishing was **not** frozen. A team member (write access) can confirm: remove the \`${FREEZE_LABEL}\` label and add it again (the freeze is then recorded as theirs, with this issue's text), or Actions → freeze → Run workflow.`;
  } else if (request.kind === 'thaw') {
    if (!held) {
      ctx.out(`Nothing to do: ${because}, and issue #${request.issue} holds no active freeze.\n`);
      return access.status === 'unknown' ? 1 : 0;
    }
    text = `${because}, so the freeze recorded by ${held} stays **in force**. A team member can thaw it by removing the \`${FREEZE_LABEL}\` label (works on a closed issue too), or Actions → freeze → Run workflow (thaw).`;
  } else {
    if (!held) {
      ctx.out(`Nothing to do: ${because}, and issue #${request.issue} holds no active freeze.\n`);
      return access.status === 'unknown' ? 1 : 0;
    }
    text = `${because}, so this edit does not change the freeze: it keeps the reason, terms and tags ${held} confirmed. A team member can change them by editing the issue.`;
  }
  ctx.out(`${text}\n`);
  if (access.status === 'unknown') ctx.err(`copydesk ${request.kind === 'thaw' ? 'thaw' : 'freeze'}: ${access.error}\n`);
  if (target) {
    if (access.status === 'unknown') await comment(ctx, target, `⚠️ ${text}`);
    else await commentOnce(ctx, target, `refused/${request.kind}/${request.sender}`, text);
  }
  return access.status === 'unknown' ? 1 : 0;
}

/** Comments unless a comment with this marker is already on the issue. */
async function commentOnce(ctx: CommandContext, target: IssueTarget, name: string, body: string): Promise<void> {
  const m = markerFor(`freeze:${name.replace(/[^A-Za-z0-9._:/-]+/g, '_').replace(/-{2,}/g, '-')}`.slice(0, 100));
  if (!m.ok) return comment(ctx, target, body);
  const { octokit, owner, repo } = target.gh;
  try {
    const existing = await octokit.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: target.number, per_page: 100 });
    if (existing.some((c) => typeof c.body === 'string' && c.body.startsWith(m.marker))) return;
  } catch {
    // Cannot tell: a second comment is better than none.
  }
  await comment(ctx, target, withMarker(m.marker, body));
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
