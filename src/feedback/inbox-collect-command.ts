/**
 * `copydesk inbox` (list the open conversations) and `copydesk inbox collect` (take in new
 * notifications; the publisher's scheduled job runs it after publishing). Without credentials the
 * collector reads nothing, says so in one line and writes nothing.
 */
import { parseArgs, UsageError, type Command, type CommandContext } from '../cli/context.ts';
import { loadConfig } from '../config/load-config.ts';
import { defaultConfig } from '../config/config.ts';
import { runIdFrom } from '../publish/publish-command.ts';
import { runSecrets } from '../publish/secret-sink.ts';
import { openStateStore } from '../state/open-store.ts';
import type { StateStore } from '../state/store.ts';
import { StateRewrittenError } from '../state/store.ts';
import { conversationPath } from './conversation.ts';
import type { Conversation } from './conversation.ts';
import { FILTERS_PATH } from './notification-filters.ts';
import type { FilterReport, FilterWarning } from './notification-filters.ts';
import { inboxText, openByUrgency } from './inbox-list.ts';

export const COLLECT_HELP = `Usage: copydesk inbox [--json]
       copydesk inbox collect

inbox            the open conversations (customers waiting for an answer), most urgent first,
                 with the networks' notification-filter warnings. --json: the same as JSON
                 ({ "open": [Conversation…], "answered": n, "filters": [FilterWarning…] }).
inbox collect    read new mentions, replies and quotes (Bluesky) and mentions (Mastodon, filtered
                 ones included) with the publisher's credentials, group them into one conversation
                 per thread on the state store, mark conversations answered when the team replied
                 on the network, and store the notification-filter warnings. Nothing new: nothing
                 written. Nothing is ever deleted, hidden or muted on a network.
                 Exit 1 when a network could not be read (the others are still collected).
`;

/** `copydesk inbox [--json]`: the open conversations, most urgent first. */
export const inboxListCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { booleans: ['help', 'json'] });
  if (flags.help) return ctx.out(COLLECT_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return list(ctx, flags.json === true);
};

/** `copydesk inbox collect`: take in new notifications (the publisher's scheduled job). */
export const inboxCollectCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { booleans: ['help', 'json'] });
  if (flags.help) return ctx.out(COLLECT_HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (flags.json) throw new UsageError('--json is for `copydesk inbox` (the list), not for collect');
  return collect(ctx);
};

async function readAll(store: StateStore): Promise<{ conversations: Conversation[]; warnings: FilterWarning[]; unreadable: string[] }> {
  const conversations: Conversation[] = [];
  const unreadable: string[] = [];
  for (const path of await store.list('feedback/conversations')) {
    try {
      const c = JSON.parse((await store.read(path)) ?? '') as Conversation;
      if (c && typeof c.id === 'string' && conversationPath(c.id) === path && Array.isArray(c.messages)) conversations.push(c);
      else unreadable.push(path);
    } catch {
      unreadable.push(path);
    }
  }
  let warnings: FilterWarning[] = [];
  try {
    const r = JSON.parse((await store.read(FILTERS_PATH)) ?? 'null') as FilterReport | null;
    if (r && Array.isArray(r.warnings)) warnings = r.warnings;
  } catch {
    /* a damaged report is rewritten by the next collect */
  }
  return { conversations, warnings, unreadable };
}

async function list(ctx: CommandContext, json: boolean): Promise<number> {
  const loaded = await loadConfig(ctx.root);
  const store = await openStateStore(ctx, { readOnly: true, config: loaded.ok ? loaded.config : defaultConfig() });
  await store.refresh();
  const { conversations, warnings, unreadable } = await readAll(store);
  if (json) {
    ctx.out(`${JSON.stringify({ open: openByUrgency(conversations), answered: conversations.filter((c) => c.status !== 'open').length, filters: warnings }, null, 2)}\n`);
  } else ctx.out(inboxText(conversations, warnings, ctx.now.getTime()));
  for (const p of unreadable) ctx.err(`${p} on the state (${store.description}) is not a readable conversation (invalid JSON or wrong id): fix or restore it; it is left out here\n`);
  return 0;
}

async function collect(ctx: CommandContext): Promise<number> {
  const loaded = await loadConfig(ctx.root);
  if (!loaded.ok) {
    for (const p of loaded.problems) ctx.err(`${p.file}:${p.line}: ${p.message}${p.fix ? ` ${p.fix}` : ''}\n`);
    ctx.err('copydesk inbox collect: fix copydesk.config.yaml first; nothing was read.\n');
    return 1;
  }
  const config = loaded.config;
  const { redact, onSecret } = runSecrets(ctx.env, ctx.out);
  const out = (t: string) => ctx.out(redact(t));
  const { feedbackReaders } = await import('./feedback-readers.ts');
  const setup = await feedbackReaders({ config, env: ctx.env, onSecret });
  if (setup.readers.length === 0) {
    out(`copydesk inbox collect: no network credentials (${setup.skipped.join('; ') || 'no network enabled'}): nothing read, nothing written.\n`);
    return 0;
  }
  const runId = runIdFrom(ctx);
  const store = await openStateStore(ctx, { config, redact });
  const { collectFeedback } = await import('./collect.ts');
  let report;
  try {
    report = await collectFeedback({ store, readers: setup.readers, now: ctx.now, runId });
  } catch (err) {
    // The state's history was rewritten: nothing may be read from or written to it (store.ts).
    if (err instanceof StateRewrittenError) {
      ctx.err(redact(`copydesk inbox collect: ${err.message}\n${err.action}\n`));
      return 1;
    }
    throw err;
  }
  const added = Object.entries(report.outcome.added).map(([n, k]) => `${k} on ${n}`);
  out(
    `copydesk inbox collect: ${setup.readers.map((r) => r.network).join(' and ')}: ` +
      `${added.length ? `${added.join(', ')} new message(s), ${report.outcome.opened} new conversation(s)` : 'nothing new'}` +
      `${report.outcome.answered ? `, ${report.outcome.answered} answered on the network` : ''}` +
      `${report.outcome.reopened ? `, ${report.outcome.reopened} reopened (the customer wrote again after the answer)` : ''}` +
      `${report.wrote ? ` (recorded in ${store.description})` : ' (nothing written)'}.\n`,
  );
  for (const s of setup.skipped) out(`  not read: ${s}\n`);
  for (const n of report.truncated) out(`  ${n}: more notifications than one run reads; the next run goes on.\n`);
  if (report.outcome.filtersChanged) {
    const { warnings } = await readAll(store);
    for (const w of warnings) out(`  ! ${w.text}\n`);
  }
  const inActions = ctx.env.GITHUB_ACTIONS === 'true';
  for (const p of report.problems) {
    const line = redact(p);
    ctx.err(inActions ? `::warning title=Inbox not fully collected::${line.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n` : `copydesk inbox collect: ${line}\n`);
  }
  return report.problems.length ? 1 : 0;
}
