/**
 * `copydesk inbox <subcommand>`: the feedback inbox. Subcommands are a table, so the collector
 * (`collect`) and the replies add theirs as one entry each.
 *
 *   copydesk inbox sync                  one GitHub issue per conversation, tone, clock, overdue mention
 *                                        (a step of the publisher's scheduled job, after `inbox collect`)
 *   copydesk inbox comment --from-event  a command comment on a conversation's issue
 *                                        (.github/workflows/feedback.yml; reads GITHUB_EVENT_PATH)
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { githubFromEnv } from '../github/github-env.ts';
import { createWriteAccessLookup } from '../github/write-access.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import { COMMENT_COMMANDS } from './comment-command.ts';
import type { Conversation } from './conversation.ts';
import { handleCommentEvent, readCommentEvent } from './comment-event.ts';
import { readConversations } from './conversation-store.ts';
import { commentOnIssue, repositoryIsPrivate, writeFeedbackIssue, type FeedbackGitHub } from './feedback-github.ts';
import { isPrivate, notificationsUrl, renderFeedbackIssue } from './feedback-issue.ts';
import { clockStart } from './inbox-listing.ts';
import { syncInbox } from './inbox-sync.ts';
import { readClock } from './response-clock.ts';
import { conversationTone } from './tone.ts';

const SYNC_HELP = `Usage: copydesk inbox sync

Shows every conversation of the feedback inbox (feedback/conversations/ on the state store, written
by \`copydesk inbox collect\`) as one GitHub issue labelled \`feedback\`, created once and updated in
place: tone (urgent and negative first), the customer's words (private messages: only that one
arrived, unless feedback.private_repository is true and the repository is private), a link to
the original, visibility, the response clock in business hours, the status. Closes the issue when
the conversation is answered or needs no reply. When the first-response target runs out, one
comment mentions the roster's owner and backup. Needs GITHUB_TOKEN (issues: write) and
GITHUB_REPOSITORY; with no conversations it calls nothing. COPYDESK_SITE_URL links the inbox page.
`;

const COMMENT_HELP = `Usage: copydesk inbox comment --from-event

Runs a command written as a comment on a conversation's issue (the issue_comment event at
GITHUB_EVENT_PATH; .github/workflows/feedback.yml). Only people with write access count; anyone
else's comment changes nothing and gets no answer. Commands:
${Object.values(COMMENT_COMMANDS).map((c) => `  ${c.usage.padEnd(52)} ${c.summary}`).join('\n')}
`;

const HELP = `Usage: copydesk inbox <subcommand>

  sync                   one GitHub issue per conversation: tone, clock, overdue mention
  comment --from-event   a team member's command comment on a conversation's issue

Run \`copydesk inbox <subcommand> --help\` for details.
`;

async function configOrFail(ctx: CommandContext, what: string): Promise<Config | null> {
  const loaded = await loadConfig(ctx.root);
  if (loaded.ok) return loaded.config;
  for (const p of loaded.problems) ctx.err(`${p.file}:${p.line}: ${p.message}${p.fix ? ` ${p.fix}` : ''}\n`);
  ctx.err(`copydesk inbox ${what}: fix copydesk.config.yaml first; nothing was done.\n`);
  return null;
}

function inboxUrl(ctx: CommandContext): string | undefined {
  const base = ctx.env.COPYDESK_SITE_URL?.trim();
  return base && /^https?:\/\//.test(base) ? `${base.replace(/\/+$/, '')}/inbox/` : undefined;
}

const sync: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { booleans: ['help'] });
  if (flags.help) return ctx.out(SYNC_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const config = await configOrFail(ctx, 'sync');
  if (!config) return 1;
  const store = await openCrisisStore(ctx);
  await store.refresh();
  const { conversations } = await readConversations(store);
  if (!conversations.length) {
    ctx.out('Inbox: no conversations; nothing to do.\n');
    return 0;
  }
  const gh = githubFromEnv(ctx.env);
  if (!gh.ok) {
    ctx.err(`copydesk inbox sync: ${gh.error}\n`);
    return 2;
  }
  const url = inboxUrl(ctx);
  const report = await syncInbox({ store, gh, config, now: ctx.now.getTime(), ...(url ? { inboxUrl: url } : {}) });
  for (const l of report.lines) ctx.out(`${l}\n`);
  for (const e of report.errors) ctx.err(`copydesk inbox sync: ${e}\n`);
  ctx.out(`Inbox: ${conversations.length} conversation(s); ${report.created} issue(s) opened, ${report.updated} updated, ${report.mentioned} overdue mention(s).\n`);
  return report.errors.length ? 1 : 0;
};

/** Writes the issue as the conversation now reads (after a command), so nobody waits for the next tick. */
async function rewriteIssue(gh: FeedbackGitHub, config: Config, ctx: CommandContext, c: Conversation): Promise<void> {
  if (c.issue === undefined) return;
  const fb = config.feedback;
  let showPrivateWords = false;
  if (fb.privateRepository && isPrivate(c.visibility)) {
    const r = await repositoryIsPrivate(gh);
    showPrivateWords = r.ok && r.private;
  }
  const tone = conversationTone(c, fb, config.lang);
  const clock = c.status === 'open' ? readClock(fb.businessHours, fb.firstResponseMinutes, clockStart(c), ctx.now.getTime()) : undefined;
  const url = inboxUrl(ctx);
  const view = renderFeedbackIssue({ ...c, tone }, { tone, ...(clock ? { clock } : {}), zone: fb.businessHours.zone, targetMinutes: fb.firstResponseMinutes, showPrivateWords, ...(url ? { inboxUrl: url } : {}), ...notificationsLink(c.network, config) });
  const w = await writeFeedbackIssue(gh, c.issue, c.id, view);
  if (!w.ok) ctx.err(`copydesk inbox comment: ${w.text} (the change is recorded; the next sync writes the issue)\n`);
}

const comment: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { booleans: ['help', 'from-event'] });
  if (flags.help) return ctx.out(COMMENT_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!flags['from-event']) throw new UsageError('--from-event is required (the issue_comment event at GITHUB_EVENT_PATH)');
  const path = ctx.env.GITHUB_EVENT_PATH;
  if (!path) throw new UsageError('--from-event needs GITHUB_EVENT_PATH (set by GitHub Actions on an issue_comment event)');
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    ctx.err(`copydesk inbox comment: cannot read the event payload at ${path}: ${(e as Error).message}\n`);
    return 2;
  }
  const event = readCommentEvent(payload);
  if (typeof event === 'string') {
    ctx.err(`copydesk inbox comment: ${event}\n`);
    return 2;
  }
  const config = await configOrFail(ctx, 'comment');
  if (!config) return 1;
  const gh = githubFromEnv(ctx.env);
  if (!gh.ok) {
    ctx.err(`copydesk inbox comment: ${gh.error}\n`);
    return 2;
  }
  const store = await openCrisisStore(ctx);
  const outcome = await handleCommentEvent(event, { store, canWrite: createWriteAccessLookup(gh.octokit, gh.owner, gh.repo), now: ctx.now.getTime() });
  switch (outcome.kind) {
    case 'ignored':
    case 'stranger':
      // Nothing on GitHub: a stranger learns nothing, and the log says only that it was ignored.
      ctx.out(`Nothing to do: ${outcome.why}.\n`);
      return 0;
    case 'lookup-failed':
      ctx.err(`copydesk inbox comment: ${outcome.error}; nothing was changed. Write the command again later.\n`);
      return 1;
    case 'handoff':
      ctx.out(`/${outcome.command.name} is carried out by another copydesk step; nothing done here.\n`);
      return 0;
    case 'done': {
      if (outcome.conversation) await rewriteIssue(gh, config, ctx, outcome.conversation);
      const posted = await commentOnIssue(gh, event.issue, outcome.reply);
      if (!posted.ok) ctx.err(`copydesk inbox comment: ${posted.text}\n`);
      ctx.out(`${outcome.reply}\n`);
      return 0;
    }
  }
};

/** Subcommands of `copydesk inbox`; add one entry per subcommand. */
export const INBOX_SUBCOMMANDS: Record<string, Command> = { sync, comment };

export const inboxCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') return ctx.out(HELP), sub ? 0 : 2;
  const run = Object.hasOwn(INBOX_SUBCOMMANDS, sub) ? INBOX_SUBCOMMANDS[sub] : undefined;
  if (!run) throw new UsageError(`unknown subcommand "${sub}" (subcommands: ${Object.keys(INBOX_SUBCOMMANDS).join(', ')})`);
  return run(rest, ctx);
};

/** The notifications link for a private message's issue, when the network's home is known. */
function notificationsLink(network: string, config: Config): { notificationsUrl?: string } {
  const url = notificationsUrl(network, config.channels.mastodon.instance);
  return url ? { notificationsUrl: url } : {};
}
