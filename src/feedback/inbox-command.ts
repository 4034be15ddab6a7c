/**
 * `copydesk inbox <subcommand>`: the feedback inbox. Subcommands are a table, so the collector
 * (`collect`) and the replies add theirs as one entry each.
 *
 *   copydesk inbox sync                  one GitHub issue per conversation, tone, clock, overdue mention
 *                                        (a step of the publisher's scheduled job, after `inbox collect`)
 *   copydesk inbox comment --from-event  a command comment on a conversation's issue
 *                                        (.github/workflows/feedback.yml; reads GITHUB_EVENT_PATH):
 *                                        /tone, /no-reply-needed, /reopen here; /reply and /approve
 *                                        in ./reply-comment.ts (writes `approved=true` to
 *                                        GITHUB_OUTPUT, and the workflow starts the publisher)
 *   copydesk inbox send [--dry-run] [--reply ID]
 *                                        every approved reply once (./reply-send.ts), a step of the
 *                                        publisher's job after `copydesk publish`
 */
import { appendFile, readFile } from 'node:fs/promises';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { githubFromEnv } from '../github/github-env.ts';
import { createWriteAccessLookup } from '../github/write-access.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import { COMMENT_COMMANDS, replyCommandOf } from './comment-command.ts';
import { inboxCollectCommand, inboxListCommand } from './inbox-collect-command.ts';
import { createRedactor, secretValues } from '../publish/redact.ts';
import { runSecrets } from '../publish/secret-sink.ts';
import { resolveChannels } from '../publish/channels.ts';
import { runIdFrom } from '../publish/publish-command.ts';
import { openStateStore } from '../state/open-store.ts';
import { loadPosts } from '../post/load-posts.ts';
import type { CommentEvent } from './reply-comment.ts';
import { handleReplyComment } from './reply-comment.ts';
import { replyGitHub, verifyCommentSource } from './reply-github.ts';
import { sendReplies, type ReplyOutcome } from './reply-send.ts';
import { preparePostReplies } from './reply-post.ts';
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

const SEND_HELP = `Usage: copydesk inbox send [--dry-run] [--reply ID]  (and the /reply, /approve comments)

Replies to customers, checked and approved like posts, sent exactly once.

  inbox comment            handle one issue comment (the feedback workflow; event in GITHUB_EVENT_PATH):
                           /reply [--direct] [--off-air] [--incident] <text>   a reply draft (checked; copydesk
                                                    answers with the findings and the line that approves it)
                           /approve <hash>          a second team member (write access, not the writer)
                                                    approves exactly that version; an edit voids it
  inbox send [--dry-run] [--reply ID]
                           send every approved reply once (the publish workflow, each tick)

/reply options:
  --direct     answer privately (Mastodon \`direct\`). A customer's direct message always gets a direct answer.
  --off-air    one action: the text as a direct message, then a public "we've sent you a message".
  --incident   part of the incident response: may go out while frozen, if approved by whoever froze or the owner.
Bluesky has no direct-message API on the PDS copydesk posts to: --direct and --off-air are refused
there (answer in the Bluesky app's chat yourself and mark the conversation /no-reply-needed).
A freeze stops replies: an approved reply it holds is recorded missed and is not sent after the
thaw unless a team member approves it again.
`;

const HELP = `Usage: copydesk inbox [--json]    the open conversations, most urgent first
       copydesk inbox <subcommand>

  collect                read new mentions, replies and quotes into conversations (the publish workflow)

  sync                   one GitHub issue per conversation: tone, clock, overdue mention
  comment --from-event   a team member's command comment on a conversation's issue
                         (/tone, /no-reply-needed, /reopen, /reply, /approve)
  send [--dry-run] [--reply ID]
                         send every approved reply once (the publish workflow, each tick)

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
  const replyWord = replyPayload(payload);
  if (replyWord) return replyComment(replyWord, ctx);
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
export const INBOX_SUBCOMMANDS: Record<string, Command> = { collect: inboxCollectCommand, sync, comment, send: (args, ctx) => sendCmd(args, ctx) };

export const inboxCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h' || sub === 'help') return ctx.out(HELP), 0;
  // No subcommand (or only --json): the list of open conversations.
  if (sub === undefined || sub.startsWith('--')) return inboxListCommand(args, ctx);
  const run = Object.hasOwn(INBOX_SUBCOMMANDS, sub) ? INBOX_SUBCOMMANDS[sub] : undefined;
  if (!run) throw new UsageError(`unknown subcommand "${sub}" (subcommands: ${Object.keys(INBOX_SUBCOMMANDS).join(', ')})`);
  return run(rest, ctx);
};

/** The notifications link for a private message's issue, when the network's home is known. */
function notificationsLink(network: string, config: Config): { notificationsUrl?: string } {
  const url = notificationsUrl(network, config.channels.mastodon.instance);
  return url ? { notificationsUrl: url } : {};
}

/** The reply command a comment event is about (`/reply`, `/approve`, or an edit/deletion of a draft), if any. */
function replyPayload(payload: unknown): '/reply' | '/approve' | undefined {
  const p = payload as { action?: string; issue?: { pull_request?: unknown }; comment?: { body?: unknown } } | null;
  if (!p || typeof p.comment?.body !== 'string' || p.issue?.pull_request) return undefined;
  return replyCommandOf(p.comment.body, String(p.action ?? ''));
}

/** `/reply` and `/approve` (./reply-comment.ts): drafts checked like posts, approvals of an exact hash. */
async function replyComment(word: '/reply' | '/approve', ctx: CommandContext): Promise<number> {
  const path = ctx.env.GITHUB_EVENT_PATH!;
  let payload: { action?: string; issue?: { number?: number; pull_request?: unknown }; comment?: { id?: number; body?: string; user?: { login?: string; type?: string } }; sender?: { login?: string; type?: string } };
  try {
    payload = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    ctx.err(`copydesk inbox comment: cannot read the event at ${path}: ${(e as Error).message}\n`);
    return 1;
  }
  const c = payload.comment;
  if (!payload.issue?.number || !c?.id || typeof c.body !== 'string' || !c.user?.login) {
    ctx.out('not an issue comment event; nothing to do\n');
    return 0;
  }
  if (payload.issue.pull_request) return ctx.out('a pull request comment; nothing to do\n'), 0;
  const gh = githubFromEnv(ctx.env);
  if (!gh.ok) {
    ctx.err(`copydesk inbox comment: ${gh.error}\n`);
    return 1;
  }
  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    ctx.err(`copydesk inbox comment: copydesk.config.yaml has errors; fix them first.\n`);
    return 1;
  }
  const redact = createRedactor(secretValues(ctx.env));
  const event: CommentEvent = {
    action: String(payload.action ?? ''), issue: payload.issue.number, commentId: c.id, body: c.body,
    user: { login: c.user.login, ...(c.user.type ? { type: c.user.type } : {}) },
    ...(payload.sender?.login ? { sender: { login: payload.sender.login, ...(payload.sender.type ? { type: payload.sender.type } : {}) } } : {}),
  };
  const store = await openStateStore(ctx, { config: loaded.config, redact });
  void word;
  const result = await handleReplyComment({ event, store, config: loaded.config, now: ctx.now, github: replyGitHub(gh.octokit, gh.owner, gh.repo, redact), log: (l) => ctx.out(`${redact(l)}\n`) });
  ctx.out(`${redact(`${result.status}${'reason' in result ? `: ${result.reason}` : ''}${'hash' in result ? ` (${result.replyId} ${result.hash})` : ''}`)}\n`);
  if (result.status === 'approved' && ctx.env.GITHUB_OUTPUT) await appendFile(ctx.env.GITHUB_OUTPUT, 'approved=true\n');
  return 0;
}

function describe(o: ReplyOutcome): string {
  const where = o.refs ? ` (${[o.refs.direct ? `direct: ${o.refs.direct.url ?? o.refs.direct.uri ?? o.refs.direct.id}` : '', o.refs.public ? `public: ${o.refs.public.url ?? o.refs.public.uri ?? o.refs.public.id}` : ''].filter(Boolean).join(', ')})` : '';
  return `reply ${o.replyId}: ${o.status}${where}${o.reason ? `: ${o.reason}` : ''}${o.action ? `\n  Do: ${o.action}` : ''}`;
}

async function sendCmd(args: string[], ctx: CommandContext): Promise<number> {
  const { flags } = parseArgs(args, { strings: ['reply'], booleans: ['dry-run', 'help'] });
  if (flags.help) return ctx.out(SEND_HELP), 0;
  const dryRun = flags['dry-run'] === true;
  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    ctx.err('copydesk inbox send: copydesk.config.yaml has errors; fix them first.\n');
    return 1;
  }
  const { config } = loaded;
  const { redact, onSecret } = runSecrets(ctx.env, ctx.out);
  const setup = resolveChannels({ root: ctx.root, config, env: ctx.env, onSecret });
  let verifySource;
  if (ctx.env.GITHUB_TOKEN && ctx.env.GITHUB_REPOSITORY) {
    const gh = githubFromEnv(ctx.env);
    if (gh.ok) verifySource = verifyCommentSource(gh.octokit, gh.owner, gh.repo);
  } else if (ctx.env.GITHUB_ACTIONS === 'true') {
    ctx.err('copydesk inbox send: in GitHub Actions the /reply comments are re-read before sending, which needs GITHUB_TOKEN and GITHUB_REPOSITORY; nothing sent.\n');
    return 1;
  }
  const store = await openStateStore(ctx, { readOnly: dryRun, config, redact });
  // Reply files (`reply_to:` in posts/): recorded and approved through the pull request's review.
  const replyPosts = (await loadPosts(ctx.root, config)).posts.filter((p) => p.replyTo);
  if (replyPosts.length) {
    const approve = ctx.env.GITHUB_ACTIONS === 'true' ? await approvalGate(ctx) : undefined;
    if (approve === 'missing') {
      ctx.err('copydesk inbox send: in GitHub Actions reply files need the approval check, which needs GITHUB_TOKEN and GITHUB_REPOSITORY; no reply file sent.\n');
    } else if (!dryRun) {
      for (const p of await preparePostReplies({ posts: replyPosts, store, config, now: ctx.now, ...(approve ? { approve } : {}) })) {
        if (p.status !== 'ready') ctx.out(`${redact(`reply ${p.replyId} (${p.file}): ${p.status}: ${p.reason}`)}\n`);
      }
    }
  }
  const outcomes = await sendReplies({
    store, channels: setup.channel, config, now: () => ctx.now, runId: runIdFrom(ctx), dryRun, redact,
    credentials: setup.credentials, credentialHelp: setup.credentialHelp,
    ...(verifySource ? { verifySource } : {}),
    ...(typeof flags.reply === 'string' ? { only: [flags.reply] } : {}),
    log: (l) => ctx.out(`  ${redact(l)}\n`),
  });
  const worth = outcomes.filter((o) => o.status !== 'already-sent');
  if (!worth.length) ctx.out('inbox: no reply to send\n');
  for (const o of worth) ctx.out(`${redact(describe(o))}\n`);
  return outcomes.some((o) => o.status === 'held' && o.action) ? 1 : 0;
}

/** The publisher's approval gate for reply files (required in Actions). */
async function approvalGate(ctx: CommandContext) {
  const token = ctx.env.GITHUB_TOKEN?.trim();
  const repository = ctx.env.GITHUB_REPOSITORY?.trim();
  if (!token || !repository) return 'missing' as const;
  const { createApprovalGate } = await import('../publish/approval-gate.ts');
  return createApprovalGate({
    root: ctx.root, repository, branch: ctx.env.GITHUB_REF_NAME?.trim() || 'main', token, env: ctx.env,
    ...(ctx.env.GITHUB_API_URL ? { apiUrl: ctx.env.GITHUB_API_URL } : {}),
  });
}
