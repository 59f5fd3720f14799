import { detectLanguage } from "../../language/detect";
import type { SentimentModel } from "../model/model";
import { afinnScore, winkScore } from "../scorers";
import { listFiles, readExamples } from "./data";
import { labelOfScore, metrics, type Metrics, type Scored } from "./metrics";

// The validation table: each validation split scored by the model (given the file's language,
// and through the production path: language detected from the text, "unscored" where the model
// has no such language) beside the two lexicon scorers (applied to every text, as if English).

export type Row = { file: string; lang: string; scorer: string } & Metrics;

const SCORERS = ["model (file's language)", "model (detected language)", "wink", "afinn"] as const;

export function evaluate(dir: string, model: SentimentModel): Row[] {
  const rows: Row[] = [];
  for (const f of listFiles(dir).filter((f) => f.split === "validation")) {
    const examples = readExamples(dir, f);
    const by: Record<(typeof SCORERS)[number], Scored[]> = {
      "model (file's language)": [],
      "model (detected language)": [],
      wink: [],
      afinn: [],
    };
    for (const { text, label: gold } of examples) {
      const known = model.predict(text, f.lang);
      by["model (file's language)"].push({ gold, score: known.score, label: known.label });
      const lang = detectLanguage(text);
      const live = model.knows(lang) ? model.predict(text, lang) : null;
      by["model (detected language)"].push({
        gold,
        score: live?.score ?? null,
        label: live?.label ?? null,
      });
      const w = winkScore(text);
      by.wink.push({ gold, score: w, label: labelOfScore(w) });
      const a = afinnScore(text);
      by.afinn.push({ gold, score: a, label: labelOfScore(a) });
    }
    for (const scorer of SCORERS)
      rows.push({ file: f.file, lang: f.lang, scorer, ...metrics(by[scorer]) });
  }
  return rows;
}

export function formatTable(rows: Row[]): string {
  const head = [
    "validation split",
    "lang",
    "n",
    "scorer",
    "binary acc",
    "macro-F1",
    "macro-recall",
  ];
  const body = rows.map((r) => [
    r.file.replace(/\.tsv$/, ""),
    r.lang,
    String(r.n),
    r.scorer,
    r.binary.toFixed(3),
    r.macroF1.toFixed(3),
    r.macroRecall.toFixed(3),
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
