/** What the English checks need to know about a file, and which posts get them. Kept free of the
 * retext imports so deciding costs nothing when no English post is checked. */

/** What a worker needs to check a file: no Post (it does not cross threads cheaply), just text. */
export interface EnglishInput {
  /** Repository-relative path. */
  file: string;
  /** The whole file, front-matter included, so lines and columns are the file's. */
  source: string;
  /** First line after the front-matter: messages above it are dropped. */
  bodyLine: number;
}

/** Posts in English (`en`, `en-GB`, `en-US`…) get the English checks; others are skipped. */
export function isEnglish(lang: string): boolean {
  return /^en(?:-|$)/i.test(lang);
}
