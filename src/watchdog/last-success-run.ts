/**
 * The publisher's heartbeat, from GitHub rather than from the state branch: the newest successful
 * run of the publish workflow. An idle publisher run writes nothing (src/publish/run-record.ts),
 * so `runs/last-success.json` says when the publisher last did something, not that it is alive;
 * GitHub already records every run, for free, in a list that does not grow the repository.
 *
 * GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?status=success&per_page=1
 * (`status` also accepts a conclusion; runs come newest first).
 * https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow
 */
import { describeApiError, formatApiFailure } from '../github/api-error.ts';
import type { Octokit } from '../github/octokit.ts';
import type { RunRecordResult } from '../status/run-record.ts';

export type LastSuccessRun = RunRecordResult | { status: 'error'; /** What failed (no token in it). */ error: string };

export async function readLastSuccessfulRun(octokit: Octokit, owner: string, repo: string, workflow: string): Promise<LastSuccessRun> {
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
      owner, repo, workflow_id: workflow, status: 'success', per_page: 1, exclude_pull_requests: true,
    });
    const run = res.data.workflow_runs[0];
    if (!run) return { status: 'missing' };
    const finished = run.updated_at ?? run.run_started_at ?? run.created_at;
    const at = Date.parse(finished);
    if (Number.isNaN(at)) return { status: 'unreadable', error: `run ${run.id} of ${workflow} has no valid time` };
    const attempt = run.run_attempt && run.run_attempt > 1 ? `.${run.run_attempt}` : '';
    return { status: 'ok', at, record: { at: new Date(at).toISOString(), runId: `${run.id}${attempt}`, counts: {} } };
  } catch (err) {
    const f = describeApiError(err);
    if (f.status === 404) return { status: 'missing' };
    return { status: 'error', error: formatApiFailure(`Listing the runs of ${workflow}`, f) };
  }
}

/** The newer of two heartbeats (the run list and the state branch's record); `ok` beats the rest. */
export function newerHeartbeat(a: RunRecordResult, b: RunRecordResult): RunRecordResult {
  if (a.status === 'ok' && b.status === 'ok') return a.at >= b.at ? a : b;
  if (a.status === 'ok') return a;
  if (b.status === 'ok') return b;
  return a.status === 'unreadable' ? a : b;
}
