/**
 * `copydesk holding <statement-id> [--dry-run] [--by NAME]`: send a pre-approved holding statement
 * now, even while frozen, at most once. Locally it goes to the outbox (or the networks, with
 * credentials); in Actions (.github/workflows/holding.yml) to the networks, after the approval check.
 * Exit code: 0 sent / already sent / being sent by another dispatch / dry run; 1 not sent; 2 unknown id.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import { fmtInZone } from '../post/time.ts';
import { resolveChannels } from '../publish/channels.ts';
import { runSecrets } from '../publish/secret-sink.ts';
import { actorName } from '../cli/actor.ts';
import { loadStatement } from './holding.ts';
import { appendHoldingLog } from './holding-log.ts';
import { sendHolding, type HoldingOutcome } from './holding-send.ts';
import { loadRepo } from '../post/load-repo.ts';
import { distinctTexts } from '../post/part-text.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';

const HELP = `Usage: copydesk holding <statement-id> [--dry-run] [--by NAME]

Sends a pre-approved holding statement (playbook/holding/*.md, found by its id) now, even while
publishing is frozen. Each statement goes out at most once; a second dispatch reports where it
went. Only existing statement files that pass the check can be sent, never free text.
  --dry-run   show what would be sent; send and record nothing
  --by NAME   who is sending it (default: GITHUB_ACTOR, else your user name)
`;

function describe(o: HoldingOutcome, id: string, zone: string): string {
  const lines: string[] = [];
  const at = (iso?: string) => (iso ? fmtInZone(Date.parse(iso), zone) : 'an unknown time');
  const link = (n: HoldingOutcome['networks'][number]) => n.ref?.url ?? n.ref?.uri ?? n.ref?.id ?? 'no link recorded';
  switch (o.status) {
    case 'already-sent':
      lines.push(`${id} was already sent; nothing sent now.`);
      break;
    case 'sent':
      lines.push(`SENT ${id}.`);
      break;
    case 'would-send':
      lines.push(`Dry run: ${id} would be sent now (nothing sent, nothing recorded).`);
      break;
    case 'in-progress':
      lines.push(`${id} is being sent by another dispatch right now; nothing sent by this one.`);
      break;
    case 'refused':
      lines.push(`NOT SENT: ${id} could not be confirmed as approved.`);
      break;
    case 'failed':
      lines.push(`NOT (fully) SENT: ${id}.`);
      break;
  }
  for (const n of o.networks) {
    if (n.status === 'already-sent') lines.push(`  ${n.network}: already sent at ${at(n.at)} (${link(n)})`);
    else if (n.status === 'sent') lines.push(`  ${n.network}: sent${n.via === 'outbox' ? ' to the outbox' : ''} at ${at(n.at)} (${link(n)})`);
    else if (n.status === 'would-send') lines.push(`  ${n.network}: would be sent`);
    else lines.push(`  ${n.network}: ${n.status}${n.reason ? `: ${n.reason}` : ''}${n.action ? `\n    Do: ${n.action}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export const holdingCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['by'], booleans: ['dry-run', 'help'] });
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? 'give exactly one statement id' : 'which statement? e.g. copydesk holding holding-aware (see playbook/holding/)');
  const id = positionals[0]!;
  const dryRun = flags['dry-run'] === true;
  const by = actorName(flags.by, ctx.env);
  const repo = await loadRepo(ctx.root, false);
  if (repo.configProblems.length) {
    ctx.err(`copydesk holding: copydesk.config.yaml has errors; fix them first:\n${repo.configProblems.map((p) => `  ${p.file}:${p.line}: ${p.message}`).join('\n')}\n`);
    return 1;
  }
  const { config } = repo;

  const found = await loadStatement(ctx.root, config, id, ctx.now.getTime());
  if (!found.ok) {
    ctx.err(`copydesk holding: ${found.message}\n${found.problems.map((p) => `  ${p.file}:${p.line}: ${p.message}${p.fix ? ` (${p.fix})` : ''}`).join('\n')}${found.problems.length ? '\n' : ''}`);
    return found.code === 'check-errors' || found.code === 'draft' ? 1 : 2;
  }
  const { post } = found;
  for (const w of found.warnings) ctx.err(`warning: ${w.file}:${w.line}: ${w.message}\n`);

  const { redact, onSecret } = runSecrets(ctx.env, ctx.out);
  const setup = resolveChannels({ root: ctx.root, config, env: ctx.env, onSecret });
  const approve = await approvalFor(ctx);
  if (approve === 'missing') {
    ctx.err('copydesk holding: in GitHub Actions the approval check is required, and it needs GITHUB_TOKEN and GITHUB_REPOSITORY; nothing sent.\n');
    return 1;
  }
  const runId = ctx.env.GITHUB_RUN_ID ? `${ctx.env.GITHUB_RUN_ID}${ctx.env.GITHUB_RUN_ATTEMPT ? `-${ctx.env.GITHUB_RUN_ATTEMPT}` : ''}` : `local-holding-${randomUUID().slice(0, 8)}`;

  const store = await openCrisisStore(ctx, dryRun ? { readOnly: true } : {});
  ctx.out(`${dryRun ? 'Dry run: ' : ''}holding statement ${post.id} (${post.file}) on ${post.channels.join(', ')}\n${post.parts.map((p) => distinctTexts(p, post.channels).map((t, _i, all) => `${all.length > 1 ? `> (${t.networks.join(', ')})\n` : ''}> ${t.text.replace(/\n/g, '\n> ')}`).join('\n')).join('\n> ---\n')}\n`);
  const outcome = await sendHolding({
    post, store, channels: setup.channel, config, now: ctx.now, runId, by, dryRun, redact,
    credentials: setup.credentials, credentialHelp: setup.credentialHelp,
    ...(approve ? { approve } : {}),
    log: (line) => ctx.out(`  ${line}\n`),
  });
  ctx.out(redact(describe(outcome, post.id, config.timezone)));

  if (!dryRun) {
    const logged = outcome.status === 'would-send' ? 'sent' : outcome.status;
    try {
      await appendHoldingLog(store, {
        at: ctx.now.toISOString(), statementId: post.id, outcome: logged, by, runId, file: post.file,
        networks: outcome.networks.map((n) => ({ network: n.network, via: n.via ?? n.network, ...(n.ref ? { ref: n.ref } : {}), ...(n.reason ? { error: redact(n.reason) } : {}) })),
        ...(outcome.status === 'failed' || outcome.status === 'refused' ? { reason: redact(outcome.networks.map((n) => n.reason).filter(Boolean).join('; ')) } : {}),
      });
    } catch (e) {
      ctx.err(`copydesk holding: could not write the holding log: ${(e as Error).message} (the ledger has the send).\n`);
    }
  }
  return outcome.status === 'failed' || outcome.status === 'refused' ? 1 : 0;
};

/** The approval gate: required in Actions, not used locally (the outbox or a person's own credentials). */
async function approvalFor(ctx: CommandContext) {
  if (ctx.env.GITHUB_ACTIONS !== 'true') return undefined;
  const token = ctx.env.GITHUB_TOKEN?.trim();
  const repository = ctx.env.GITHUB_REPOSITORY?.trim();
  if (!token || !repository) return 'missing' as const;
  const { createApprovalGate } = await import('../publish/approval-gate.ts');
  return createApprovalGate({
    root: ctx.root, repository, branch: ctx.env.GITHUB_REF_NAME?.trim() || 'main', token, env: ctx.env,
    ...(ctx.env.GITHUB_API_URL ? { apiUrl: ctx.env.GITHUB_API_URL } : {}),
  });
}
