/**
 * Is this GitHub user on the team, i.e. may they freeze and thaw publishing? Asked for the SENDER of
 * every `issues` event that would freeze, thaw or change a freeze: in a public repository anyone can
 * open an issue (and an issue form labels it on the opener's behalf), so neither
 * `author_association` nor "the label was added" proves anything.
 *
 * GET /repos/{owner}/{repo}/collaborators/{username}/permission
 * https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 * `permission` is the legacy base role (admin, write, read, none; maintain → write, triage → read,
 * a custom role → its base role); `role_name` is the full role name. 404: no such account.
 *
 * Who counts: write, maintain and admin (legacy `permission` write or admin, which also covers custom
 * roles built on write). Triage does NOT: triagers manage issues but cannot change what is
 * published, and a freeze or a thaw changes what is published, like a merge. It is also what
 * `workflow_dispatch` requires, so the issue path and the dispatch path demand the same access.
 */
import type { Octokit } from './octokit.ts';
import { describeApiError, formatApiFailure } from './api-error.ts';

/** Roles (as `role_name`) that may freeze and thaw. */
export const FREEZE_ROLES = ['admin', 'maintain', 'write'] as const;

/** Legacy `permission` values that may freeze and thaw (custom roles report their base role here). */
const FREEZE_PERMISSIONS = ['admin', 'write'];

export type TeamMemberResult =
  | { ok: true; /** May freeze and thaw (write access or more). */ member: boolean; /** GitHub's role name, `none` when the account does not exist. */ role: string }
  | { ok: false; /** What failed (no token in it): 5xx, 403, no answer in time. */ error: string };

/** Options for {@link teamMember}. */
export interface TeamMemberOptions {
  /** Milliseconds to wait for one answer (default 10,000): a hung lookup must not hold the freeze job. */
  timeoutMs?: number;
  /** How many times to ask when GitHub fails with 5xx or no answer (default 2; a GET is safe to repeat). */
  attempts?: number;
}

/** Reads the permission answer. Pure. */
export function memberFromPermission(data: { permission?: unknown; role_name?: unknown }): { member: boolean; role: string } {
  const permission = String(data.permission ?? '').toLowerCase();
  const role = String(data.role_name || data.permission || 'none').toLowerCase();
  return { member: FREEZE_PERMISSIONS.includes(permission) || (FREEZE_ROLES as readonly string[]).includes(role), role };
}

export async function teamMember(octokit: Octokit, owner: string, repo: string, login: string, opts: TeamMemberOptions = {}): Promise<TeamMemberResult> {
  const attempts = Math.max(1, opts.attempts ?? 2);
  let last = '';
  for (let i = 0; i < attempts; i++) {
    try {
      const res = await octokit.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
        owner, repo, username: login,
        request: { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) },
      });
      return { ok: true, ...memberFromPermission(res.data as { permission?: string; role_name?: string }) };
    } catch (err) {
      const f = describeApiError(err);
      if (f.status === 404) return { ok: true, member: false, role: 'none' };
      last = formatApiFailure(`Reading @${login}'s access to ${owner}/${repo}`, f);
      // 403 (token lacks access, or a rate limit) will not change in a second; 5xx and timeouts may.
      if (f.status !== null && f.status < 500) break;
    }
  }
  return { ok: false, error: last };
}
