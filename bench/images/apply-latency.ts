// The time from "Apply" to the result stored, for one ≥ 12 MP photo through the local executor:
// the app's Inngest client sends stratus/image.apply exactly as the editor's server action does,
// the executor (with the worker's default settings) drives apply-image-chain through a real serve
// endpoint, and the clock stops when the Job row says succeeded (the result file and its row are
// written before that). Used by bench/images/run.ts; run on its own with
//   node --conditions=react-server --import tsx bench/images/apply-latency.ts [photo.jpg]
// (the react-server condition lets the functions load their `server-only` modules).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const MIN_PIXELS = 12_000_000;
// Where a ≥ 12 MP photograph may be found: BENCH_PHOTO wins, then these folders (bench/images
// keeps its photos in photos/; Debian wallpaper packages install into the other two).
const PHOTO_DIRS = ["bench/images/photos", "/usr/share/backgrounds", "/usr/share/wallpapers"];

export type ApplyLatency = { p50Ms: number; p95Ms: number; runs: number };

function findJpegs(dir: string, depth = 0): string[] {
  if (!existsSync(dir) || depth > 6) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findJpegs(p, depth + 1));
    else if (/\.jpe?g$/i.test(entry.name)) out.push(p);
  }
  return out;
}

async function pickPhoto(explicit?: string): Promise<string> {
  const sharp = (await import("sharp")).default;
  const candidates = explicit
    ? [explicit]
    : process.env.BENCH_PHOTO
      ? [process.env.BENCH_PHOTO]
      : PHOTO_DIRS.flatMap((d) => findJpegs(d)).sort((a, b) => statSync(b).size - statSync(a).size);
  for (const file of candidates) {
    const meta = await sharp(file).metadata();
    if ((meta.width ?? 0) * (meta.height ?? 0) >= MIN_PIXELS) return file;
  }
  throw new Error(
    `no JPEG photograph of at least 12 megapixels found (set BENCH_PHOTO or put one in ${PHOTO_DIRS[0]})`,
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * p50/p95 over `runs` sequential Applies (after one warm-up) of auto-orient, resize to 1920 px,
 * sharpen, grayscale, JPEG q80 — the bench chain — on one ≥ 12 MP photo.
 */
export async function measureApplyLatency(
  options: { photo?: string; runs?: number; log?: (line: string) => void } = {},
): Promise<ApplyLatency> {
  const runs = options.runs ?? 10;
  const log = options.log ?? (() => {});
  if (existsSync(".env.local")) process.loadEnvFile(".env.local");
  const env = z
    .object({
      BENCH_DATABASE_URL: z.string().optional(),
      TEST_DATABASE_URL: z.string().optional(),
      DATABASE_URL: z.string().optional(),
    })
    .parse(process.env);
  const databaseUrl =
    env.BENCH_DATABASE_URL ??
    env.TEST_DATABASE_URL ??
    env.DATABASE_URL?.replace(/\/stratus$/, "/stratus_test");
  if (!databaseUrl) throw new Error("set BENCH_DATABASE_URL or TEST_DATABASE_URL");

  // The app's modules read their settings on first use: point them at the bench database and a
  // fresh executor before importing them.
  const { freePort, startServeEndpoint, testKeys } = await import("@/lib/executor/testing/harness");
  const keys = testKeys();
  const eventPort = await freePort();
  process.env.DATABASE_URL = databaseUrl;
  process.env.INNGEST_SIGNING_KEY = keys.signingKey;
  process.env.INNGEST_EVENT_KEY = keys.eventKey;
  process.env.INNGEST_BASE_URL = `http://127.0.0.1:${eventPort}/`;
  delete process.env.INNGEST_DEV;

  const { inngest } = await import("@/lib/events/client");
  const { applyImageChain } = await import("@/inngest/functions/apply-image-chain");
  const { imageApplyRequested } = await import("@/lib/events/events");
  const { startExecutor } = await import("@/lib/executor/executor");
  const { db } = await import("@/lib/db/client");
  const { createJob } = await import("@/lib/jobs/jobs");
  const { defaultStep } = await import("@/lib/images/catalog");
  const { newObjectKey, userPrefix } = await import("@/lib/storage/keys");
  const { deletePrefix } = await import("@/lib/storage/objects");
  const { putDirect } = await import("@/lib/storage/test-helpers");

  const photo = await pickPhoto(options.photo);
  const bytes = readFileSync(photo);
  log(`apply latency: ${path.basename(photo)} (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);

  const user = await db.user.create({
    data: { email: `bench-${Date.now()}@images.bench`, name: "Bench", passwordHash: "unused" },
  });
  const key = newObjectKey(user.id);
  await putDirect(key, bytes, "image/jpeg");
  const file = await db.file.create({
    data: {
      ownerId: user.id,
      name: path.basename(photo),
      size: BigInt(bytes.byteLength),
      contentType: "image/jpeg",
      storageKey: key,
    },
  });

  const endpoint = await startServeEndpoint(inngest, [applyImageChain]);
  // The worker's defaults (scripts/worker.ts passes no pollMs): what a user gets.
  const executor = await startExecutor({
    databaseUrl,
    ...keys,
    serveUrl: endpoint.url,
    eventPort,
    log: () => {},
  });

  const chain = [
    defaultStep("autoOrient"),
    defaultStep("resize", { width: 1920, height: null, fit: "inside", withoutEnlargement: true }),
    defaultStep("sharpen"),
    defaultStep("grayscale"),
  ];
  const output = { format: "jpeg" as const, quality: 80, keepMetadata: false };
  const timings: number[] = [];
  let breakdown = "";
  try {
    for (let i = 0; i <= runs; i++) {
      const job = await createJob(user.id, "image.apply");
      const sentAt = Date.now();
      const started = performance.now();
      await inngest.send(
        imageApplyRequested.create({
          jobId: job.id,
          userId: user.id,
          fileId: file.id,
          chain,
          output,
        }),
      );
      for (;;) {
        const row = await db.job.findUniqueOrThrow({
          where: { id: job.id },
          select: { status: true, error: true, startedAt: true, finishedAt: true },
        });
        if (row.status === "succeeded") {
          // Where the time went: event → the function's step starts (executor pickup and the
          // serve call), and the step itself (read, render, store).
          const pickup = (row.startedAt?.getTime() ?? sentAt) - sentAt;
          const work = (row.finishedAt?.getTime() ?? 0) - (row.startedAt?.getTime() ?? 0);
          breakdown = ` (pickup ${pickup} ms, step ${work} ms)`;
          break;
        }
        if (row.status !== "queued" && row.status !== "running") {
          throw new Error(`apply ${row.status}: ${row.error}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      const ms = performance.now() - started;
      // The first run warms sharp, the connection pools and the serve endpoint.
      if (i > 0) timings.push(ms);
      log(`  run ${i}${i === 0 ? " (warm-up)" : ""}: ${ms.toFixed(0)} ms${breakdown}`);
    }
  } finally {
    await executor.stop(5_000);
    await endpoint.close();
    await deletePrefix(userPrefix(user.id));
    await db.folder.deleteMany({ where: { ownerId: user.id } });
    await db.user.delete({ where: { id: user.id } });
  }
  timings.sort((a, b) => a - b);
  return {
    p50Ms: Math.round(percentile(timings, 50)),
    p95Ms: Math.round(percentile(timings, 95)),
    runs: timings.length,
  };
}

// Run directly: print the figures.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureApplyLatency({ photo: process.argv[2], log: console.log });
  console.log(
    `apply → result stored, ${result.runs} runs: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms`,
  );
  process.exit(0);
}
