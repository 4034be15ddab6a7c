/**
 * One GitHub issue for publishing problems (marker `copydesk:publish-failures`, label
 * `copydesk-failure`): opened or updated while something needs a person, closed when all is well.
 * src/github is imported only when GITHUB_TOKEN and GITHUB_REPOSITORY are set.
 */
import type { CommandContext } from '../cli/context.ts';
import { failuresIssueBody, needsAttention } from './format-report.ts';
import type { PublishReport } from './publisher.ts';
import { createRedactor, secretValues } from './redact.ts';

/** Marker name (the hidden comment is `<!-- copydesk:publish-failures -->`). */
export const FAILURES_MARKER = 'publish-failures';
export const FAILURES_LABEL = 'copydesk-failure';

/** What happened, one line for the log (never throws). */
export async function syncFailuresIssue(
  report: PublishReport,
  env: CommandContext['env'],
  zone: string,
  /** The run's redactor (the one stdout, the summary and the state branch use). */
  redact: (text: string) => string = createRedactor(secretValues(env)),
): Promise<string | undefined> {
  const token = env.GITHUB_TOKEN;
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) return undefined;
  try {
    const { createOctokit } = await import('../github/octokit.ts');
    const { upsertIssueByMarker, closeIssueByMarker } = await import('../github/issue.ts');
    const { redactWrites } = await import('../github/redact-writes.ts');
    const octokit = redactWrites(createOctokit({ token, ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}) }), redact);
    const runUrl = env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
    const list = needsAttention(report);
    const tokens = (report.credentialProblems ?? []).map((c) => c.network);
    if (list.length || tokens.length) {
      const r = await upsertIssueByMarker(octokit, {
        owner, repo, marker: FAILURES_MARKER, labels: [FAILURES_LABEL],
        title: list.length ? `copydesk: ${list.length} post${list.length > 1 ? 's' : ''} could not be published${tokens.length ? `; renew the token for ${tokens.join(', ')}` : ''}` : `copydesk: renew the token for ${tokens.join(', ')}`,
        body: failuresIssueBody(report, zone, runUrl),
        redact,
      });
      return r.text;
    }
    if (!report.completed) return undefined;
    const r = await closeIssueByMarker(octokit, { owner, repo, marker: FAILURES_MARKER, label: FAILURES_LABEL, comment: `All due posts are published or resolved as of run ${runUrl ?? report.runId}. Closing.`, redact });
    return r.text;
  } catch (e) {
    return redact(`could not update the failures issue: ${(e as Error).message}`);
  }
}
