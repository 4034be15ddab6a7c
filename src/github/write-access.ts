/**
 * May this account approve a pull request here? GitHub counts a review toward required reviews
 * only from people with write access (https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-pull-request-reviews-before-merging),
 * so copydesk counts exactly those: an approval from a stranger or from the author's second account
 * sends nothing, and their "Request changes" holds nothing.
 *
 * GET /repos/{owner}/{repo}/collaborators/{username}/permission → `permission` is the legacy base
 * role: admin, write, read or none (maintain is reported as write, triage as read, a custom role as
 * its base). That field, not `role_name` or a review's `author_association`, is the authority here.
 * https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 */
import { describeApiError, formatApiFailure } from './api-error.ts';
import type { Octokit } from './octokit.ts';

/** Answer for one account. */
export type WriteAccess =
  | { ok: true; /** Write access or more (admin, maintain, write). */ canWrite: boolean; /** GitHub's `permission`, `none` when not a collaborator. */ permission: string }
  | { ok: false; /** What failed, for people (no token in it). */ error: string };

/** Looks one account up; see {@link createWriteAccessLookup}. */
export type WriteAccessLookup = (login: string) => Promise<WriteAccess>;

/** A lookup that asks GitHub once per account for the life of the returned function (one run). */
export function createWriteAccessLookup(octokit: Octokit, owner: string, repo: string): WriteAccessLookup {
  const cache = new Map<string, Promise<WriteAccess>>();
  return (login) => {
    const key = login.toLowerCase();
    let p = cache.get(key);
    if (!p) cache.set(key, (p = ask(octokit, owner, repo, login)));
    return p;
  };
}

async function ask(octokit: Octokit, owner: string, repo: string, login: string): Promise<WriteAccess> {
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username: login });
    const permission = String((res.data as { permission?: unknown }).permission ?? 'none').toLowerCase();
    return { ok: true, canWrite: permission === 'admin' || permission === 'write', permission };
  } catch (err) {
    const f = describeApiError(err);
    // 404: not a collaborator (or the account is gone): a definite "no".
    if (f.status === 404) return { ok: true, canWrite: false, permission: 'none' };
    return { ok: false, error: formatApiFailure(`Reading ${login}'s permission on ${owner}/${repo}`, f) };
  }
}
