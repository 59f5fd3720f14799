// The consumer's cost per batch, split: wall time of storeBatch (BENCH_BATCH_SIZE posts, 500 by
// default as the listener sends them; model scorer) against the process's CPU time and the scoring
// alone; what is left is waiting on MariaDB.
//   DATABASE_URL=$TEST_DATABASE_URL NEXTAUTH_SECRET=… \
//     node --conditions=react-server --import tsx bench/pulse/store-batch.ts
import os from "node:os";
import { db } from "@/lib/db/client";
import { storeBatch } from "@/lib/pulse/consume";
import { scorePost } from "@/lib/pulse/sentiment";
import { makePosts } from "./corpus";
const owner = await db.user.create({
  data: { email: `b${Date.now()}@x.test`, name: "b", passwordHash: "x" },
});
const t = await db.pulseTracker.create({
  data: {
    ownerId: owner.id,
    name: "b",
    keywords: ["pulse"],
    hashtags: [],
    languages: [],
    sources: ["jetstream"],
    scorer: "model",
    status: "paused",
  },
});
const SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const texts = makePosts(8_000, 5, "pulse");
let k = 0;
const batch = () =>
  Array.from({ length: SIZE }, () => ({
    source: "jetstream" as const,
    id: `p${k}`,
    text: texts[k++ % texts.length]!,
    createdAt: new Date().toISOString(),
  }));
for (let i = 0; i < 3; i++) await storeBatch(t.id, batch());
const N = Number(process.env.BENCH_BATCHES ?? 20);
let wall = 0;
let score = 0;
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) {
  const b = batch();
  const s0 = performance.now();
  for (const p of b) scorePost(p, "model");
  score += performance.now() - s0;
  const t0 = performance.now();
  await storeBatch(t.id, b);
  wall += performance.now() - t0;
}
const cpu = process.cpuUsage(c0);
console.log(
  `load average ${os.loadavg()[0]!.toFixed(1)}: storeBatch(${SIZE} posts): ${(wall / N).toFixed(1)} ms wall each (${((SIZE * N) / (wall / 1000)).toFixed(0)} posts/s), scoring alone ${(score / N).toFixed(1)} ms, process CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(1)} ms per batch (incl. the scoring pass)`,
);
await db.user.delete({ where: { id: owner.id } });
process.exit(0);
