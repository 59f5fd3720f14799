// wink-sentiment 5.0.2 ships no types; this is the part of its API Pulse uses.
declare module "wink-sentiment" {
  type Token = {
    value: string;
    tag: string; // word, emoji, emoticon, hashtag, mention, url, punctuation, number, …
    score?: number;
    negation?: boolean;
    grouped?: number;
  };
  function sentiment(phrase: string): {
    score: number;
    normalizedScore: number;
    tokenizedPhrase?: Token[];
  };
  export = sentiment;
}
