/**
 * The team as the configuration describes it: the GitHub repository the site links to, and the
 * roster (who is on call, in which role). Names and GitHub handles only: phone numbers belong in
 * the team's password vault, never in a repository whose site may be public.
 */

/** What a person does in an incident; the call tree is built from these roles. */
export type RosterRole = 'owner' | 'backup' | 'schedule' | 'admin' | 'member';

/** Roles in the order the call tree reaches them. */
export const ROSTER_ROLES: readonly RosterRole[] = ['owner', 'backup', 'schedule', 'admin', 'member'];

/** One person in `roster:`. */
export interface RosterEntry {
  /** Name as the team says it, e.g. "Anna Nowak". */
  name: string;
  /** Role in an incident: owner decides, backup decides when the owner is unreachable, schedule freezes and re-reads the queue, admin handles access and leaked tokens, member is everyone else. */
  role: RosterRole;
  /** GitHub login (without @), for mentions in issues. */
  github?: string;
  /** How to reach them, in words ("mobile, in the vault under 'Anna'"); never a number. */
  contact?: string;
}

/** `owner/repo` from `repository:` in the config, or from GITHUB_REPOSITORY at the entry point. */
export const REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** The call tree, in the order people are called (see playbook/call-tree.md). */
export function callOrder(roster: readonly RosterEntry[]): RosterEntry[] {
  return [...roster].sort((a, b) => ROSTER_ROLES.indexOf(a.role) - ROSTER_ROLES.indexOf(b.role));
}
