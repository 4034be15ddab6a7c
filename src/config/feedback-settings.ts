/**
 * `feedback:` in copydesk.config.yaml: how the feedback inbox triages what customers write (tone,
 * urgent terms, the response clock in business hours) and what its GitHub issues may show.
 * Read by ./read-feedback.ts; used by src/feedback/ (tone.ts, response-clock.ts, inbox-sync.ts).
 */

/** Days of the week as written in the config. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When the team answers: the response clock runs only inside these hours. */
export interface BusinessHours {
  /** Days the team works (`mon`…`sun`). */
  days: Weekday[];
  /** Local start of the working day, minutes after midnight (09:00 → 540). */
  startMinute: number;
  /** Local end of the working day, minutes after midnight (17:00 → 1020); later than the start. */
  endMinute: number;
  /** IANA zone of these hours (default: the config's `timezone`). */
  zone: string;
}

/** A team-editable tone word list for one language. */
export interface ToneWords {
  /** Words or phrases that make a message read negative ("zimne", "nigdy więcej"). */
  negative: string[];
  /** Words or phrases that make a message read positive ("pyszne", "dziękuję"). */
  positive: string[];
}

export interface FeedbackSettings {
  /** The hours the response clock counts. */
  businessHours: BusinessHours;
  /** First-response target in business minutes (default 120: 2 h). */
  firstResponseMinutes: number;
  /** Terms that make a conversation urgent whatever else it says (any language; case-insensitive, whole words). */
  urgentTerms: string[];
  /** Tone words per language (BCP 47 primary tag: `pl`, `de`); English uses retext-sentiment plus `en` here if given. */
  toneWords: Record<string, ToneWords>;
  /**
   * The repository is private, so a private message's words may be copied into its GitHub issue.
   * Words are shown only when this is true AND GitHub says the repository is private; otherwise
   * the issue says only that a private message arrived, with a link (default false).
   */
  privateRepository: boolean;
}

/** Urgent terms out of the box: health, safety and money, in English and Polish. */
export const DEFAULT_URGENT_TERMS: readonly string[] = [
  'food poisoning', 'poisoned', 'allergic', 'allergy', 'allergic reaction', 'anaphylaxis', 'anaphylactic', 'refund', 'sick',
  'vomiting', 'hospital', 'a&e', 'emergency', 'glass in', 'mould', 'mold', 'lawyer', 'sue',
  'zatrucie', 'zatrułem', 'zatrułam', 'zatruty', 'zatruta', 'alergia', 'alergię', 'alergii', 'uczulenie', 'uczulony', 'uczulona',
  'zwrot', 'zwrot pieniędzy', 'szpital', 'szpitalu', 'wymioty', 'chory', 'chora', 'pleśń', 'prawnik', 'sanepid',
];

/** Tone words out of the box: English (added to retext-sentiment) and Polish; the team edits them in `feedback.tone_words.<lang>`. */
export const DEFAULT_TONE_WORDS: Readonly<Record<string, ToneWords>> = {
  // Added to retext-sentiment's AFINN list, which misses the words of a bakery's complaints.
  en: {
    negative: ['stale', 'rude', 'cold', 'burnt', 'undercooked', 'raw', 'soggy', 'overpriced', 'dirty', 'never again', 'waited', 'too long', 'late', 'complaint', 'mouldy', 'moldy', 'not fresh'],
    positive: ['delicious', 'tasty', 'yummy', 'lovely', 'fresh'],
  },
  pl: {
    negative: [
      'zły', 'zła', 'złe', 'okropny', 'okropna', 'okropne', 'fatalny', 'fatalna', 'fatalne', 'beznadziejny', 'beznadziejna',
      'beznadziejne', 'niedobry', 'niedobra', 'niedobre', 'zimny', 'zimna', 'zimne', 'czerstwy', 'czerstwa', 'czerstwe',
      'spalony', 'spalona', 'spalone', 'rozczarowany', 'rozczarowana', 'rozczarowanie', 'skandal', 'skandaliczny',
      'skandaliczna', 'niegrzeczny', 'niegrzeczna', 'niemiły', 'niemiła', 'drogo', 'za drogo', 'nigdy więcej', 'reklamacja',
      'skarga', 'porażka', 'żenada', 'brud', 'brudno', 'brudny', 'brudna', 'czekałem', 'czekałam', 'spóźnienie', 'nie polecam',
    ],
    positive: [
      'pyszny', 'pyszna', 'pyszne', 'pycha', 'smaczny', 'smaczna', 'smaczne', 'dobry', 'dobra', 'dobre', 'świetny', 'świetna',
      'świetne', 'super', 'wspaniały', 'wspaniała', 'wspaniałe', 'doskonały', 'doskonała', 'doskonałe', 'dziękuję', 'dzięki',
      'polecam', 'uwielbiam', 'kocham', 'miły', 'miła', 'miłe', 'najlepszy', 'najlepsza', 'najlepsze', 'brawo', 'cudowny',
      'cudowna', 'cudowne', 'rewelacja', 'rewelacyjny', 'rewelacyjna',
    ],
  },
};

/** Monday to Friday, 09:00–17:00. */
export const DEFAULT_DAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

export function defaultFeedbackSettings(zone: string): FeedbackSettings {
  return {
    businessHours: { days: [...DEFAULT_DAYS], startMinute: 9 * 60, endMinute: 17 * 60, zone },
    firstResponseMinutes: 120,
    urgentTerms: [...DEFAULT_URGENT_TERMS],
    toneWords: structuredClone(DEFAULT_TONE_WORDS) as Record<string, ToneWords>,
    privateRepository: false,
  };
}
