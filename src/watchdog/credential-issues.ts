/**
 * Accounts that never lapse: ONE GitHub issue per credential that expires within the notice days
 * (`credential_notice_days`, default 7), found again by a hidden marker and updated in place,
 * naming the owner and the backup (mentioned when the roster has their GitHub login) and the
 * revoke and renew steps; closed once `rotated` moves forward (the credential is no longer due).
 * Pure: the register, the roster and the clock in, issue texts out. Run by the daily watchdog, so
 * it costs no schedule of its own.
 */
import type { Config, CredentialEntry } from '../config/config.ts';
import type { CredentialExpiry } from '../config/credential-lifetime.ts';
import { credentialExpiries, describeExpiry } from '../config/credential-lifetime.ts';
import type { RosterEntry } from '../config/team.ts';
import { text as inertText } from '../check/markdown.ts';

/** Label of the credential issues. */
export const CREDENTIAL_LABEL = 'copydesk-credential';

/** How each network's token is renewed, step by step (the register's `revoke` adds the team's own notes). */
export const RENEW_STEPS: Record<string, string> = {
  threads:
    'Refresh the long-lived token while it is still valid (at least 24 hours old): `curl "https://graph.threads.net/refresh_access_token?grant_type=th_refresh_token&access_token=$THREADS_ACCESS_TOKEN"` answers a new token valid for 60 days ' +
    '(https://developers.facebook.com/docs/threads/get-started/long-lived-tokens#refresh-a-long-lived-token). If it already expired, generate a new user token in the Meta app dashboard and exchange it for a long-lived one. ' +
    'Store the new value as the secret in the `publish` environment, then move `rotated` to today in copydesk.config.yaml (a pull request).',
  linkedin:
    'Refresh the access token with the refresh token (`grant_type=refresh_token` at https://www.linkedin.com/oauth/v2/accessToken), or sign in again through the app; store it as the secret and move `rotated` to today.',
  bluesky: 'Create a new app password at https://bsky.app/settings/app-passwords, store it as the secret, delete the old one, and move `rotated` to today.',
  mastodon: 'On the instance: Preferences → Development → the application → Regenerate access token; store it as the secret and move `rotated` to today.',
};

/** What the watchdog does for one credential. */
export type CredentialIssue =
  /** Open or update the issue. */
  | { kind: 'open'; marker: string; title: string; body: string; expiry: CredentialExpiry }
  /** Close the issue if one is open (the credential is no longer due). */
  | { kind: 'close'; marker: string; comment: string; expiry: CredentialExpiry };

/** Marker name of a credential's issue: network and secret name (never its value). */
export function credentialMarker(entry: CredentialEntry): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._]/g, '_').replace(/_+/g, '_').slice(0, 40) || 'x';
  return `credential-expiry:${clean(entry.network.toLowerCase())}:${clean(entry.secret)}`;
}

/** "@anna" when the roster knows the person's GitHub login, else the name as written (no mention). */
export function mention(person: string, roster: readonly RosterEntry[]): string {
  const name = person.replace(/\s*\(.*\)\s*$/, '').trim();
  const hit = roster.find((r) => r.name.toLowerCase() === name.toLowerCase() || (r.github && `@${r.github}`.toLowerCase() === name.toLowerCase()));
  return hit?.github && /^[A-Za-z0-9-]{1,39}$/.test(hit.github) ? `@${hit.github} (${inertText(hit.name)})` : inertText(person || 'nobody named');
}

/** The issues to open, update and close now. Credentials that never expire get none. */
export function credentialIssues(config: Pick<Config, 'credentials' | 'credentialNoticeDays' | 'roster'>, now: number): CredentialIssue[] {
  const out: CredentialIssue[] = [];
  for (const x of credentialExpiries(config.credentials, now, config.credentialNoticeDays)) {
    if (x.state === 'never') continue;
    const e = x.entry;
    const marker = credentialMarker(e);
    if (x.state === 'ok') {
      out.push({ kind: 'close', marker, expiry: x, comment: `\`rotated\` is now ${e.rotated ?? 'unknown'}: the credential in \`${e.secret}\` ${describeExpiry(x)}. Closing.` });
      continue;
    }
    const due = x.state === 'expired' ? `expired on ${x.expires}` : x.state === 'soon' ? `expires on ${x.expires}` : 'has no recorded rotation date';
    const title = `copydesk: renew the ${e.network} token ${e.secret} (${e.account}): it ${due}`;
    const body = [
      `The credential for **${inertText(e.account)}** on ${inertText(e.network)}, kept in the secret \`${e.secret}\`, ${describeExpiry(x)}.`,
      x.state === 'expired'
        ? `Until it is renewed, the publisher cannot post to ${inertText(e.network)}; each run says "renew the token" once.`
        : `Renew it before then: after that, nothing more is published on ${inertText(e.network)} until it is renewed.`,
      '',
      `- Owner: ${mention(e.owner, config.roster)}`,
      `- Backup: ${mention(e.backup, config.roster)}`,
      '',
      '**Renew**',
      '',
      RENEW_STEPS[e.network.toLowerCase()] ?? 'Issue a new token on the network, store it as the secret and move `rotated` to today.',
      '',
      '**Revoke** (if it may have leaked: first, then tell the owner)',
      '',
      e.revoke ? inertText(e.revoke) : 'Not written down yet: add `revoke` to this credential in copydesk.config.yaml.',
      '',
      `This issue is opened ${config.credentialNoticeDays} days ahead (\`credential_notice_days\`), updated by the daily watchdog and closed when \`rotated\` moves forward in copydesk.config.yaml.`,
    ].join('\n');
    out.push({ kind: 'open', marker, title, body, expiry: x });
  }
  return out;
}
