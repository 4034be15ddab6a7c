// twitter-text ships no types; only the functions copydesk uses are declared.
// https://github.com/twitter/twitter-text/tree/master/js#parsetweet
declare module 'twitter-text' {
  interface ParsedTweet {
    weightedLength: number;
    valid: boolean;
    permillage: number;
    validRangeStart: number;
    validRangeEnd: number;
    displayRangeStart: number;
    displayRangeEnd: number;
  }
  interface UrlEntity {
    url: string;
    /** [start, end) in UTF-16 code units. */
    indices: [number, number];
  }
  const twitterText: {
    parseTweet(text: string): ParsedTweet;
    extractUrlsWithIndices(text: string, options?: { extractUrlsWithoutProtocol?: boolean }): UrlEntity[];
    extractUrls(text: string): string[];
    extractMentions(text: string): string[];
  };
  export default twitterText;
}
