import type { SentimentClass } from "../model/model";

// The figures the issue asks for, on labelled items:
// - binary accuracy: over positive and negative items only, the sign of the score must match
//   (a score of 0, or no score, counts wrong) — comparable with the lexicon literature;
// - three-class macro-F1 and macro-recall (negative / neutral / positive), a missing prediction
//   counting as wrong.

export type Scored = { gold: SentimentClass; score: number | null; label: SentimentClass | null };
export type Metrics = { n: number; binary: number; macroF1: number; macroRecall: number };

const CLASSES: SentimentClass[] = ["negative", "neutral", "positive"];

export function metrics(items: Scored[]): Metrics {
  let polar = 0;
  let right = 0;
  for (const { gold, score } of items) {
    if (gold === "neutral") continue;
    polar += 1;
    if (score !== null && (gold === "positive" ? score > 0 : score < 0)) right += 1;
  }
  let f1 = 0;
  let recall = 0;
  for (const c of CLASSES) {
    const tp = items.filter((i) => i.gold === c && i.label === c).length;
    const goldN = items.filter((i) => i.gold === c).length;
    const predN = items.filter((i) => i.label === c).length;
    const r = goldN ? tp / goldN : 0;
    const p = predN ? tp / predN : 0;
    recall += r / CLASSES.length;
    f1 += (p + r ? (2 * p * r) / (p + r) : 0) / CLASSES.length;
  }
  return { n: items.length, binary: polar ? right / polar : 0, macroF1: f1, macroRecall: recall };
}

export const labelOfScore = (score: number): SentimentClass =>
  score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
