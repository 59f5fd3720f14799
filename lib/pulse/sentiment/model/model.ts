import { readFileSync } from "node:fs";
import path from "node:path";
import {
  BUCKETS,
  FEATURES_VERSION,
  MAX_FEATURES,
  featurize,
  gramCount,
  languageBucket,
  lexiconEntry,
  sharedBucket,
  wordGrams,
  type WordGramSink,
} from "./features";

// The trained sentiment model: multinomial logistic regression over hashed features
// (features.ts), trained by `npm run train:sentiment` (train/train.ts). The weights are int8 with
// one scale (weights.bin, BUCKETS × 3 classes, bucket-major); model.json says how they were made
// (data files and their sha256, seed, settings) and what they scored on the validation splits.

export const CLASSES = ["negative", "neutral", "positive"] as const;
export type SentimentClass = (typeof CLASSES)[number];

export type ModelMeta = {
  featuresVersion: number;
  hashBits: number;
  scale: number;
  languages: string[];
  weightsSha256: string;
  [key: string]: unknown;
};

export type Prediction = {
  label: SentimentClass;
  /** P(positive) − P(negative), × 5 to sit on the lexicon scorers' scale (about −5…+5). */
  score: number;
  /** The probability of the predicted class. */
  confidence: number;
  probabilities: [number, number, number];
};

export const MODEL_DIR = path.join(process.cwd(), "lib/pulse/sentiment/model");

export class SentimentModel {
  private readonly features = new Int32Array(MAX_FEATURES);
  private readonly languages: ReadonlySet<string>;

  constructor(
    readonly meta: ModelMeta,
    private readonly weights: Int8Array,
    private readonly scale = meta.scale,
  ) {
    if (meta.featuresVersion !== FEATURES_VERSION)
      throw new Error(
        `sentiment model was trained with features v${meta.featuresVersion}, code has v${FEATURES_VERSION}: run npm run train:sentiment`,
      );
    if (weights.length !== BUCKETS * 3)
      throw new Error("sentiment model weights have the wrong size");
    this.languages = new Set(meta.languages);
  }

  /** Whether the model was trained on this language (a bare ISO 639-1 code). */
  knows(lang: string): boolean {
    return this.languages.has(lang);
  }

  private words: WordSums | undefined;

  logits(text: string, lang: string, out: Float64Array): void {
    const words = (this.words ??= new WordSums(this.weights));
    words.begin();
    const n = featurize(text, lang, this.features, words);
    const w = this.weights;
    let a = words.a;
    let b = words.b;
    let c = words.c;
    for (let i = 0; i < n; i++) {
      const j = this.features[i]! * 3;
      a += w[j]!;
      b += w[j + 1]!;
      c += w[j + 2]!;
    }
    const v = this.scale / Math.sqrt(n + words.count);
    out[0] = a * v;
    out[1] = b * v;
    out[2] = c * v;
  }

  private readonly z = new Float64Array(3);

  predict(text: string, lang: string): Prediction {
    const z = this.z;
    this.logits(text, lang, z);
    const m = Math.max(z[0]!, z[1]!, z[2]!);
    const e0 = Math.exp(z[0]! - m);
    const e1 = Math.exp(z[1]! - m);
    const e2 = Math.exp(z[2]! - m);
    const sum = e0 + e1 + e2;
    const p: [number, number, number] = [e0 / sum, e1 / sum, e2 / sum];
    const best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[2] >= p[1] ? 2 : 1;
    return {
      label: CLASSES[best]!,
      score: Math.round((p[2] - p[0]) * 50_000) / 10_000 || 0,
      confidence: Math.round(p[best]! * 10_000) / 10_000,
      probabilities: p,
    };
  }
}

// A word's character n-grams (three per character: most of a post's features) always add the
// same three weight sums, so they are memoised per word: one lookup instead of ~3 × its length
// hashes and scattered reads of the weight table (the cache misses that dominated scoring).
// Integer sums (int8 weights), so the logits are exactly those of the plain loop. Direct-mapped
// on the token's hash; a colliding word replaces the one there. Words repeat in any feed (Zipf):
// 78% of lookups hit over 50,000 Sentiment140 tweets, 65% over the 4,253 validation tweets in
// eight languages from a cold start (the synthetic bench corpus, a small vocabulary: ~100%).
const WORD_SLOTS = 1 << 13;

class WordSums implements WordGramSink {
  a = 0;
  b = 0;
  c = 0;
  count = 0;
  hits = 0;
  misses = 0;
  private readonly keys: (string | undefined)[] = new Array<string | undefined>(WORD_SLOTS);
  // [a, b, c, lexiconEntry(token)] per slot
  private readonly sums = new Int32Array(WORD_SLOTS * 4);
  private readonly grams = new Int32Array(gramCount(MAX_FEATURES));

  constructor(private readonly weights: Int8Array) {}

  begin(): void {
    this.a = this.b = this.c = this.count = 0;
  }

  word(token: string, h: number): number {
    const slot = h & (WORD_SLOTS - 1);
    const s = slot * 4;
    if (this.keys[slot] !== token) {
      this.misses += 1;
      const n = wordGrams(token, this.grams, 0);
      const w = this.weights;
      let a = 0;
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const j = this.grams[i]! * 3;
        a += w[j]!;
        b += w[j + 1]!;
        c += w[j + 2]!;
      }
      this.keys[slot] = token;
      this.sums[s] = a;
      this.sums[s + 1] = b;
      this.sums[s + 2] = c;
      this.sums[s + 3] = lexiconEntry(token);
    } else this.hits += 1;
    this.a += this.sums[s]!;
    this.b += this.sums[s + 1]!;
    this.c += this.sums[s + 2]!;
    this.count += gramCount(token.length);
    return this.sums[s + 3]!;
  }

  // Word, bigram and lexicon features (each twice: shared and for the language) are memoised the
  // same way: their two buckets depend only on the feature hash h and the language's seed, so
  // the slot keeps both and the two buckets' weight sums, packed (each sum of two int8 weights
  // + 256 in 9 bits). One read of a dense 12-byte slot instead of two of the 1.5 MB weight
  // table, where the bigrams' reads missed the cache (a post's bigrams are mostly new to it).
  // [h, langSeed, packed sums | FILLED]
  private readonly pairs = new Int32Array(PAIR_SLOTS * 3);

  twice(h: number, langSeed: number): void {
    const at = ((Math.imul(h ^ langSeed, 0x9e3779b1) >>> 16) & (PAIR_SLOTS - 1)) * 3;
    const pairs = this.pairs;
    let packed = pairs[at + 2]!;
    if (packed === 0 || pairs[at] !== (h | 0) || pairs[at + 1] !== (langSeed | 0)) {
      const w = this.weights;
      const i = sharedBucket(h) * 3;
      const j = languageBucket(h, langSeed) * 3;
      packed =
        (w[i]! + w[j]! + 256) |
        ((w[i + 1]! + w[j + 1]! + 256) << 9) |
        ((w[i + 2]! + w[j + 2]! + 256) << 18) |
        FILLED;
      pairs[at] = h;
      pairs[at + 1] = langSeed;
      pairs[at + 2] = packed;
    }
    this.a += (packed & 0x1ff) - 256;
    this.b += ((packed >>> 9) & 0x1ff) - 256;
    this.c += ((packed >>> 18) & 0x1ff) - 256;
    this.count += 2;
  }
}

const FILLED = 1 << 27;
const PAIR_SLOTS = 1 << 15;

export function readModel(dir = MODEL_DIR): SentimentModel {
  const meta = JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8")) as ModelMeta;
  const bytes = readFileSync(path.join(dir, "weights.bin"));
  const weights = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new SentimentModel(meta, weights);
}

let loaded: SentimentModel | undefined;

/** The committed model, read once on first use (about 1.5 MB; a few ms). */
export function sentimentModel(): SentimentModel {
  loaded ??= readModel();
  return loaded;
}
