/** `copydesk status`: read-only; never writes to the state store. */
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { readLedger } from '../schedule/ledger.ts';
import { readFreezeLog, readFreezes } from '../freeze/freeze-state.ts';
import { loadRepo } from '../post/load-repo.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import { LAST_RUN, LAST_SUCCESS, readRunRecord, runUrl } from './run-record.ts';
import { statusText } from './status.ts';
import { credentialExpiries } from '../config/credential-lifetime.ts';

const HELP = `Usage: copydesk status

Shows whether publishing is frozen (why, by whom, since when), the last successful publisher run,
open failures from the ledger, the next quiet period, when each token in the credentials
register expires (Threads and LinkedIn: 60 days after \`rotated\`), how many customers wait for an
answer in the feedback inbox (and how many are past the first-response target), and the networks'
notification filters that keep customers out of the inbox (both stored by \`copydesk inbox collect\`).
`;

export const statusCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { booleans: ['help'] });
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const [repo, store] = await Promise.all([loadRepo(ctx.root, false), openCrisisStore(ctx, { readOnly: true })]);
  await store.refresh();
  const [freezes, freezeLog, lastSuccess, lastRun, ledger] = await Promise.all([
    readFreezes(store), readFreezeLog(store), readRunRecord(store, LAST_SUCCESS), readRunRecord(store, LAST_RUN), readLedger(store),
  ]);
  ctx.out(statusText({
    now: ctx.now.getTime(), zone: repo.config.timezone, freezes, freezeLog, lastSuccess, lastRun, ledger,
    quietPeriods: repo.config.quietPeriods, storeDescription: store.description,
    credentialExpiries: credentialExpiries(repo.config.credentials, ctx.now.getTime(), repo.config.credentialNoticeDays),
    runLink: (id) => runUrl(id, { server: ctx.env.GITHUB_SERVER_URL, repository: ctx.env.GITHUB_REPOSITORY }),
  }));
  // The feedback inbox: the same counts as the site's status page (one inboxView for both), then
  // the filter warnings (src/feedback/notification-filters.ts), both stored by `inbox collect`.
  const [{ filterWarningsText, readFilterWarnings }, { readConversations }, { inboxSummary, inboxView }] = await Promise.all([
    import('../feedback/notification-filters.ts'), import('../feedback/conversation-store.ts'), import('../feedback/inbox-listing.ts'),
  ]);
  const conversations = await readConversations(store);
  const inbox = inboxView(conversations.conversations, repo.config.feedback, repo.config.lang, ctx.now.getTime());
  ctx.out(`Inbox:      ${inboxSummary(inbox)}${inbox.open.length ? ' (`copydesk inbox` lists them)' : ''}${conversations.problems.length ? ` ${conversations.problems.length} conversation file(s) cannot be read: ${conversations.problems.map((p) => p.path).join(', ')}` : ''}\n`);
  ctx.out(filterWarningsText(await readFilterWarnings(store)));
  if (repo.configProblems.length) ctx.err(`Note: ${repo.configProblems.length} problem(s) in copydesk.config.yaml; quiet periods shown may be incomplete. Run copydesk check.\n`);
  return 0;
};
