/**
 * Is this GitHub user on the team? Asked before an issue opened by someone GitHub does not vouch
 * for (`author_association` other than OWNER/MEMBER/COLLABORATOR) may freeze publishing: in a
 * public repository anyone can open an issue, and a stranger must not be able to stop the schedule.
 *
 * GET /repos/{owner}/{repo}/collaborators/{username}/permission → `role_name`
 * (admin, maintain, write, triage, read, or a custom role); 404 when the user is not a collaborator.
 * https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 */
import type { Octokit } from './octokit.ts';
import { describeApiError, formatApiFailure } from './api-error.ts';

/** Roles that may also add the `freeze` label by hand. */
export const FREEZE_ROLES = ['admin', 'maintain', 'write', 'triage'] as const;

export type TeamMemberResult =
  | { ok: true; /** May freeze (write or triage access, or more). */ member: boolean; /** GitHub's role name, `none` when not a collaborator. */ role: string }
  | { ok: false; /** What failed (no token in it). */ error: string };

export async function teamMember(octokit: Octokit, owner: string, repo: string, login: string): Promise<TeamMemberResult> {
  try {
    const res = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner, repo, username: login });
    const data = res.data as { role_name?: string; permission?: string };
    const role = String(data.role_name ?? data.permission ?? 'none').toLowerCase();
    return { ok: true, member: (FREEZE_ROLES as readonly string[]).includes(role) || data.permission === 'admin' || data.permission === 'write', role };
  } catch (err) {
    const f = describeApiError(err);
    if (f.status === 404) return { ok: true, member: false, role: 'none' };
    return { ok: false, error: formatApiFailure(`Reading ${login}'s role in ${owner}/${repo}`, f) };
  }
}
