/**
 * Which language a post's text is in, by franc-min (trigram language detection, 82 languages,
 * offline: https://github.com/wooorm/franc/tree/main/packages/franc-min), compared with the post's
 * `lang`. Used to run the English checks only on English text and to warn when `lang` is wrong.
 *
 * Only a confident guess counts: at least {@link MIN_LETTERS} letters once links, mentions and
 * hashtags are removed, and the declared language scoring under {@link AGREE_SCORE} of the best
 * (franc scores are relative, the best being 1). On the corpus of ordinary posts English text
 * scores English ≥ 0.89 and Polish text scores English ≤ 0.91 at most once, so a short English
 * post that franc mistakes for Dutch still "agrees" with `lang: en`.
 */
import { francAll } from 'franc-min';

export const MIN_LETTERS = 40;
export const AGREE_SCORE = 0.8;
/**
 * Characters of text given to the detector: its cost grows with the text, and it was the most
 * expensive rule of the check (1.0 ms of CPU per post with the whole text and 82 languages, 0.33 ms
 * with 160 characters and 37). On the corpus of ordinary posts the verdicts are the same.
 */
export const SAMPLE = 160;

/** ISO 639-1 tags (the first subtag of `lang`) of the languages franc-min knows, to ISO 639-3. */
const TO_639_3: Record<string, string> = {
  en: 'eng', pl: 'pol', de: 'deu', fr: 'fra', es: 'spa', it: 'ita', pt: 'por', nl: 'nld', sv: 'swe', uk: 'ukr',
  ru: 'rus', cs: 'ces', sk: 'slk', ro: 'ron', hu: 'hun', tr: 'tur', ja: 'jpn', zh: 'cmn', ko: 'kor', ar: 'arb',
  hi: 'hin', vi: 'vie', id: 'ind', fi: 'fin', da: 'dan', no: 'nob', nb: 'nob', el: 'ell', bg: 'bul', hr: 'hrv',
  sr: 'srp', lt: 'lit', lv: 'lvs', sl: 'slv', he: 'heb', fa: 'pes',
};
const NAMES: Record<string, string> = { eng: 'English', pol: 'Polish', deu: 'German', fra: 'French', spa: 'Spanish', ita: 'Italian', por: 'Portuguese', nld: 'Dutch', ukr: 'Ukrainian', rus: 'Russian', ces: 'Czech', slk: 'Slovak', swe: 'Swedish' };
const FROM_639_3 = Object.fromEntries(Object.entries(TO_639_3).map(([k, v]) => [v, k]));
/**
 * The languages compared (franc's `only`): those a `lang` tag can name above, plus Scots, which
 * franc confuses with English. Comparing 37 models instead of 82 halves the cost.
 */
const CANDIDATES = [...new Set([...Object.values(TO_639_3), 'sco'])];

/** What the detector says about a text declared as `lang`. */
export type LanguageVerdict =
  | { confident: false }
  | { confident: true; agrees: true }
  | { confident: true; agrees: false; /** ISO 639-3 code. */ code: string; /** "Polish (pl)". */ label: string; /** BCP 47 tag to suggest, when known. */ tag?: string };

export function judgeLanguage(text: string, lang: string): LanguageVerdict {
  const plain = text.replace(/https?:\/\/\S+|[@#][\p{L}\p{N}_.@-]+/gu, ' ');
  if ((plain.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return { confident: false };
  const declared = TO_639_3[lang.split('-')[0]!.toLowerCase()];
  const scores = francAll(plain.slice(0, SAMPLE), { minLength: MIN_LETTERS, only: CANDIDATES });
  const [best] = scores;
  if (!declared || !best || best[0] === 'und') return { confident: false };
  const own = scores.find(([code]) => code === declared)?.[1] ?? 0;
  if (best[0] === declared || own >= AGREE_SCORE) return { confident: true, agrees: true };
  const tag = FROM_639_3[best[0]];
  return { confident: true, agrees: false, code: best[0], label: `${NAMES[best[0]] ?? best[0]}${tag ? ` (${tag})` : ''}`, ...(tag ? { tag } : {}) };
}
