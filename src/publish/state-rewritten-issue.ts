/**
 * One GitHub issue when the state branch was rewritten under the publisher (marker
 * `copydesk:state-rewritten`, label `copydesk-failure`): opened or updated in place on every run
 * that finds the rewrite (one issue, not one per tick), never closed on its own: a person decides
 * which history is the true one (src/state/git-store.ts, the witness). src/github is imported only
 * when GITHUB_TOKEN and GITHUB_REPOSITORY are set.
 */
import type { CommandContext } from '../cli/context.ts';
import type { PublishReport } from './publisher.ts';
import { FAILURES_LABEL } from './failures-issue.ts';

/** Marker name (the hidden comment is `<!-- copydesk:state-rewritten -->`). */
export const STATE_REWRITTEN_MARKER = 'state-rewritten';

/** The issue's body for people (Markdown; commands in code spans). */
export function stateRewrittenBody(r: NonNullable<PublishReport['stateRewritten']>, runUrl: string | undefined): string {
  return [
    `The publisher found the state (${r.store}) ${r.found === null ? '**deleted**' : `**rewritten**: it is at \`${r.found}\`, which does not contain \`${r.recorded}\`, the commit copydesk last wrote`}.`,
    '',
    'A ledger with lines removed would publish again what already went out, so **nothing is published** (and no freeze, thaw or holding statement is recorded) until a person decides.',
    '',
    `What to do: ${r.action}`,
    '',
    runUrl ? `Seen by run ${runUrl}.` : '',
  ].join('\n');
}

/** Open or update the issue; one line for the log (never throws). */
export async function syncStateRewrittenIssue(report: PublishReport, env: CommandContext['env']): Promise<string | undefined> {
  const found = report.stateRewritten;
  const token = env.GITHUB_TOKEN;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!found || !token || !owner || !repo) return undefined;
  try {
    const { createOctokit } = await import('../github/octokit.ts');
    const { upsertIssueByMarker } = await import('../github/issue.ts');
    const octokit = createOctokit({ token, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) });
    const runUrl = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
    const r = await upsertIssueByMarker(octokit, {
      owner, repo, marker: STATE_REWRITTEN_MARKER, labels: [FAILURES_LABEL],
      title: 'copydesk: the state branch was rewritten; publishing is stopped',
      body: stateRewrittenBody(found, runUrl),
    });
    return r.text;
  } catch (e) {
    return `could not open the state-rewritten issue: ${(e as Error).message}`;
  }
}
