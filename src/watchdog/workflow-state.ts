/**
 * Whether the publish workflow can still run. GitHub disables scheduled workflows after 60 days
 * without repository activity in public repositories, silently: the schedule just stops.
 *
 * GET /repos/{owner}/{repo}/actions/workflows/{workflow_id} (workflow_id may be the file name)
 * → `state`: active | deleted | disabled_fork | disabled_inactivity | disabled_manually.
 * https://docs.github.com/rest/actions/workflows#get-a-workflow
 * https://docs.github.com/actions/using-workflows/disabling-and-enabling-a-workflow
 */
import { describeApiError, formatApiFailure } from '../github/api-error.ts';
import type { Octokit } from '../github/octokit.ts';

export type WorkflowState =
  | { status: 'ok'; /** GitHub's `state`. */ state: string; /** Web address of the workflow file. */ url?: string }
  /** No such workflow file. */
  | { status: 'not-found' }
  | { status: 'error'; /** What failed (no token in it). */ error: string };

export async function readWorkflowState(octokit: Octokit, owner: string, repo: string, workflow: string): Promise<WorkflowState> {
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}', { owner, repo, workflow_id: workflow });
    return { status: 'ok', state: String(res.data.state), ...(res.data.html_url ? { url: res.data.html_url } : {}) };
  } catch (err) {
    const f = describeApiError(err);
    if (f.status === 404) return { status: 'not-found' };
    return { status: 'error', error: formatApiFailure(`Reading workflow ${workflow}`, f) };
  }
}
