/** The two functions of `pluralize` (a dependency of retext-profanities) that the word list uses. */
declare module 'pluralize' {
  const pluralize: { singular(word: string): string; plural(word: string): string };
  export default pluralize;
}
