/**
 * `copydesk plan [--format human|json]`: what goes out when, per network, and what is missed,
 * expired or held, with reasons. Read-only: nothing is sent, nothing is written, no network login.
 */
import type { Command } from '../cli/context.ts';
import { parseArgs, UsageError } from '../cli/context.ts';
import { PUBLISHABLE } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { readFreezeLog, readFreezes } from '../freeze/freeze-state.ts';
import { duplicateIdKeys, idKey, loadPosts } from '../post/load-posts.ts';
import type { Network } from '../post/network.ts';
import { resolveChannels } from '../publish/channels.ts';
import { createRedactor } from '../publish/redact.ts';
import { openStateStore } from '../state/open-store.ts';
import { formatPlanHuman, planJson } from './format-plan.ts';
import { readLedgerAppendOrder } from './ledger-write.ts';
import { plan } from './plan.ts';

const HELP = `Usage: copydesk plan [--format human|json]

Shows, per network, what goes out on the next run and when the rest is due (team time zone and
relative), and what is held, missed or expired, with the reason and the next step.
`;

export const planCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['format'], booleans: ['help'] });
  if (flags.help) {
    ctx.out(HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const format = (flags.format as string | undefined) ?? 'human';
  if (format !== 'human' && format !== 'json') throw new UsageError(`--format must be human or json, not "${format}"`);

  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    for (const p of loaded.problems) ctx.err(`${p.file}:${p.line}: ${p.message}${p.fix ? ` ${p.fix}` : ''}\n`);
    return 1;
  }
  const config = loaded.config;
  const setup = resolveChannels({ root: ctx.root, config, env: ctx.env });
  const redact = createRedactor(setup.secrets);
  try {
    const { posts: parsed, failed } = await loadPosts(ctx.root, config);
    for (const f of failed) ctx.err(redact(`not planned: ${f} has errors (run \`copydesk check ${f}\`)\n`));
    const dup = duplicateIdKeys(parsed);
    for (const id of dup) ctx.err(`not planned: id "${id}" is used by more than one post file (${parsed.filter((p) => idKey(p.id) === id).map((p) => p.file).join(', ')})\n`);
    const posts = parsed.filter((p) => !dup.has(idKey(p.id)) && !p.replyTo); // replies to customers: `copydesk inbox send`

    const store = await openStateStore(ctx, { readOnly: true, config });
    await store.refresh();
    const [events, freezes, freezeLog] = await Promise.all([readLedgerAppendOrder(store), readFreezes(store), readFreezeLog(store)]);
    const now = ctx.now.getTime();
    const decisions = plan({ posts, events, freezes, freezeLog, config, now, credentials: setup.credentials, credentialHelp: setup.credentialHelp });
    const networks: Partial<Record<Network, string>> = {};
    for (const n of PUBLISHABLE) {
      if (!config.channels.enabled.includes(n)) continue;
      const m = setup.modes[n];
      networks[n] = m.kind === 'network' ? m.detail : m.kind === 'outbox' ? `outbox (${m.detail})` : `held (${m.detail})`;
    }
    const view = { decisions, now, zone: config.timezone, networks, freezes, state: store.description };
    ctx.out(redact(format === 'json' ? JSON.stringify(planJson(view), null, 2) + '\n' : formatPlanHuman(view)));
    return 0;
  } catch (e) {
    ctx.err(redact(`copydesk plan: ${(e as Error).message}\n`));
    return 1;
  }
};
