/**
 * Who pushed a pull request's head commit, from GitHub's own record of pushes: the commit's author
 * and committer fields are whatever the pusher typed, so they prove nothing. GitHub's "most recent
 * reviewable push must be approved by someone other than the person who pushed it" rule rests on
 * the push; so does copydesk's.
 *
 * GET /repos/{owner}/{repo}/activity?ref=refs/heads/{branch} lists pushes, force pushes and branch
 * creations with `before`, `after` and `actor`, newest first, paginated by cursor (`Link`).
 * https://docs.github.com/rest/repos/repos#list-repository-activities
 *
 * A pull request from a fork was pushed to the fork, which this repository's activity does not
 * show: its pusher cannot be established here, and the caller holds.
 */
import { describeApiError, formatApiFailure } from './api-error.ts';
import type { Octokit } from './octokit.ts';

/** Result of {@link headPushers}. */
export type PushersResult =
  | { ok: true; /** Every account that pushed `headSha` to the branch (usually one). */ pushers: string[] }
  | { ok: false; /** Why the pusher is not known, for people. */ reason: string };

/** The branch a pull request's head lives on. */
export interface PullHead {
  /** Branch name (`head.ref`). */
  ref: string;
  /** Head commit (`head.sha`). */
  sha: string;
  /** `head.repo.full_name`; null when the fork was deleted. */
  repoFullName: string | null;
}

/** Pages read at most (100 entries each): a pull request branch has a handful of pushes. */
const MAX_PAGES = 10;
const PUSH_TYPES = new Set(['push', 'force_push', 'branch_creation']);

export async function headPushers(octokit: Octokit, owner: string, repo: string, head: PullHead): Promise<PushersResult> {
  if (head.repoFullName === null || head.repoFullName.toLowerCase() !== `${owner}/${repo}`.toLowerCase()) {
    return {
      ok: false,
      reason: `its branch lives in ${head.repoFullName ? `the fork ${head.repoFullName}` : 'a deleted fork'}, and GitHub records pushes to a fork there, so who pushed its last commit is not known`,
    };
  }
  const pushers = new Set<string>();
  let pages = 0;
  try {
    for await (const page of octokit.paginate.iterator('GET /repos/{owner}/{repo}/activity', { owner, repo, ref: `refs/heads/${head.ref}`, per_page: 100 })) {
      for (const a of page.data) {
        if (a.after === head.sha && PUSH_TYPES.has(a.activity_type) && a.actor?.login) pushers.add(a.actor.login);
      }
      if (++pages >= MAX_PAGES) break;
    }
  } catch (err) {
    return { ok: false, reason: `GitHub could not say who pushed its last commit (${formatApiFailure(`Listing pushes to ${head.ref}`, describeApiError(err))})` };
  }
  if (pushers.size === 0) return { ok: false, reason: `GitHub's activity log shows no push of its last commit ${head.sha.slice(0, 7)} to ${head.ref}, so who pushed it is not known` };
  return { ok: true, pushers: [...pushers].sort() };
}
