// One fresh process's cold start of the default scoring path, for bench/pulse/run.ts (which runs
// it several times): how long the modules take to import, then how long everything scorePost
// needs takes to load and the first post to be scored — the trained model's weights, ELD's
// n-gram tables, the lexicon tables and the regexes compiled on first use. Prints one JSON line.
// Wall time (what a restarted consumer waits) and this thread's CPU time (which machine load
// does not inflate) — /proc/thread-self/schedstat where there is one.
import { readFileSync } from "node:fs";

const cpuMs = () => {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  }
};

const c0 = cpuMs();
const t0 = performance.now();
const { scorePost } = await import("@/lib/pulse/sentiment");
const { sentimentModel } = await import("@/lib/pulse/sentiment/model/model");
const { eld } = await import("@/lib/pulse/language/eld");
const c1 = cpuMs();
const t1 = performance.now();
sentimentModel();
const t2 = performance.now();
eld();
const t3 = performance.now();
const scored = scorePost(
  {
    source: "jetstream",
    id: "cold",
    text: "What a great day, loving it 😍 #sunshine @someone.bsky.social https://example.com/x",
    createdAt: "2026-11-26T12:00:00.000Z",
    lang: "en",
  },
  "model",
);
const t4 = performance.now();
const c4 = cpuMs();
if (scored.label === "unscored") throw new Error("the cold-start post was not scored");
console.log(
  JSON.stringify({
    importMs: t1 - t0,
    importCpuMs: c1 - c0,
    loadMs: t4 - t1,
    loadCpuMs: c4 - c1,
    modelMs: t2 - t1,
    languageMs: t3 - t2,
    firstPostMs: t4 - t3,
  }),
);
