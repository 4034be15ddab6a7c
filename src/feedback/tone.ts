/**
 * How a customer's words read: urgent, negative, neutral or positive. In this order:
 * 1. the team's urgent terms (`feedback.urgent_terms`, any language) always win: "the tart was
 *    lovely but my son had an allergic reaction" is urgent, not positive;
 * 2. English through retext-sentiment (AFINN-165 word scores, emoji and emoticons, with negation:
 *    "not good" reads negative) https://github.com/retextjs/retext-sentiment
 * 3. other languages through the team's word list for that language (`feedback.tone_words.<lang>`):
 *    each negative word −2, each positive +2, a negation word just before flips it ("nie polecam"
 *    is listed whole; "nie dobre" flips "dobre").
 * A person's override (`/tone …` on the issue) is kept as it is: it is never recomputed.
 * Pure apart from building the retext processor once.
 */
import retextEnglish from 'retext-english';
import retextSentiment from 'retext-sentiment';
import { unified } from 'unified';
import type { FeedbackSettings } from '../config/feedback-settings.ts';
import type { Conversation, Message, Tone, ToneLevel } from './conversation.ts';

/** Most urgent first: every listing sorts by this. */
export const TONE_ORDER: readonly ToneLevel[] = ['urgent', 'negative', 'neutral', 'positive'];

/** Rank of a tone for sorting (urgent 0 … positive 3). */
export function toneRank(level: ToneLevel): number {
  return TONE_ORDER.indexOf(level);
}

/** Negation words before a listed word flip it (Polish "nie", German "nicht", …). */
const NEGATIONS = new Set(['nie', 'not', 'nicht', 'kein', 'keine', 'ne', 'pas', 'no', 'non', 'ani']);

let english: ReturnType<typeof buildEnglish> | undefined;
function buildEnglish() {
  // retext-sentiment 6 ships types of an older unified; the plugin itself is a plain transformer.
  return unified().use(retextEnglish).use(retextSentiment as never).freeze();
}

interface Scored {
  score: number;
  words: string[];
}

/** retext-sentiment's polarity of English text (its word list is lower case, so the text is too). */
function scoreEnglish(text: string): Scored {
  english ??= buildEnglish();
  const tree = english.runSync(english.parse(text.toLowerCase())) as { data?: { polarity?: number } };
  const words: string[] = [];
  const walk = (node: { type: string; data?: { polarity?: number }; children?: unknown[]; value?: string }) => {
    if (node.type === 'WordNode' && typeof node.data?.polarity === 'number' && node.data.polarity !== 0) {
      words.push(((node.children ?? []) as { value?: string }[]).map((c) => c.value ?? '').join(''));
    }
    for (const c of (node.children ?? []) as never[]) walk(c);
  };
  walk(tree as never);
  return { score: tree.data?.polarity ?? 0, words };
}

/** Lower case, letters and digits only, so "Zatrucie!" matches "zatrucie". */
function normalize(text: string): string {
  return ` ${text.toLowerCase().normalize('NFC').replace(/[^\p{L}\p{N}&]+/gu, ' ').trim()} `;
}

/** Whole-word, case-insensitive phrase search (Unicode letters; "sick" does not match "sickle"). */
function findTerms(text: string, terms: readonly string[]): string[] {
  const hay = normalize(text);
  return terms.filter((t) => {
    const needle = normalize(t);
    return needle.trim() !== '' && hay.includes(needle);
  });
}

/**
 * The word list's score of `text`: each listed phrase ±2, longest first (a matched phrase is used
 * up, so "nie polecam" does not also count "polecam"), a single word flipped after a negation word.
 */
function scoreWords(text: string, words: { negative: string[]; positive: string[] }): Scored {
  let hay = normalize(text);
  let score = 0;
  const found: string[] = [];
  const entries = [...words.negative.map((w) => [w, -2] as const), ...words.positive.map((w) => [w, 2] as const)]
    .map(([w, weight]) => ({ w, weight, needle: normalize(w) }))
    .filter((e) => e.needle.trim() !== '')
    .sort((a, b) => b.needle.length - a.needle.length);
  for (const { w, weight, needle } of entries) {
    let at = hay.indexOf(needle);
    while (at !== -1) {
      const before = hay.slice(0, at).trim().split(' ').pop() ?? '';
      score += NEGATIONS.has(before) && !needle.trim().includes(' ') ? -weight : weight;
      found.push(w);
      // Used up: blank it out, keeping the spaces that delimit its neighbours.
      hay = `${hay.slice(0, at + 1)}${' '.repeat(needle.length - 2)}${hay.slice(at + needle.length - 1)}`;
      at = hay.indexOf(needle);
    }
  }
  return { score, words: [...new Set(found)] };
}

/** The primary language tag (`pl-PL` → `pl`), lower case; English when unknown. */
function primary(lang: string | undefined): string {
  return (lang ?? 'en').toLowerCase().split(/[-_]/)[0] || 'en';
}

/** Tone of one text in `lang` (BCP 47; English when undefined). */
export function toneOfText(text: string, lang: string | undefined, settings: FeedbackSettings): Tone {
  const urgent = findTerms(text, settings.urgentTerms);
  const l = primary(lang);
  const scored = l === 'en' ? scoreEnglish(text) : { score: 0, words: [] as string[] };
  const list = settings.toneWords[l];
  if (list) {
    const extra = scoreWords(text, list);
    scored.score += extra.score;
    scored.words.push(...extra.words);
  }
  if (urgent.length) return { level: 'urgent', score: scored.score, because: urgent };
  const level: ToneLevel = scored.score < 0 ? 'negative' : scored.score > 0 ? 'positive' : 'neutral';
  return { level, score: scored.score, because: [...new Set(scored.words)] };
}

/** The customer's messages (never the team's own replies). */
export function customerMessages(c: Conversation): Message[] {
  return c.messages.filter((m) => !m.fromTeam);
}

/**
 * Tone of a conversation: the most urgent of its customer messages (one angry message in a
 * friendly thread makes it negative), `lang` from each message (else the config's `defaultLang`).
 * A person's override wins and is returned unchanged.
 */
export function conversationTone(c: Conversation, settings: FeedbackSettings, defaultLang: string): Tone {
  if (c.tone?.override) return c.tone;
  const tones = customerMessages(c).map((m) => toneOfText(m.text, m.lang ?? defaultLang, settings));
  if (!tones.length) return { level: 'neutral', because: [] };
  tones.sort((a, b) => toneRank(a.level) - toneRank(b.level) || (a.score ?? 0) - (b.score ?? 0));
  const worst = tones[0]!;
  const because = [...new Set(tones.filter((t) => t.level === worst.level).flatMap((t) => t.because))];
  return { level: worst.level, ...(worst.score !== undefined ? { score: worst.score } : {}), because };
}
