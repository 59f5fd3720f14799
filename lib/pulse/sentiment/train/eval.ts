// npm run eval:sentiment — the validation table for the committed model (model/weights.bin)
// beside the lexicon scorers, without retraining. Data as for train.ts.
import { readModel } from "../model/model";
import { dataDir } from "./data";
import { evaluate, formatTable } from "./evaluate";

const started = performance.now();
const model = readModel();
const loadMs = performance.now() - started;
process.stdout.write(`model loaded in ${loadMs.toFixed(0)} ms\n\n`);
process.stdout.write(`${formatTable(evaluate(dataDir(), model))}\n`);
