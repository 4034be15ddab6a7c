/**
 * `copydesk inbox <comment|send>`: the replies' entry points.
 *
 * - `inbox comment`: the feedback workflow (.github/workflows/feedback.yml) runs it for every
 *   comment on an issue (`issue_comment`, created or edited), with the event in GITHUB_EVENT_PATH.
 *   `/reply` and `/approve` are handled by ./reply-comment.ts. When a reply was approved it writes
 *   `approved=true` to GITHUB_OUTPUT, and the workflow starts the publish workflow at once.
 * - `inbox send [--dry-run] [--reply ID]`: sends every approved reply once (./reply-send.ts); the
 *   publish workflow runs it on each tick, after `copydesk publish`.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { Command, CommandContext } from '../cli/context.ts';
import { parseArgs, UsageError } from '../cli/context.ts';
import { loadConfig } from '../config/load-config.ts';
import { githubFromEnv } from '../github/github-env.ts';
import { resolveChannels } from '../publish/channels.ts';
import { runIdFrom } from '../publish/publish-command.ts';
import { createRedactor, secretValues } from '../publish/redact.ts';
import { createSecretSink } from '../publish/secret-sink.ts';
import { openStateStore } from '../state/open-store.ts';
import { commandWord, COMMENT_COMMANDS } from './comment-command.ts';
import type { CommentEvent } from './reply-comment.ts';
import { replyGitHub, verifyCommentSource } from './reply-github.ts';
import { sendReplies, type ReplyOutcome } from './reply-send.ts';
import { preparePostReplies } from './reply-post.ts';
import { loadPosts } from '../post/load-posts.ts';

const HELP = `Usage: copydesk inbox <comment|send> [options]

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

export const inboxCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === 'help') return ctx.out(HELP), sub ? 0 : 2;
  if (sub === 'comment') return commentCmd(rest, ctx);
  if (sub === 'send') return sendCmd(rest, ctx);
  throw new UsageError(`unknown inbox command "${sub}" (comment, send)`);
};

async function commentCmd(args: string[], ctx: CommandContext): Promise<number> {
  const { flags } = parseArgs(args, { booleans: ['help'] });
  if (flags.help) return ctx.out(HELP), 0;
  const path = ctx.env.GITHUB_EVENT_PATH;
  if (!path) throw new UsageError('inbox comment reads the issue_comment event from GITHUB_EVENT_PATH (run it from the feedback workflow)');
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
  // An edit or deletion of a former /reply goes to the reply handler too (it withdraws the draft).
  const word = commandWord(c.body) ?? (payload.action === 'edited' || payload.action === 'deleted' ? '/reply' : undefined);
  if (!word) return ctx.out('not an inbox command; nothing to do\n'), 0;
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
  const handler = await COMMENT_COMMANDS[word]!();
  const result = await handler({ event, store, config: loaded.config, now: ctx.now, github: replyGitHub(gh.octokit, gh.owner, gh.repo, redact), log: (l) => ctx.out(`${redact(l)}\n`) });
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
  if (flags.help) return ctx.out(HELP), 0;
  const dryRun = flags['dry-run'] === true;
  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    ctx.err('copydesk inbox send: copydesk.config.yaml has errors; fix them first.\n');
    return 1;
  }
  const { config } = loaded;
  const envSecrets = secretValues(ctx.env);
  const redact = createRedactor(envSecrets);
  const onSecret = createSecretSink({ redactor: redact, inActions: ctx.env.GITHUB_ACTIONS === 'true', write: ctx.out, alreadyMasked: envSecrets });
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
