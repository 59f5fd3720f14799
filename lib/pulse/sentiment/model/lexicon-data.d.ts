// wink-sentiment's word (AFINN-165) and emoji scores: plain CommonJS objects, no types shipped.
declare module "wink-sentiment/src/afinn-en-165.js" {
  const words: Record<string, number>;
  export = words;
}
declare module "wink-sentiment/src/emojis.js" {
  const emojis: Record<string, number>;
  export = emojis;
}
