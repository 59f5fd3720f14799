// Checks the scoring path against its previous implementation (bench/pulse/previous) text by
// text: language detection, the model's features and prediction, hashtags and terms, and the
// whole scorePost. `node --import tsx bench/pulse/equivalence.ts [rowsPerFile]` runs it over
// every labelled tweet (../shared/data/sentiment-train) plus synthetic posts; the test
// lib/pulse/sentiment/fast-path.test.ts runs it over a sample.
import { existsSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { eld } from "@/lib/pulse/language/eld";
import { extractTerms, scorePost } from "@/lib/pulse/sentiment";
import { MAX_FEATURES, featurize } from "@/lib/pulse/sentiment/model/features";
import { dataDir, listFiles, readExamples } from "@/lib/pulse/sentiment/train/data";
import { makePosts } from "./corpus";
import { eld as previousEld } from "./previous/eld";
import { featurize as previousFeaturize } from "./previous/features";
import { previousScorePost } from "./previous/score-post";
import { extractTerms as previousExtractTerms } from "./previous/terms";

export type Sample = { text: string; lang: string };

export function sampleTexts(rowsPerFile = Infinity, synthetic = 5_000): Sample[] {
  const out: Sample[] = makePosts(synthetic, 13).map((text) => ({ text, lang: "en" }));
  let dir: string | undefined;
  try {
    dir = dataDir();
  } catch {
    dir = undefined; // a fresh clone without ../shared/data: synthetic posts only
  }
  if (dir && existsSync(dir))
    for (const f of listFiles(dir))
      for (const e of readExamples(dir, f).slice(0, rowsPerFile))
        out.push({ text: e.text, lang: e.lang });
  return out;
}

/** The texts on which the new and previous paths differ (an empty list when they agree). */
export function differences(samples: Sample[]): { step: string; text: string }[] {
  const out: { step: string; text: string }[] = [];
  const a = new Int32Array(MAX_FEATURES);
  const b = new Int32Array(MAX_FEATURES);
  const mine = eld();
  const theirs = previousEld();
  for (const { text, lang } of samples) {
    const x = mine.detect(text);
    const y = theirs.detect(text);
    if (x.language !== y.language || x.reliable !== y.reliable) out.push({ step: "eld", text });
    const n = featurize(text, lang, a);
    const m = previousFeaturize(text, lang, b);
    if (n !== m || a.subarray(0, n).some((v, i) => v !== b[i]))
      out.push({ step: "features", text });
    if (!isDeepStrictEqual(extractTerms(text), previousExtractTerms(text)))
      out.push({ step: "terms", text });
    const post = { source: "jetstream" as const, id: "1", text, createdAt: "", langs: [lang] };
    if (!isDeepStrictEqual(scorePost(post, "model"), previousScorePost(post)))
      out.push({ step: "scorePost", text });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const samples = sampleTexts(Number(process.argv[2] ?? Infinity));
  const diff = differences(samples);
  console.log(`${samples.length} texts, ${diff.length} differences`);
  for (const d of diff.slice(0, 20)) console.log(d.step, JSON.stringify(d.text));
  process.exit(diff.length ? 1 : 0);
}
