/**
 * The repository's configuration, read from `copydesk.config.yaml` at the repository root.
 * Every field has a default, so a repository without the file still works.
 */
import type { Network } from '../post/network.ts';
import type { RosterEntry } from './team.ts';
import { defaultFeedbackSettings, type FeedbackSettings } from './feedback-settings.ts';

export const CONFIG_FILE = 'copydesk.config.yaml';

export { NETWORKS } from '../post/network.ts';
/** Networks copydesk can publish to today (x and linkedin are checked for length only). */
export const PUBLISHABLE: readonly Network[] = ['bluesky', 'mastodon', 'threads'];

export interface BlueskySettings {
  /** PDS address, e.g. `https://bsky.social`. */
  service: string;
  /** Account handle or DID used to log in (the app password is the secret `BLUESKY_APP_PASSWORD`). */
  identifier?: string;
}

export interface MastodonSettings {
  /** Instance base URL, e.g. `https://mastodon.social`. */
  instance?: string;
  /** The instance's status limit (`GET /api/v2/instance` → configuration.statuses.max_characters). */
  maxCharacters: number;
  /** Characters every URL counts for (23 on stock Mastodon). */
  charactersPerUrl: number;
  /** Default visibility of statuses. */
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
}

/**
 * Threads (Meta) publishing settings. The token is the secret `THREADS_ACCESS_TOKEN` (a long-lived
 * token, 60 days: https://developers.facebook.com/docs/threads/get-started/long-lived-tokens).
 */
export interface ThreadsSettings {
  /** The Threads user id that publishes (`GET /me?fields=id` with the token); `/me` is used when unset. */
  userId?: string;
  /** Graph API base URL (default `https://graph.threads.net`); tests point it at the fake. */
  api: string;
  /**
   * Public base URL of the copydesk site (e.g. `https://little-oven.github.io/social`): Threads
   * fetches every image itself from `<site_url>/media/<repository path>`, the address the site
   * serves media at. Without it a post with images is held, never sent without them.
   */
  siteUrl?: string;
}

export interface WatchTerm {
  /** A word or phrase (case-insensitive, whole words). */
  term: string;
  /** Why it is listed, shown in the error (e.g. "flood in Gdańsk, 2027-02-03"). */
  reason?: string;
}

export interface QuietPeriod {
  /** First instant of the period (epoch ms). */
  from: number;
  /** End of the period (epoch ms, exclusive). */
  until: number;
  /** Shown in plans and holds. */
  reason: string;
}

export interface CredentialEntry {
  /** The account, e.g. `@bakery.bsky.social`. */
  account: string;
  /** Network of the account. */
  network: string;
  /** Person who owns the account. */
  owner: string;
  /** Person who can act when the owner cannot. */
  backup: string;
  /** Name of the secret that holds the credential (never its value). */
  secret: string;
  /** Date the secret was last rotated (YYYY-MM-DD). */
  rotated?: string;
  /**
   * How many days a credential lasts after `rotated` (`lifetime_days:`), overriding the network's
   * default (../config/credential-lifetime.ts: Threads and LinkedIn 60, others never).
   */
  lifetimeDays?: number;
  /** The credential's expiry date (`expires:`, YYYY-MM-DD) when the network states one; wins over the lifetime. */
  expires?: string;
  /** How to revoke the credential, step by step. */
  revoke: string;
}

export interface Config {
  /** Team time zone (IANA), used for local times in posts and for display. */
  timezone: string;
  /** Default language of posts (BCP 47). */
  lang: string;
  /** Networks this repository publishes to, and their settings. */
  channels: { bluesky: BlueskySettings; mastodon: MastodonSettings; threads: ThreadsSettings; enabled: Network[] };
  /** Sensitive topics: topic name → terms. A match is a warning. */
  sensitiveTopics: Record<string, string[]>;
  /** Terms listed during a crisis. A match is an error while listed. */
  watchlist: WatchTerm[];
  /** Minimum minutes between two posts on the same network. */
  minSpacingMinutes: number;
  /** A post later than this many minutes past its time is marked missed, never sent late. */
  maxLatenessMinutes: number;
  /** At most this many posts per network in one publisher run, so a backlog never fires as a burst. */
  maxPerRun: number;
  /**
   * When the publisher runs: the cron lines of `.github/workflows/publish.yml` (UTC), repeated here
   * so the check can tell when a post will really go out (a test keeps the two equal for this
   * repository). Default: twice an hour, 05:00–20:59 UTC (README "Actions minutes").
   */
  publishCrons: string[];
  /** Branch that holds the ledger and the freeze state (written only by the publisher). */
  stateBranch: string;
  /** Periods when nothing goes out. */
  quietPeriods: QuietPeriod[];
  /** Who holds which account (shown on the site; never secret values). */
  credentials: CredentialEntry[];
  /** Open the renewal issue this many days before a credential expires (`credential_notice_days:`, default 7). */
  credentialNoticeDays: number;
  /** The GitHub repository (`owner/name`) the site's Freeze, Thaw and holding buttons open. */
  repository?: string;
  /** Who is on call, in which role: the call tree and mentions come from here. */
  roster: RosterEntry[];
  /** A playbook page whose `last_reviewed` is older than this many days gets a warning from the check. */
  playbookReviewDays: number;
  /** How the English checks (retext-equality, retext-profanities) decide what is worth a warning. */
  english: EnglishSettings;
  /** When a sensitive-topic word has its everyday sense (a street name, a product, a phrase). */
  sensitiveContext: SensitiveContext;
  /** The morning re-read (`reread:`, src/reread/): one issue a day listing today's posts. */
  reread: RereadSettings;
  /** The feedback inbox's triage: business hours, the first-response target, urgent terms, tone word lists (`feedback:`). */
  feedback: FeedbackSettings;
}

/** `reread:` in the config: when the morning re-read issue opens. */
export interface RereadSettings {
  /** Off: no re-read issue is ever opened (`reread: false` or `enabled: false`). Default on. */
  enabled: boolean;
  /** Local time `HH:MM` in the team zone; the first publisher run at or after it opens the issue. Default `07:30`. */
  time: string;
}

/**
 * alex-style knobs for the English checks (https://github.com/get-alex/alex#configuration):
 * `allow` and a profanity sureness threshold.
 */
export interface EnglishSettings {
  /**
   * Rule ids (or flagged words) never reported, like alex's `allow`: `her-him`, `special`,
   * `crackers`. The rule id is the one shown in each finding.
   */
  allow: string[];
  /**
   * Lowest retext-profanities rating that is reported (its `profanitySeverity`, alex's
   * `profanitySureness`): 0 "profane in some cases" (kids, fruit, church), 1 "may be profane"
   * (damn), 2 "profane" (always an error). Default 1.
   */
  profanitySureness: 0 | 1 | 2;
}

/** Phrase-level context for `sensitive_topics`: where a topic word is only a name or a phrase. */
export interface SensitiveContext {
  /**
   * A topic word written with a capital letter and followed by one of these words is part of a
   * name (Church Street, Parliament Hill, Temple Road): not a warning.
   */
  placeWords: string[];
  /**
   * Phrases in which a topic word has its everyday sense ("election cake", "vote for your
   * favourite", "president of the * club"); `*` stands for one word. Case-insensitive.
   */
  phrases: string[];
}

/**
 * Family words and pronouns a small business uses about real people ("Maria is back from her
 * holiday", "my grandmother's recipe"), and "special" (today's special): retext-equality flags
 * them all, which buries the warnings worth reading.
 */
export const DEFAULT_ENGLISH_ALLOW: readonly string[] = [
  'her-him', 'he-she', 'special', 'just', 'aunt-uncle', 'aunts-uncles', 'brother-sister', 'brothers-sisters',
  'dad-mom', 'dads-moms', 'daughter-son', 'daughters-sons', 'gramps-granny', 'granddaughter-grandson',
  'granddaughters-grandsons', 'grandfathers-grandmothers', 'husband-wife', 'husbands-wives', 'king-queen',
  'kings-queens', 'nephew-niece', 'nephews-nieces', 'stepdad-stepmom', 'crackers', 'cracker',
];

export const DEFAULT_SENSITIVE_CONTEXT: SensitiveContext = {
  placeWords: [
    'street', 'st', 'road', 'rd', 'lane', 'hill', 'square', 'market', 'avenue', 'ave', 'park', 'gardens', 'row',
    'bridge', 'gate', 'way', 'place', 'court', 'close', 'terrace', 'green', 'station', 'walk', 'yard', 'mews',
  ],
  phrases: [
    'election cake', 'election cakes', 'vote for your favourite', 'vote for your favorite', 'vote for your',
    'vote in our', 'the vote is in', 'voting us', 'voted us', 'vote for us', 'president of our',
    'president of the * club', 'president of the * society', 'president of the * association', 'club president',
    'death by chocolate', 'jewish rye', 'jewish bakery', 'jewish apple cake',
  ],
};

export const DEFAULT_SENSITIVE_TOPICS: Record<string, string[]> = {
  politics: [
    'election', 'elections', 'vote', 'voting', 'ballot', 'president', 'prime minister', 'parliament', 'senate',
    'congress', 'government', 'politician', 'politicians', 'political', 'politics', 'democrat', 'democrats',
    'republican', 'republicans', 'left-wing', 'right-wing', 'campaign rally', 'referendum', 'immigration',
    'abortion', 'gun control',
  ],
  // Not "blessed": "a blessed Sunday" is everyday speech, not a statement about religion.
  religion: [
    'god', 'jesus', 'christ', 'allah', 'church', 'mosque', 'synagogue', 'temple', 'pray', 'prayer', 'prayers',
    'bible', 'quran', 'koran', 'torah', 'religion', 'religious', 'christian', 'muslim', 'jewish', 'hindu',
    'buddhist', 'atheist', 'pope',
  ],
  // A cheerful post next to news of a death is the classic bad post.
  tragedy: [
    'shooting', 'shootings', 'gunman', 'massacre', 'tragedy', 'tragedies', 'tragic', 'killed', 'death', 'deaths',
    'died', 'funeral', 'murder', 'murdered', 'terror attack', 'terrorist', 'bombing', 'victims', 'mourning',
    'condolences', 'rest in peace',
  ],
};

export function defaultConfig(): Config {
  return {
    timezone: 'UTC',
    lang: 'en',
    channels: {
      bluesky: { service: 'https://bsky.social' },
      mastodon: { maxCharacters: 500, charactersPerUrl: 23, visibility: 'public' },
      threads: { api: 'https://graph.threads.net' },
      enabled: ['bluesky', 'mastodon'],
    },
    sensitiveTopics: structuredClone(DEFAULT_SENSITIVE_TOPICS),
    watchlist: [],
    minSpacingMinutes: 0,
    maxLatenessMinutes: 120,
    publishCrons: ['7,37 5-20 * * *'],
    maxPerRun: 5,
    stateBranch: 'copydesk-state',
    quietPeriods: [],
    credentials: [],
    credentialNoticeDays: 7,
    roster: [],
    playbookReviewDays: 180,
    english: { allow: [...DEFAULT_ENGLISH_ALLOW], profanitySureness: 1 },
    sensitiveContext: structuredClone(DEFAULT_SENSITIVE_CONTEXT),
    reread: { enabled: true, time: '07:30' },
    feedback: defaultFeedbackSettings('UTC'),
  };
}
