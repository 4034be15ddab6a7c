/**
 * `copydesk publish [--dry-run] [--retry <post id>]`: the scheduled publisher's entry point (the
 * publish workflow runs it on each tick). Wires the environment to `publish()`: which channel per
 * network, the second-reader gate, the state store; then writes the run records, the job summary
 * and the failures issue. Everything printed passes through the secret redactor.
 */
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { Command, CommandContext } from '../cli/context.ts';
import { parseArgs, UsageError } from '../cli/context.ts';
import { PUBLISHABLE } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { duplicateIdKeys, idKey, loadPosts } from '../post/load-posts.ts';
import { ID_PATTERN } from '../post/parse-post.ts';
import { openStateStore } from '../state/open-store.ts';
import { cardForSend } from '../card/card-for-send.ts';
import { prefetchCards } from '../card/card-prefetch.ts';
import { cardFetcher } from '../card/fetch-card.ts';
import { createApprovalGate } from './approval-gate.ts';
import { resolveChannels } from './channels.ts';
import { syncFailuresIssue } from './failures-issue.ts';
import { formatReportText, formatSummaryMarkdown } from './format-report.ts';
import { publish, type ApprovalVerdict } from './publisher.ts';
import { runSecrets } from './secret-sink.ts';
import { clearFailures } from './retry.ts';
import { readLastRecords, writeRunRecords } from './run-record.ts';
import { syncStateRewrittenIssue } from './state-rewritten-issue.ts';

const HELP = `Usage: copydesk publish [--dry-run] [--retry <post id>]

Publishes every due, approved, unfrozen post once per network and records it in the ledger.
  --dry-run          show what would go out now; send and record nothing
  --retry <post id>  after fixing a failure, try that post's failed parts again in this run

Credentials come from the environment: BLUESKY_APP_PASSWORD (+ channels.bluesky.identifier or
BLUESKY_IDENTIFIER), MASTODON_TOKEN (+ channels.mastodon.instance), THREADS_ACCESS_TOKEN (+
channels.threads.user_id; images need channels.threads.site_url). Without them, outside GitHub
Actions, posts are written to outbox/<network>/ instead. A token a network refuses (revoked,
expired) is reported once per network as "renew the token"; that network's other posts wait.

Bluesky link cards: a part with a link and no images is sent with the card stored ahead on the
state store (cards/), else one bounded fetch; without a card it goes out without one. After the
sends, the cards of posts due in the next 14 days are fetched and stored (at most 5 a run).
`;

/** Run id: the Actions run (and attempt), else a local one from the clock. */
export function runIdFrom(ctx: Pick<CommandContext, 'env' | 'now'>): string {
  const id = ctx.env.GITHUB_RUN_ID;
  // Two local runs started with the same COPYDESK_NOW must still be two runs.
  if (!id) return `local-${ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z')}-${randomUUID().slice(0, 8)}`;
  const attempt = Number(ctx.env.GITHUB_RUN_ATTEMPT ?? '1');
  return attempt > 1 ? `${id}.${attempt}` : id;
}

export const publishCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['retry'], booleans: ['dry-run', 'help'] });
  if (flags.help) {
    ctx.out(HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (publish takes no paths; to retry a post use --retry <post id>)`);
  const dryRun = flags['dry-run'] === true;
  const retryId = typeof flags.retry === 'string' ? flags.retry : undefined;
  // Validated like a post id (the schema's own pattern): the id is written to the ledger and to
  // issues, so an arbitrary string (newlines, markdown, a path) must never get that far.
  if (retryId !== undefined && !ID_PATTERN.test(retryId)) {
    throw new UsageError(`--retry needs a post id (letters, digits, ".", "_" and "-", at most 100, starting with a letter or digit), not ${JSON.stringify(retryId.length > 60 ? retryId.slice(0, 60) + '…' : retryId)}; the id is the \`id:\` field of the post`);
  }
  if (dryRun && retryId) throw new UsageError('--retry cannot be combined with --dry-run (a retry writes to the ledger)');

  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    for (const p of loaded.problems) ctx.err(`${p.file}:${p.line}: ${p.message}${p.fix ? ` ${p.fix}` : ''}\n`);
    ctx.err('copydesk publish: fix copydesk.config.yaml first; nothing was published.\n');
    return 1;
  }
  const config = loaded.config;
  // One redactor for the run: the environment's secrets now, session tokens as they are minted
  // (masked in the Actions log at that moment too). Every writer below goes through it.
  const { redact, onSecret } = runSecrets(ctx.env, ctx.out);
  const setup = resolveChannels({ root: ctx.root, config, env: ctx.env, onSecret });
  const out = (t: string) => ctx.out(redact(t));
  const err = (t: string) => ctx.err(redact(t));
  // The entry point read the clock once; real send times advance from it by monotonic elapsed time.
  const t0 = performance.now();
  const clock = () => new Date(ctx.now.getTime() + (performance.now() - t0));
  const runId = runIdFrom(ctx);

  try {
    const { posts: parsed, failed } = await loadPosts(ctx.root, config);
    for (const f of failed) err(`skipping ${f}: it has errors (run \`copydesk check ${f}\`); it is not published until fixed\n`);
    // The ledger is keyed by id: two files with one id are both unsafe to publish.
    const dupIds = duplicateIdKeys(parsed);
    for (const id of dupIds) err(`skipping id "${id}": used by more than one post file (${parsed.filter((p) => idKey(p.id) === id).map((p) => p.file).join(', ')}); give each post its own id\n`);
    const posts = parsed.filter((p) => !dupIds.has(idKey(p.id)) && !p.replyTo); // replies to customers: `copydesk inbox send`

    const store = await openStateStore(ctx, { readOnly: dryRun, config, redact });
    const notes: string[] = [];
    out(`copydesk publish${dryRun ? ' --dry-run' : ''}: run ${runId}, state in ${store.description}\n`);
    for (const n of PUBLISHABLE) {
      if (!config.channels.enabled.includes(n)) continue;
      const m = setup.modes[n];
      const line = `${n}: ${m.kind === 'network' ? m.detail : m.kind === 'outbox' ? `outbox (${m.detail})` : `held (${m.detail})`}`;
      notes.push(line);
      out(`  ${line}\n`);
    }

    let approve: ((post: (typeof posts)[number]) => Promise<ApprovalVerdict>) | undefined;
    const token = ctx.env.GITHUB_TOKEN?.trim();
    const repository = ctx.env.GITHUB_REPOSITORY;
    if (!setup.anyReal) {
      notes.push('approval: not checked (outbox only; the second-reader check runs when publishing to a network)');
    } else if (token && repository) {
      approve = createApprovalGate({ root: ctx.root, repository, branch: ctx.env.GITHUB_REF_NAME || 'main', token, ...(ctx.env.GITHUB_API_URL ? { apiUrl: ctx.env.GITHUB_API_URL } : {}), env: ctx.env });
      notes.push('approval: each post must be approved by a second reader in a merged pull request (checked on GitHub)');
    } else {
      approve = async () => ({
        approved: false,
        reason: 'the second reader\'s approval cannot be checked here (GITHUB_TOKEN and GITHUB_REPOSITORY are not set)',
        action: setup.inActions
          ? 'Pass `GITHUB_TOKEN: ${{ github.token }}` in the env of the publish step (.github/workflows/publish.yml), with `pull-requests: read` permission.'
          : 'Publish from the publish workflow, or set GITHUB_TOKEN and GITHUB_REPOSITORY=owner/repo to check approvals from this machine.',
      });
      notes.push('approval: cannot be checked without GITHUB_TOKEN and GITHUB_REPOSITORY, so nothing goes to a network from here');
    }
    out(`  ${notes.at(-1)}\n`);

    if (retryId) {
      const r = await clearFailures(store, retryId, { runId, now: clock(), by: ctx.env.GITHUB_ACTOR || ctx.env.USER || 'someone', known: posts.some((p) => p.id === retryId) });
      if (!r.ok) {
        err(`copydesk publish: ${r.text}\n`);
        return 2;
      }
      out(r.text);
    }

    // Link cards (Bluesky): the stored card, else one bounded fetch; never a reason to hold a post.
    const fetchCard = cardFetcher({ now: clock });
    const cardsOn = config.channels.enabled.includes('bluesky') && setup.modes.bluesky.kind === 'network';
    const report = await publish({
      posts, store, channels: setup.channel, config, now: clock, runId, dryRun, log: (l) => out(`${l}\n`), root: ctx.root,
      credentials: setup.credentials, credentialHelp: setup.credentialHelp, redact,
      ...(approve ? { approve } : {}),
      ...(cardsOn ? { linkCard: (post: (typeof posts)[number], part: number) => cardForSend({ store, post, part, fetchCard, runId }) } : {}),
    });
    out(redact(formatReportText(report, config.timezone)));
    // Cards of posts ahead of their time, after the sends (a slow page never delays a due post).
    if (cardsOn && !dryRun && report.completed) {
      try {
        await prefetchCards({ posts, store, fetchCard, now: clock().getTime(), log: (l) => out(`${l}\n`), runId });
      } catch (e) {
        err(`link cards were not stored: ${(e as Error).message} (they are fetched again on the next run)\n`);
      }
    }

    if (report.stateRewritten) {
      // Nothing can be written to a state that was rewritten: say so where people look instead.
      err(`copydesk publish: ${report.error}\nNext step: ${report.stateRewritten.action}\n`);
      const issue = dryRun ? undefined : await syncStateRewrittenIssue(report, ctx.env);
      if (issue) out(redact(`${issue}\n`));
    }
    // An idle run writes nothing and asks GitHub nothing (src/publish/run-record.ts says why).
    let idle = false;
    if (!report.stateRewritten && !dryRun) {
      try {
        idle = (await writeRunRecords(store, report, await readLastRecords(store))) === 'idle';
        if (idle) out('idle run: nothing new to record (the state branch is unchanged)\n');
        // The workflow rebuilds the site only after a run that recorded something (publish.yml).
        if (ctx.env.GITHUB_OUTPUT) await appendFile(ctx.env.GITHUB_OUTPUT, `recorded=${idle ? 'false' : 'true'}\n`);
      } catch (e) {
        err(`could not write the run record: ${(e as Error).message}\n`);
      }
    }
    if (ctx.env.GITHUB_STEP_SUMMARY) {
      try {
        await appendFile(ctx.env.GITHUB_STEP_SUMMARY, redact(formatSummaryMarkdown(report, config.timezone, notes)));
      } catch (e) {
        err(`could not write the job summary: ${(e as Error).message}\n`);
      }
    }
    // Idle also means the last record had no failure, so the failures issue was closed then.
    if (!dryRun && !idle) {
      const issue = await syncFailuresIssue(report, ctx.env, config.timezone, redact);
      if (issue) out(redact(`${issue}\n`));
    }
    // Red only for something new: a stopped run or a failure in this run. A known failure stays in the issue.
    return !report.completed || report.newFailures > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    err(`copydesk publish: ${(e as Error).message}\n`);
    return 1;
  }
};
