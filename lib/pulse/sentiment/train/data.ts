import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { SentimentClass } from "../model/model";

// The labelled tweet files (see PROVENANCE.md beside them): `label<TAB>text` per line. Training
// uses every file but the validation splits; those (the *_val.tsv files and SemEval's 2016
// devtest) are only ever scored.

export type Example = { label: SentimentClass; text: string; lang: string; weight: number };
export type DataFile = { file: string; lang: string; split: "train" | "validation" };

const LANGUAGES: Record<string, string> = {
  arabic: "ar",
  french: "fr",
  german: "de",
  hindi: "hi",
  italian: "it",
  portuguese: "pt",
  spanish: "es",
};

export function isValidation(file: string): boolean {
  return file.endsWith("_val.tsv") || file.includes("2016devtest");
}

/** Where the data lives: $SENTIMENT_DATA_DIR, else ../shared/data/sentiment-train from the repo. */
export function dataDir(): string {
  const candidates = [
    process.env.SENTIMENT_DATA_DIR,
    path.resolve(process.cwd(), "../shared/data/sentiment-train"),
    path.resolve(process.cwd(), "../../shared/data/sentiment-train"),
  ].filter((d): d is string => !!d);
  const found = candidates.find((d) => existsSync(d));
  if (!found)
    throw new Error(
      `labelled data not found (tried ${candidates.join(", ")}): set SENTIMENT_DATA_DIR`,
    );
  return found;
}

export function listFiles(dir: string): DataFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".tsv"))
    .sort()
    .map((file) => {
      const xlmt = /^xlm-t_([a-z]+)_/.exec(file);
      const lang = file.startsWith("en_") ? "en" : xlmt ? LANGUAGES[xlmt[1]!] : undefined;
      if (!lang) throw new Error(`${file}: cannot tell its language from the name`);
      return { file, lang, split: isValidation(file) ? "validation" : "train" };
    });
}

export function sha256(dir: string, file: string): string {
  return createHash("sha256")
    .update(readFileSync(path.join(dir, file)))
    .digest("hex");
}

const LABELS: ReadonlySet<string> = new Set(["negative", "neutral", "positive"]);

export function readExamples(dir: string, f: DataFile, weight = 1): Example[] {
  const out: Example[] = [];
  for (const [i, line] of readFileSync(path.join(dir, f.file), "utf8").split("\n").entries()) {
    if (!line) continue;
    const tab = line.indexOf("\t");
    const label = line.slice(0, tab);
    if (tab < 0 || !LABELS.has(label)) throw new Error(`${f.file}:${i + 1}: bad row`);
    out.push({ label: label as SentimentClass, text: line.slice(tab + 1), lang: f.lang, weight });
  }
  return out;
}
