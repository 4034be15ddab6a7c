/**
 * How long each credential in the register lasts, and when it expires. Pure: the register and the
 * clock in, dates out; the watchdog, `copydesk status` and the site all use it.
 *
 * Network defaults (overridable per entry with `lifetime_days:` or `expires:`):
 * - Bluesky app passwords do not expire (they last until deleted: https://bsky.app/settings/app-passwords);
 * - a Mastodon access token does not expire unless revoked (Doorkeeper tokens without `expires_in`:
 *   https://docs.joinmastodon.org/methods/oauth/#token);
 * - Threads long-lived tokens last 60 days (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens);
 * - LinkedIn access tokens last 60 days (https://learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens).
 */
import type { CredentialEntry } from './config.ts';

const DAY = 86_400_000;

/** Days a credential of each network lasts after it is issued; `null`: until revoked. */
export const NETWORK_TOKEN_LIFETIME_DAYS: Record<string, number | null> = {
  bluesky: null,
  mastodon: null,
  threads: 60,
  linkedin: 60,
  x: null,
};

/** When one credential expires, and how that was worked out. */
export interface CredentialExpiry {
  /** The register entry. */
  entry: CredentialEntry;
  /** Expiry date (YYYY-MM-DD, the end of that day UTC counts as expired); absent when it never expires or is unknown. */
  expires?: string;
  /** `expires`: the entry says; `lifetime`: rotated + `lifetime_days`; `network`: rotated + the network's default; `never`: does not expire; `unknown`: it expires but `rotated` is missing. */
  basis: 'expires' | 'lifetime' | 'network' | 'never' | 'unknown';
  /** Days it lasts, when known. */
  lifetimeDays?: number;
  /** Whole days from `now` to the expiry (negative: already expired). */
  daysLeft?: number;
  /** `expired`, `soon` (within the notice days), `ok`, `never` or `unknown`. */
  state: 'expired' | 'soon' | 'ok' | 'never' | 'unknown';
}

const dateMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The expiry of one entry at `now`, with `noticeDays` of warning. */
export function credentialExpiry(entry: CredentialEntry, now: number, noticeDays: number): CredentialExpiry {
  const network = NETWORK_TOKEN_LIFETIME_DAYS[entry.network.toLowerCase()];
  let expires: string | undefined;
  let basis: CredentialExpiry['basis'];
  let lifetimeDays: number | undefined;
  if (entry.expires && Number.isFinite(dateMs(entry.expires))) {
    expires = entry.expires;
    basis = 'expires';
  } else {
    lifetimeDays = entry.lifetimeDays ?? network ?? undefined;
    if (lifetimeDays === undefined) return { entry, basis: 'never', state: 'never' };
    basis = entry.lifetimeDays !== undefined ? 'lifetime' : 'network';
    if (!entry.rotated || !Number.isFinite(dateMs(entry.rotated))) return { entry, basis: 'unknown', lifetimeDays, state: 'unknown' };
    expires = isoDate(dateMs(entry.rotated) + lifetimeDays * DAY);
  }
  const daysLeft = Math.floor((dateMs(expires) - now) / DAY);
  const state = dateMs(expires) <= now ? 'expired' : daysLeft < noticeDays ? 'soon' : 'ok';
  return { entry, expires, basis, ...(lifetimeDays !== undefined ? { lifetimeDays } : {}), daysLeft, state };
}

/** Every entry of the register, soonest expiry first (those that never expire last). */
export function credentialExpiries(entries: readonly CredentialEntry[], now: number, noticeDays: number): CredentialExpiry[] {
  const rank = (e: CredentialExpiry) => (e.expires ? dateMs(e.expires) : e.state === 'unknown' ? -Infinity : Infinity);
  return entries.map((e) => credentialExpiry(e, now, noticeDays)).sort((a, b) => rank(a) - rank(b));
}

/** One line for people: "expires 2027-05-01 (in 12 days; 60-day Threads token rotated 2027-03-02)". */
export function describeExpiry(x: CredentialExpiry): string {
  if (x.state === 'never') return 'does not expire (until revoked)';
  if (x.state === 'unknown') return `expires ${x.lifetimeDays} days after it is issued, but \`rotated\` is not recorded: add the date it was issued`;
  const when = x.daysLeft! < 0 ? `${-x.daysLeft!} day${x.daysLeft === -1 ? '' : 's'} ago` : x.daysLeft === 0 ? 'today' : `in ${x.daysLeft} day${x.daysLeft === 1 ? '' : 's'}`;
  const how = x.basis === 'expires' ? 'date in the register' : `${x.lifetimeDays}-day token, rotated ${x.entry.rotated}`;
  return `${x.state === 'expired' ? 'EXPIRED' : 'expires'} ${x.expires} (${when}; ${how})`;
}
