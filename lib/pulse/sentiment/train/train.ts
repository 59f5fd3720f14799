// npm run train:sentiment — trains Pulse's sentiment model from the labelled tweet files and
// writes lib/pulse/sentiment/model/{weights.bin,model.json}, then prints the validation table.
// Multinomial logistic regression (negative / neutral / positive) on hashed features
// (model/features.ts), fitted by AdaGrad SGD; weights quantised to int8. Reproducible: fixed
// seed, fixed file order, no clock in the output; model.json records every data file's sha256.
// Data: $SENTIMENT_DATA_DIR or ../shared/data/sentiment-train. The validation splits (*_val.tsv,
// SemEval's 2016 devtest) are never trained on.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { rng } from "@/bench/pulse/corpus";
import { BUCKETS, FEATURES_VERSION, HASH_BITS, MAX_FEATURES, featurize } from "../model/features";
import { CLASSES, MODEL_DIR, SentimentModel, type ModelMeta } from "../model/model";
import { dataDir, listFiles, readExamples, sha256, type Example } from "./data";
import { evaluate, formatTable } from "./evaluate";

const SETTINGS = {
  seed: 20261202,
  epochs: 4,
  learningRate: 0.25,
  // Sentiment140's labels come from emoticons (noisy) and it has no neutral class: it counts less.
  weights: { "en_sentiment140-slice_train.tsv": 0.2, other: 1 } as Record<string, number>,
  // The seven small languages have 1.8k examples each against 174k English ones.
  nonEnglishWeight: 3,
};

const log = (line: string) => process.stdout.write(`[train] ${line}\n`);

function loadTraining(dir: string) {
  const files = listFiles(dir);
  const seen = new Set<string>();
  const examples: Example[] = [];
  const data = files.map((f) => {
    const weight =
      (SETTINGS.weights[f.file] ?? SETTINGS.weights.other!) *
      (f.lang === "en" ? 1 : SETTINGS.nonEnglishWeight);
    let rows = 0;
    if (f.split === "train") {
      for (const e of readExamples(dir, f, weight)) {
        // The same text in two files (PROVENANCE.md lists 73) is learnt once.
        const key = e.text.trim().toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        examples.push(e);
        rows += 1;
      }
    }
    return { file: f.file, lang: f.lang, split: f.split, sha256: sha256(dir, f.file), rows };
  });
  return { examples, data };
}

function train(examples: Example[]): Float32Array {
  const w = new Float32Array(BUCKETS * 3);
  const g = new Float32Array(BUCKETS * 3);
  const features = new Int32Array(MAX_FEATURES);
  const random = rng(SETTINGS.seed);
  const order = Uint32Array.from(examples.keys());
  const y = [0, 0, 0];
  for (let epoch = 1; epoch <= SETTINGS.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let loss = 0;
    let weightSum = 0;
    for (const k of order) {
      const e = examples[k]!;
      const n = featurize(e.text, e.lang, features);
      const v = 1 / Math.sqrt(n);
      const z = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        const b = features[i]! * 3;
        z[0]! += w[b]!;
        z[1]! += w[b + 1]!;
        z[2]! += w[b + 2]!;
      }
      const m = Math.max(z[0]!, z[1]!, z[2]!) * v;
      const ex = z.map((s) => Math.exp(s * v - m));
      const sum = ex[0]! + ex[1]! + ex[2]!;
      const gold = CLASSES.indexOf(e.label);
      y[0] = y[1] = y[2] = 0;
      y[gold] = 1;
      loss -= e.weight * Math.log(ex[gold]! / sum);
      weightSum += e.weight;
      for (let c = 0; c < 3; c++) {
        const grad = (ex[c]! / sum - y[c]!) * e.weight * v;
        if (grad === 0) continue;
        const g2 = grad * grad;
        for (let i = 0; i < n; i++) {
          const b = features[i]! * 3 + c;
          g[b]! += g2;
          w[b]! -= (SETTINGS.learningRate * grad) / Math.sqrt(g[b]! + 1e-6);
        }
      }
    }
    log(`epoch ${epoch}/${SETTINGS.epochs}: mean log-loss ${(loss / weightSum).toFixed(4)}`);
  }
  return w;
}

function quantize(w: Float32Array): { q: Int8Array; scale: number } {
  let max = 0;
  for (const x of w) max = Math.max(max, Math.abs(x));
  const scale = max / 127 || 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.round(w[i]! / scale);
  return { q, scale };
}

const started = performance.now();
const dir = dataDir();
const { examples, data } = loadTraining(dir);
log(`${examples.length} training examples from ${dir}`);
const float = train(examples);
const { q, scale } = quantize(float);
const weightsSha256 = createHash("sha256").update(q).digest("hex");
const languages = [...new Set(examples.map((e) => e.lang))].sort();
const meta: ModelMeta = {
  kind: "multinomial logistic regression, hashed word 1–2-grams + char 3–5-grams + lexicon",
  featuresVersion: FEATURES_VERSION,
  hashBits: HASH_BITS,
  classes: [...CLASSES],
  scale,
  languages,
  weightsSha256,
  settings: SETTINGS,
  data,
};
const model = new SentimentModel(meta, q);
const rows = evaluate(dir, model);
meta.validation = rows;
writeFileSync(path.join(MODEL_DIR, "weights.bin"), q);
writeFileSync(path.join(MODEL_DIR, "model.json"), `${JSON.stringify(meta, null, 2)}\n`);
log(
  `wrote ${path.join(MODEL_DIR, "weights.bin")} (${q.byteLength} bytes, sha256 ${weightsSha256})`,
);
log(`trained in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(`${formatTable(rows)}\n`);
