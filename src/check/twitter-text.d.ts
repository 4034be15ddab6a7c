// twitter-text ships no types; only the function copydesk uses is declared.
// https://github.com/twitter/twitter-text/tree/master/js#parsetweet
declare module 'twitter-text' {
  interface ParsedTweet {
    weightedLength: number;
    valid: boolean;
    permillage: number;
    validRangeStart: number;
    validRangeEnd: number;
  }
  const twitterText: { parseTweet(text: string): ParsedTweet };
  export default twitterText;
}
