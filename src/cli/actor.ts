/**
 * Who did it, for the freeze record and the holding log: `--by`, else the GitHub user that
 * started the workflow (`GITHUB_ACTOR`), else the local user. Read from the context's environment,
 * never from `process.env`, so tests decide.
 */
import { userInfo } from 'node:os';

/** The name to record for an action. */
export function actorName(by: string | boolean | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (typeof by === 'string' && by.trim()) return by.trim();
  const candidates = [env.GITHUB_ACTOR, env.USER, env.LOGNAME, env.USERNAME];
  for (const c of candidates) if (c && c.trim()) return c.trim();
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
