/**
 * `copydesk watchdog`: daily, from its own workflow. Its heartbeat is the newer of the publish
 * workflow's last successful run (GitHub's runs API: idle publisher runs write nothing) and
 * `runs/last-success.json` (read-only); with the workflow's state it then opens or updates one issue (marker `copydesk:watchdog`,
 * label `copydesk-watchdog`) while something is wrong, and closes it when all is well.
 * Exit code: 0 healthy, 1 unhealthy (the issue says why), 2 cannot check.
 */
import { parseArgs, UsageError, type Command } from '../cli/context.ts';
import { closeIssueByMarker, upsertIssueByMarker } from '../github/issue.ts';
import { readFreezes } from '../freeze/freeze-state.ts';
import { githubFromEnv } from '../github/github-env.ts';
import { loadRepo } from '../post/load-repo.ts';
import { openCrisisStore } from '../state/open-crisis-store.ts';
import { LAST_SUCCESS, readRunRecord, runUrl } from '../status/run-record.ts';
import { DEFAULT_MAX_AGE_MINUTES, judge, WATCHDOG_LABEL, WATCHDOG_MARKER } from './watchdog.ts';
import { newerHeartbeat, readLastSuccessfulRun } from './last-success-run.ts';
import { readWorkflowState, type WorkflowState } from './workflow-state.ts';
import { CREDENTIAL_LABEL, credentialIssues } from './credential-issues.ts';

const HELP = `Usage: copydesk watchdog [--max-age-minutes 60] [--workflow publish.yml] [--dry-run]

Opens (or updates) one GitHub issue when no publisher run succeeded for over an hour, or when the
publish workflow is disabled; closes it when healthy. Also opens one issue per credential in the
register that expires within \`credential_notice_days\` (default 7; Threads and LinkedIn tokens
last 60 days after \`rotated\`), naming the owner and backup and the renew and revoke steps, and
closes it once \`rotated\` moves forward. Needs GITHUB_TOKEN and GITHUB_REPOSITORY (set in
Actions); with --dry-run it only prints its verdicts.
`;

export const watchdogCommand: Command = async (args, ctx) => {
  const { flags, positionals } = parseArgs(args, { strings: ['max-age-minutes', 'workflow'], booleans: ['dry-run', 'help'] });
  if (flags.help) return ctx.out(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const maxAge = flags['max-age-minutes'] === undefined ? DEFAULT_MAX_AGE_MINUTES : Number(flags['max-age-minutes']);
  if (!Number.isFinite(maxAge) || maxAge <= 0) throw new UsageError(`--max-age-minutes must be a positive number of minutes, not "${String(flags['max-age-minutes'])}"`);
  const workflowFile = typeof flags.workflow === 'string' ? flags.workflow : 'publish.yml';
  const dryRun = flags['dry-run'] === true;

  const gh = githubFromEnv(ctx.env);
  if (!gh.ok && !dryRun) {
    ctx.err(`copydesk watchdog: ${gh.error} (or use --dry-run to only print the verdict)\n`);
    return 2;
  }
  const [repo, store] = await Promise.all([loadRepo(ctx.root, false), openCrisisStore(ctx, { readOnly: true })]);
  try {
    await store.refresh();
  } catch (e) {
    ctx.err(`copydesk watchdog: cannot read the state (${store.description}): ${(e as Error).message}\n`);
    return 2;
  }
  const [lastSuccess, freezes] = await Promise.all([readRunRecord(store, LAST_SUCCESS), readFreezes(store)]);
  let workflow: WorkflowState | undefined;
  let heartbeat = lastSuccess;
  if (gh.ok) {
    const [state, run] = await Promise.all([readWorkflowState(gh.octokit, gh.owner, gh.repo, workflowFile), readLastSuccessfulRun(gh.octokit, gh.owner, gh.repo, workflowFile)]);
    workflow = state;
    if (run.status === 'error') ctx.err(`copydesk watchdog: ${run.error} (the watchdog needs \`permissions: actions: read\`); using ${LAST_SUCCESS} alone\n`);
    else heartbeat = newerHeartbeat(run, lastSuccess);
  }

  const server = (ctx.env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const verdict = judge({
    now: ctx.now.getTime(), zone: repo.config.timezone, lastSuccess: heartbeat, workflow, workflowFile, maxAgeMinutes: maxAge, freezes,
    runLink: (id) => runUrl(id, { server, repository: ctx.env.GITHUB_REPOSITORY }),
    ...(gh.ok ? { workflowLink: `${server}/${gh.owner}/${gh.repo}/actions/workflows/${workflowFile}` } : {}),
  });

  // Accounts that never lapse: one issue per credential due for renewal (no schedule of its own).
  let credentialTrouble = false;
  for (const c of credentialIssues(repo.config, ctx.now.getTime())) {
    if (c.kind === 'open') ctx.out(`CREDENTIAL: ${c.title}\n`);
    if (!gh.ok || dryRun) continue;
    const r = c.kind === 'open'
      ? await upsertIssueByMarker(gh.octokit, { owner: gh.owner, repo: gh.repo, marker: c.marker, title: c.title, body: c.body, labels: [CREDENTIAL_LABEL] })
      : await closeIssueByMarker(gh.octokit, { owner: gh.owner, repo: gh.repo, marker: c.marker, label: CREDENTIAL_LABEL, comment: c.comment });
    if (r.status === 'error') credentialTrouble = true;
    if (r.status !== 'none') ctx.out(`${r.text}\n`);
  }

  if (verdict.healthy) {
    ctx.out(`${verdict.summary}\n`);
    if (!gh.ok || dryRun) return 0;
    const closed = await closeIssueByMarker(gh.octokit, {
      owner: gh.owner, repo: gh.repo, marker: WATCHDOG_MARKER, label: WATCHDOG_LABEL,
      comment: `The publisher is healthy again. ${verdict.summary} Closing.`,
    });
    ctx.out(`${closed.text}\n`);
    return closed.status === 'error' || credentialTrouble ? 2 : 0;
  }

  ctx.out(`UNHEALTHY: ${verdict.title}\n${verdict.problems.map((p) => `- ${p.text}\n  ${p.action}`).join('\n')}\n`);
  if (!gh.ok || dryRun) return 1;
  const issue = await upsertIssueByMarker(gh.octokit, { owner: gh.owner, repo: gh.repo, marker: WATCHDOG_MARKER, title: verdict.title, body: verdict.body, labels: [WATCHDOG_LABEL] });
  ctx.out(`${issue.text}\n`);
  return issue.status === 'error' ? 2 : 1;
};
