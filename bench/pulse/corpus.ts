// Synthetic but post-shaped text for the bench: 8–30 tokens drawn from everyday words, AFINN
// sentiment words, negations, intensifiers, emoji, emoticons, hashtags, mentions and URLs, in
// roughly the proportions of real short posts. Deterministic, so runs compare.

const NEUTRAL = `the a to and of in is it for on that this with was at by from just new today time
people day year way work home city team game music news phone app update week night morning
weekend coffee train bus office school data code release version launch meeting photo video
live stream thread post reply link read watch listen think know see make go get`.split(/\s+/);
const SENTIMENT = `good great love amazing happy excellent awesome nice best win fun beautiful
wonderful fantastic bad terrible awful hate worst sad angry annoying broken fail disappointed
horrible ugly boring stupid problem lost crisis`.split(/\s+/);
const SPICE = [
  "not",
  "never",
  "very",
  "really",
  "so",
  "extremely",
  "😀",
  "😂",
  "😡",
  "😢",
  "❤️",
  "🔥",
  ":)",
  ":(",
  ":D",
  "#bluesky",
  "#tech",
  "#news",
  "#climate",
  "@someone.bsky.social",
  "https://example.com/article/123",
];

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makePosts(count: number, seed = 7, keyword?: string): string[] {
  const r = rng(seed);
  const pick = (list: string[]) => list[Math.floor(r() * list.length)]!;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 8 + Math.floor(r() * 23);
    const words: string[] = keyword ? [keyword] : [];
    for (let j = 0; j < n; j++) {
      const x = r();
      words.push(x < 0.72 ? pick(NEUTRAL) : x < 0.88 ? pick(SENTIMENT) : pick(SPICE));
    }
    const text = words.join(" ");
    out.push(r() < 0.3 ? text[0]!.toUpperCase() + text.slice(1) + "!" : text);
  }
  return out;
}
