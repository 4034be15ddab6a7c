/**
 * The networks' own notification filters, read so that nobody believes the inbox is complete when
 * the account's settings keep customers out. Pure: the readers fetch the settings, these functions
 * turn them into warnings for `copydesk status`, `copydesk inbox` and the site's status page, stored
 * at `feedback/filters.json` (`FilterReport`).
 *
 * - Mastodon: `GET /api/v2/notifications/policy` (4.3+), each of `for_not_following`,
 *   `for_not_followers`, `for_new_accounts`, `for_private_mentions`, `for_limited_accounts` is
 *   `accept`, `filter` (kept aside as "filtered notifications"; copydesk still reads them with
 *   `include_filtered=true`) or `drop` (never created: nobody, copydesk included, sees them).
 *   https://docs.joinmastodon.org/methods/notifications/#get-policy
 * - Bluesky: `app.bsky.notification.getPreferences`, per reason (`mention`, `reply`, `quote`) a
 *   `FilterablePreference` with `include: all | follows` and `list` (shown in the notification
 *   list). `follows` with `list` means listNotifications, and therefore copydesk, never sees
 *   anyone the account does not follow; `list: false` hides the reason entirely.
 *   https://github.com/bluesky-social/atproto/blob/main/lexicons/app/bsky/notification/defs.json
 */
import type { FeedbackNetwork } from './conversation.ts';

/** One setting that keeps customers out of the team's sight. */
export interface FilterWarning {
  network: FeedbackNetwork;
  /** The setting's name on the network (`for_not_following`, `mention.include`). */
  setting: string;
  /** Its value (`filter`, `drop`, `follows`, `false`). */
  value: string;
  /**
   * `lost`: the network never shows these to anyone, copydesk included: customers won't reach you.
   * `hidden`: copydesk still collects them, but the team's app hides them.
   */
  effect: 'lost' | 'hidden';
  /** One sentence for people: who is affected, and what to change. */
  text: string;
}

/** `feedback/filters.json`. */
export interface FilterReport {
  /** When the settings were last read and found different (ISO 8601). */
  at: string;
  /** Every warning, per network; an empty list: nothing filtered. */
  warnings: FilterWarning[];
}

/** The state-store path of the filter report. */
export const FILTERS_PATH = 'feedback/filters.json';

const MASTODON_WHO: Record<string, string> = {
  for_not_following: "people you don't follow",
  for_not_followers: "people who don't follow you",
  for_new_accounts: 'accounts created in the last 30 days',
  for_private_mentions: 'private mentions from people you don\'t follow',
  for_limited_accounts: 'accounts limited by your server\'s moderators',
};

/** Warnings from a Mastodon notification policy (the JSON as returned; unknown shapes give none). */
export function mastodonPolicyWarnings(policy: unknown): FilterWarning[] {
  const p = (policy && typeof policy === 'object' ? policy : {}) as Record<string, unknown>;
  const out: FilterWarning[] = [];
  for (const [setting, who] of Object.entries(MASTODON_WHO)) {
    const value = p[setting];
    if (value !== 'filter' && value !== 'drop') continue;
    const fix = `set "${setting.replace(/_/g, ' ')}" to accept in Mastodon's notification settings (Preferences → Notifications → filter)`;
    out.push(
      value === 'drop'
        ? { network: 'mastodon', setting, value, effect: 'lost', text: `Mastodon drops notifications from ${who}: customers won't reach you and copydesk can't see them; ${fix}.` }
        : { network: 'mastodon', setting, value, effect: 'hidden', text: `Mastodon filters notifications from ${who}: copydesk still collects them, but the team's app hides them; ${fix}.` },
    );
  }
  return out;
}

const BLUESKY_REASONS = ['mention', 'reply', 'quote'] as const;

/** Warnings from Bluesky notification preferences (`getPreferences` output's `preferences`). */
export function blueskyPreferenceWarnings(preferences: unknown): FilterWarning[] {
  const p = (preferences && typeof preferences === 'object' ? preferences : {}) as Record<string, unknown>;
  const out: FilterWarning[] = [];
  for (const reason of BLUESKY_REASONS) {
    const pref = (p[reason] && typeof p[reason] === 'object' ? p[reason] : {}) as { include?: unknown; list?: unknown };
    const plural = `${reason === 'reply' ? 'replies' : `${reason}s`}`;
    if (pref.list === false) {
      out.push({ network: 'bluesky', setting: `${reason}.list`, value: 'false', effect: 'lost', text: `Bluesky hides all ${plural} from the notification list: customers won't reach you and copydesk can't see them; turn "In-app" on for ${plural} in Bluesky's notification settings.` });
    } else if (pref.include === 'follows') {
      out.push({ network: 'bluesky', setting: `${reason}.include`, value: 'follows', effect: 'lost', text: `Bluesky shows ${plural} only from people you follow: customers you don't follow won't reach you and copydesk can't see them; choose "Everyone" for ${plural} in Bluesky's notification settings.` });
    }
  }
  return out;
}

/** The stored warnings (none when never collected or unreadable: the next collect rewrites it). */
export async function readFilterWarnings(store: { read(path: string): Promise<string | undefined> }): Promise<FilterWarning[]> {
  try {
    const r = JSON.parse((await store.read(FILTERS_PATH)) ?? 'null') as FilterReport | null;
    return r && Array.isArray(r.warnings) ? r.warnings.filter((w) => w && typeof w.text === 'string') : [];
  } catch {
    return [];
  }
}

/** Lines for `copydesk status` (empty when nothing is filtered). */
export function filterWarningsText(warnings: readonly FilterWarning[]): string {
  if (!warnings.length) return '';
  return `\nInbox: the networks' notification filters keep customers out of sight:\n${warnings.map((w) => `  ! ${w.text}\n`).join('')}`;
}
