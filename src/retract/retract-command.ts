/**
 * `copydesk retract <post id> --reason "…" [--network N]... [--dry-run] [--by NAME]`: take a post
 * that went out back down (src/retract/retract.ts), on the local outbox or the networks, and say
 * what came down. The retract workflow (.github/workflows/retract.yml) runs it from a dispatch
 * button; only people with write access can dispatch a workflow.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { actorName } from '../cli/actor.ts';
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { repeatedOptions } from '../cli/repeated-options.ts';
import { PUBLISHABLE } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Network } from '../post/network.ts';
import { duplicateIdKeys, idKey, loadPosts } from '../post/load-posts.ts';
import { ID_PATTERN } from '../post/parse-post.ts';
import { resolveChannels } from '../publish/channels.ts';
import { createOutboxChannel, OUTBOX_DIR } from '../publish/outbox.ts';
import { runIdFrom } from '../publish/publish-command.ts';
import { runSecrets } from '../publish/secret-sink.ts';
import { openStateStore } from '../state/open-store.ts';
import { retract, type PartOutcome, type RetractResult } from './retract.ts';

const HELP = `Usage: copydesk retract <post id> --reason "why" [--network NAME]... [--dry-run] [--by NAME]

Takes a post that went out back down: deletes every part of it on every network where the ledger
says it went out (Bluesky, Mastodon; the local outbox marks it removed), exactly once, and records
who and why. From then on nothing of the post is sent again, even if its file is edited or a
network is added. Run it again after a failure or a crash: it deletes only what is not confirmed
removed (a part already gone counts as removed).
  --reason TEXT    why (required; shown on the site, in the status and in the timeline)
  --network NAME   only on this network (bluesky, mastodon); repeatable. Without it: every
                   network, also ones added to the post later
  --dry-run        show what would come down; delete and record nothing
  --by NAME        who is retracting (default: GITHUB_ACTOR, else your user name)

Credentials as for \`copydesk publish\` (BLUESKY_APP_PASSWORD, MASTODON_TOKEN). When to retract
and when to answer instead: playbook/retracting.md.
`;

const MAX_REASON = 500;
const one = (s: string) => s.replace(/\s+/g, ' ').trim();

const WORDS: Record<PartOutcome['outcome'], string> = {
  removed: 'deleted',
  'already-gone': 'already gone (counted as removed)',
  'was-removed': 'removed earlier',
  'never-sent': 'never reached the network',
  'would-delete': 'would be deleted',
  retry: 'NOT deleted yet (temporary problem)',
  failed: 'NOT deleted (a person must act)',
  'in-flight': 'NOT deleted yet (another run is on it)',
  unknown: 'NOT known',
};

export function formatRetract(r: Extract<RetractResult, { ok: true }>, postId: string): string {
  const out: string[] = [''];
  out.push(`${r.dryRun ? 'Dry run (nothing deleted or recorded): ' : ''}${postId} on ${r.networks.join(', ') || 'no network'}:`);
  if (!r.parts.length) out.push(`  nothing of it had gone out${r.dryRun ? '' : '; it is never sent now'}`);
  for (const p of r.parts) {
    out.push(`  ${p.network} part ${p.part + 1}: ${WORDS[p.outcome]}${p.url ? ` ${p.url}` : ''}${p.detail ? `: ${p.detail}` : ''}${p.action ? `. Next step: ${p.action}` : ''}`);
  }
  if (!r.dryRun) out.push(r.complete ? 'Done: nothing of it is on the networks any more.' : `Not finished: run \`copydesk retract ${postId} --reason "…"\` again (it deletes only what is left).`);
  return out.join('\n') + '\n';
}

export const retractCommand: Command = async (args, ctx) => {
  const { values, rest } = repeatedOptions(args, ['network']);
  const { flags, positionals } = parseArgs(rest, { strings: ['reason', 'by'], booleans: ['dry-run', 'help'] });
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one post id only, not ${positionals.length}; put the reason in quotes: --reason "…"` : 'which post? `copydesk retract <post id> --reason "…"` (the id is the `id:` field of the post)');
  const postId = positionals[0]!;
  if (!ID_PATTERN.test(postId)) throw new UsageError(`"${postId.length > 60 ? postId.slice(0, 60) + '…' : postId}" is not a post id (letters, digits, ".", "_" and "-", at most 100, starting with a letter or digit); the id is the \`id:\` field of the post`);
  const reason = typeof flags.reason === 'string' ? one(flags.reason) : '';
  const dryRun = flags['dry-run'] === true;
  if (!reason && !dryRun) throw new UsageError('--reason is required: say why it comes down (e.g. --reason "wrong date: the market is on Saturday")');
  if (reason.length > MAX_REASON) throw new UsageError(`--reason is ${reason.length} characters; keep it under ${MAX_REASON} (the details belong in the incident notes)`);
  const networks: Network[] = [];
  for (const n of values.network ?? []) {
    const name = n.trim().toLowerCase() as Network;
    if (!PUBLISHABLE.includes(name)) throw new UsageError(`--network ${n}: copydesk publishes (and retracts) on ${PUBLISHABLE.join(', ')} only`);
    if (!networks.includes(name)) networks.push(name);
  }
  const by = one(actorName(flags.by, ctx.env)).slice(0, 100);

  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    for (const p of loaded.problems) ctx.err(`${p.file}:${p.line}: ${p.message}${p.fix ? ` ${p.fix}` : ''}\n`);
    ctx.err('copydesk retract: fix copydesk.config.yaml first; nothing was retracted.\n');
    return 1;
  }
  const config = loaded.config;
  const { redact, onSecret } = runSecrets(ctx.env, ctx.out);
  const setup = resolveChannels({ root: ctx.root, config, env: ctx.env, onSecret });
  const out = (t: string) => ctx.out(redact(t));
  const err = (t: string) => ctx.err(redact(t));
  const t0 = performance.now();
  const clock = () => new Date(ctx.now.getTime() + (performance.now() - t0));
  const runId = runIdFrom(ctx);

  try {
    const { posts: parsed } = await loadPosts(ctx.root, config);
    // The ledger is keyed by id: a post whose id is shared is not read back through either file.
    const dup = duplicateIdKeys(parsed);
    const posts = parsed.filter((p) => !dup.has(idKey(p.id)));
    const store = await openStateStore(ctx, { readOnly: dryRun, config, redact });
    out(`copydesk retract${dryRun ? ' --dry-run' : ''} ${postId}: run ${runId} by ${by}, state in ${store.description}\n`);
    const result = await retract({
      postId, ...(networks.length ? { networks } : {}), reason: reason || '(dry run)', by, store, posts, config, now: clock, runId, dryRun, redact,
      log: (l) => out(`${l}\n`),
      channels: (network, via) => {
        if (via === 'outbox') return createOutboxChannel(join(ctx.root, OUTBOX_DIR), network, clock);
        const mode = setup.modes[network];
        // A part that went to the network is deleted there, never "removed" from a local folder.
        if (mode.kind !== 'network') throw new Error(`it went out on ${network}, and this run has no credentials for it (${mode.detail.replace(/; writing to .*$/, '')})`);
        return setup.channel(network);
      },
    });
    if (!result.ok) {
      err(`copydesk retract: ${result.error}\n`);
      return 2;
    }
    const text = formatRetract(result, postId);
    out(text);
    if (ctx.env.GITHUB_STEP_SUMMARY) {
      try {
        await appendFile(ctx.env.GITHUB_STEP_SUMMARY, redact(`### Retract \`${postId}\`\n\nBy ${by}: ${reason}\n\n\`\`\`\n${text.trim().replace(/`{3,}/g, "'''")}\n\`\`\`\n`));
      } catch (e) {
        err(`could not write the job summary: ${(e as Error).message}\n`);
      }
    }
    return dryRun || result.complete ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    err(`copydesk retract: ${(e as Error).message}\n`);
    return 1;
  }
};
