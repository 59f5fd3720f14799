import { execFile } from "node:child_process";
import { seedFileRow } from "@/lib/drive/test-helpers";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { db } from "@/lib/db/client";
import { defaultStep } from "@/lib/images/catalog";
import type { Chain, OutputOptions } from "@/lib/images/chain";
import { renderChain } from "@/lib/images/pipeline";
import { clearPreviewCaches, renderPreview } from "@/lib/images/preview";
import { newObjectKey, userPrefix } from "@/lib/storage/keys";
import { deletePrefix } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";
import { PHOTOS, type Photo } from "./photos";

// One chain — auto-orient, resize to 1920 px wide, sharpen, grayscale, JPEG q80 — on Debian's
// real photographs, three ways in one process and one run: Stratus's renderChain, raw sharp doing
// the same ops in one pipeline, and ImageMagick's convert. Then the preview path as the route
// runs it, and Apply → result stored through the local executor (bench/images/apply-latency.ts).
//
// Fairness: every engine keeps as many images in flight as there are cores (ImageMagick as that
// many processes); sharp keeps its default libvips concurrency for both Stratus and raw sharp.
// The engines take turns photo by photo (interleaved(): each renders the photo, then the next
// engine does), so load from other work hits all of them alike; the per-photo ratios' spread
// (min / median / max) is printed beside each figure.

const execFileAsync = promisify(execFile);
const CORES = os.availableParallelism();
const ROUNDS = 3;
// The ≥ 12 MP subset is only five photos: more rounds for a steadier figure.
const SUBSET_ROUNDS = 6;
const SET_SIZE = 20;
const MIN_PIXELS = 12_000_000;
const CONVERT = existsSync("/usr/bin/convert") ? "/usr/bin/convert" : "convert";

const CHAIN: Chain = [
  defaultStep("autoOrient"),
  defaultStep("resize", { width: 1920, height: null, fit: "inside", withoutEnlargement: true }),
  defaultStep("sharpen", { sigma: 1 }),
  defaultStep("grayscale"),
];
const OUTPUT: OutputOptions = { format: "jpeg", quality: 80, keepMetadata: false };

type Loaded = Photo & { name: string; bytes: Buffer; pixels: number };
type Engine = (photo: Loaded, outDir: string, copy?: number) => Promise<unknown>;

const stratus: Engine = (p) => renderChain(p.bytes, CHAIN, OUTPUT);
// Stratus with a sharp factory (as the preview's render processes pass it): kept as a 4th engine
// so an experiment on the in-process path can be measured against the one-pipeline path.
const stratusOnePipeline: Engine = (p) =>
  renderChain(p.bytes, CHAIN, OUTPUT, { sharp: (input, options) => sharp(input, options) });
// What a developer would write by hand for the same result (the profile kept, as Stratus does).
const rawSharp: Engine = (p) =>
  sharp(p.bytes, { failOn: "error" })
    .autoOrient()
    .resize({ width: 1920, withoutEnlargement: true })
    .sharpen({ sigma: 1 })
    .greyscale()
    .keepIccProfile()
    .jpeg({ quality: 80 })
    .toBuffer();
const imageMagick: Engine = (p, outDir, copy = 0) =>
  execFileAsync(CONVERT, [
    p.path,
    "-auto-orient",
    "-resize",
    "1920x",
    "-sharpen",
    "0x1",
    "-colorspace",
    "Gray",
    "-quality",
    "80",
    path.join(outDir, `${p.name}-${copy}.jpg`),
  ]);

type Tally = { images: number; pixels: number; ms: number };
const rate = (t: Tally) => t.images / (t.ms / 1000);
const mpRate = (t: Tally) => t.pixels / 1e6 / (t.ms / 1000);

/**
 * One turn of one photo: each engine rendered it CORES times at once; wall ms per engine, and
 * the CPU ms it used (this process's, or its convert processes'). CPU time hardly moves with
 * the machine's load, so it is the steadier comparison at load 15–40.
 */
type Turn = { photo: Loaded; ms: Record<string, number>; cpu: Record<string, number> };

/** CPU ms of this process (libvips' threads included) and of its finished child processes. */
function cpuMs(): number {
  const u = process.cpuUsage();
  // /proc/self/stat fields 16 and 17: children's user and system time, in clock ticks (1/100 s).
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  const children = (Number(fields[13]) || 0) + (Number(fields[14]) || 0);
  return (u.user + u.system) / 1000 + children * 10;
}

/**
 * Interleaved photo by photo: for each photo, every engine in turn (in a rotating order) renders
 * it CORES times at once, so each keeps as many images in flight as there are cores, and load
 * from other work on the machine lands on all engines within seconds of each other. The
 * per-photo ratios then compare like with like; their spread shows the noise.
 */
async function interleaved(
  engines: Record<string, Engine>,
  photos: Loaded[],
  rounds: number,
  outDir: string,
  turns: Turn[] = [],
): Promise<Turn[]> {
  const names = Object.keys(engines);
  for (let round = 0; round < rounds; round++) {
    for (const photo of photos) {
      const shift = turns.length % names.length;
      const ms: Record<string, number> = {};
      const cpu: Record<string, number> = {};
      for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
        const engine = engines[name]!;
        const started = performance.now();
        const cpuBefore = cpuMs();
        await Promise.all(Array.from({ length: CORES }, (_, c) => engine(photo, outDir, c)));
        ms[name] = performance.now() - started;
        cpu[name] = cpuMs() - cpuBefore;
      }
      turns.push({ photo, ms, cpu });
    }
  }
  return turns;
}

function tally(turns: Turn[], name: string): Tally {
  const t: Tally = { images: 0, pixels: 0, ms: 0 };
  for (const turn of turns) {
    t.images += CORES;
    t.pixels += CORES * turn.photo.pixels;
    t.ms += turn.ms[name]!;
  }
  return t;
}

/** min / median / max of Stratus's speed over `other`'s, one ratio per photo and turn. */
function spread(
  turns: Turn[],
  other: string,
  by: "ms" | "cpu" = "ms",
  mine = "stratus",
): { min: number; median: number; max: number } {
  const r = turns.map((t) => t[by][other]! / t[by][mine]!).sort((a, b) => a - b);
  return { min: r[0] ?? NaN, median: r[Math.floor(r.length / 2)] ?? NaN, max: r.at(-1) ?? NaN };
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [
    line(rows[0] ?? []),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function loadPhotos(): Promise<{ set: Loaded[]; missing: string[] }> {
  const missing: string[] = [];
  const loaded: Loaded[] = [];
  for (const photo of PHOTOS) {
    if (!existsSync(photo.path)) {
      missing.push(photo.path);
      continue;
    }
    const bytes = await readFile(photo.path);
    const meta = await sharp(bytes).metadata();
    loaded.push({
      ...photo,
      name: path.basename(photo.path, path.extname(photo.path)),
      bytes,
      pixels: (meta.width ?? 0) * (meta.height ?? 0),
    });
  }
  loaded.sort((a, b) => b.pixels - a.pixels);
  return { set: loaded.slice(0, SET_SIZE), missing };
}

type PreviewFigures = {
  coldMs: number[];
  warmMs: number[];
  heavyMs: number[];
  hitMs: number[];
  saved: string;
};

/** The preview as the route runs it: owner-scoped lookup, cached source, render, WebP encode. */
async function previewLatency(photos: Loaded[]): Promise<PreviewFigures> {
  const user = await db.user.create({
    data: { email: `bench-${Date.now()}@preview.bench`, name: "Bench", passwordHash: "unused" },
  });
  try {
    const files = [];
    for (const p of photos) {
      const key = newObjectKey(user.id);
      await putDirect(key, p.bytes, "image/jpeg");
      files.push(
        await seedFileRow(user.id, {
          name: `${p.name}.jpg`,
          size: p.bytes.length,
          contentType: "image/jpeg",
          storageKey: key,
        }),
      );
    }
    const edit = (brightness: number): Chain => [
      defaultStep("autoOrient"),
      defaultStep("brightness", { value: brightness }),
      defaultStep("contrast", { value: 1.15 }),
      defaultStep("saturation", { value: 1.25 }),
      defaultStep("sharpen", { sigma: 1 }),
    ];
    const heavy = (brightness: number): Chain => [
      ...edit(brightness),
      defaultStep("rotate", { angle: 90 }),
      defaultStep("blur", { sigma: 2 }),
      defaultStep("posterize", { levels: 6 }),
      defaultStep("textWatermark", { text: "© Stratus bench" }),
    ];
    const timed = async (fileId: string, chain: Chain) => {
      const started = performance.now();
      const out = await renderPreview(user.id, { fileId, chain });
      const ms = performance.now() - started;
      if (!out.ok) throw new Error(`preview failed: ${out.status} ${out.message}`);
      return { ms, out };
    };
    // Warm sharp and the connection pools on another file first.
    const warmFile = files.at(-1)!;
    await timed(warmFile.id, edit(1));

    const coldMs: number[] = [];
    for (const file of files.slice(0, -1)) {
      clearPreviewCaches();
      coldMs.push((await timed(file.id, edit(1.01))).ms);
    }
    const first = files[0]!;
    await timed(first.id, edit(1));
    const warmMs: number[] = [];
    const heavyMs: number[] = [];
    // A different brightness each time: the source is cached, the rendered preview is not.
    for (let i = 0; i < 40; i++) warmMs.push((await timed(first.id, edit(1.02 + i / 1000))).ms);
    for (let i = 0; i < 20; i++) heavyMs.push((await timed(first.id, heavy(1.02 + i / 1000))).ms);
    const hitMs: number[] = [];
    for (let i = 0; i < 20; i++) hitMs.push((await timed(first.id, edit(1.02))).ms);

    const sample = await timed(first.id, [
      defaultStep("autoOrient"),
      defaultStep("saturation", { value: 1.3 }),
      defaultStep("sepia"),
      defaultStep("textWatermark", { text: "© Stratus preview", gravity: "southeast" }),
    ]);
    const saved = path.join(os.tmpdir(), "stratus-preview.webp");
    await writeFile(saved, sample.out.ok ? sample.out.data : Buffer.alloc(0));
    return { coldMs, warmMs, heavyMs, hitMs, saved };
  } finally {
    await deletePrefix(userPrefix(user.id));
    await db.user.delete({ where: { id: user.id } });
  }
}

type ApplyFigures = { p50Ms: number; p95Ms: number; runs: number } | string;

async function applyLatency(photo: Loaded | undefined): Promise<ApplyFigures> {
  const file = new URL("./apply-latency.ts", import.meta.url);
  if (!existsSync(file)) return "pending";
  try {
    const mod = (await import(file.href)) as {
      measureApplyLatency?: (options?: { photo?: string }) => Promise<ApplyFigures>;
    };
    if (!mod.measureApplyLatency) return "pending (no measureApplyLatency export)";
    return await mod.measureApplyLatency(photo ? { photo: photo.path } : {});
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Per photo: size in and out, median wall time of a turn per engine, and Stratus's speed-up. The
 * ImageMagick column follows the output's pixels more than the input's (its -sharpen is a 2-D
 * kernel run on the resized image), which is why the landscape ≥ 12 MP photos, whose 1920-wide
 * results are small, are its best case.
 */
function printPerPhoto(turns: Turn[], set: Loaded[], outPixels: Map<string, number>): void {
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const rows: string[][] = [
    [
      "photo",
      "MP in",
      "MP out",
      "Stratus",
      "before",
      "raw sharp",
      "ImageMagick",
      "S / sharp",
      "S / IM",
      "S / IM CPU",
      "before / IM CPU",
    ],
  ];
  for (const p of set) {
    const mine = turns.filter((t) => t.photo === p);
    const m = (name: string) => med(mine.map((t) => t.ms[name]!));
    const c = (name: string) => mine.reduce((a, t) => a + t.cpu[name]!, 0);
    rows.push([
      p.name,
      (p.pixels / 1e6).toFixed(1),
      ((outPixels.get(p.name) ?? 0) / 1e6).toFixed(1),
      `${Math.round(m("stratus"))} ms`,
      `${Math.round(m("stratusOnePipeline"))} ms`,
      `${Math.round(m("rawSharp"))} ms`,
      `${Math.round(m("imageMagick"))} ms`,
      `${(m("rawSharp") / m("stratus")).toFixed(2)}×`,
      `${(m("imageMagick") / m("stratus")).toFixed(2)}×`,
      `${(c("imageMagick") / c("stratus")).toFixed(2)}×`,
      `${(c("imageMagick") / c("stratusOnePipeline")).toFixed(2)}×`,
    ]);
  }
  console.log(`\nper photo (median of its turns; a turn = ${CORES} copies at once per engine):`);
  console.log(table(rows));
}

const BUCKETS: { label: string; test: (mp: number) => boolean }[] = [
  { label: "≥ 12 MP", test: (mp) => mp >= 12 },
  { label: "6–12 MP", test: (mp) => mp >= 6 && mp < 12 },
  { label: "< 6 MP", test: (mp) => mp < 6 },
];

/**
 * Per size bucket: Stratus over ImageMagick and over raw sharp, by wall time (all turns
 * summed) and by CPU time, each with its per-turn spread; and "before", the chain kept in one
 * sharp pipeline (stratusOnePipeline), over ImageMagick the same ways.
 */
function printBuckets(turns: Turn[]): void {
  const sum = (ts: Turn[], name: string, by: "ms" | "cpu") =>
    ts.reduce((a, t) => a + t[by][name]!, 0);
  const x = (v: number) => `${v.toFixed(2)}×`;
  const sp = (v: { min: number; median: number; max: number }) =>
    `${x(v.min)}/${x(v.median)}/${x(v.max)}`;
  const rows: string[][] = [
    [
      "bucket",
      "turns",
      "S/IM wall (min/med/max)",
      "S/IM CPU (min/med/max)",
      "before S/IM wall",
      "before S/IM CPU",
      "S/sharp wall",
      "S/sharp CPU",
    ],
  ];
  for (const b of BUCKETS) {
    const ts = turns.filter((t) => b.test(t.photo.pixels / 1e6));
    if (ts.length === 0) continue;
    const ratio = (other: string, by: "ms" | "cpu", mine = "stratus") =>
      sum(ts, other, by) / sum(ts, mine, by);
    const before = "stratusOnePipeline";
    rows.push([
      b.label,
      String(ts.length),
      `${x(ratio("imageMagick", "ms"))} (${sp(spread(ts, "imageMagick"))})`,
      `${x(ratio("imageMagick", "cpu"))} (${sp(spread(ts, "imageMagick", "cpu"))})`,
      `${x(ratio("imageMagick", "ms", before))} (${sp(spread(ts, "imageMagick", "ms", before))})`,
      `${x(ratio("imageMagick", "cpu", before))} (${sp(spread(ts, "imageMagick", "cpu", before))})`,
      `${x(ratio("rawSharp", "ms"))} (${sp(spread(ts, "rawSharp"))})`,
      `${x(ratio("rawSharp", "cpu"))} (${sp(spread(ts, "rawSharp", "cpu"))})`,
    ]);
  }
  console.log(
    "\nper size bucket (S = Stratus now; before = the chain in one sharp pipeline; ratios of summed times, spread per photo and turn):",
  );
  console.log(table(rows));
}

export async function main(): Promise<void> {
  const largeOnly = process.argv.includes("--large-only");
  console.log(
    `bench:images — ${CORES} cores, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), load average at start ${load()}`,
  );
  const { set, missing } = await loadPhotos();
  if (missing.length > 0)
    console.log(`missing photos (packages not installed?): ${missing.join(", ")}`);
  if (set.length === 0) throw new Error("no photographs found: run `npm run bench:images`");
  const big = set.filter((p) => p.pixels >= MIN_PIXELS);
  console.log(
    `photos: ${set.length} real photographs from Debian packages, ${big.length} of them ≥ 12 MP ` +
      `(Debian has no more): ${set.map((p) => `${p.name} ${(p.pixels / 1e6).toFixed(1)}`).join(", ")} MP`,
  );

  const outDir = await mkdtemp(path.join(os.tmpdir(), "stratus-bench-images-"));
  try {
    // Warm-up: the first images through each engine load codecs and fill caches.
    await interleaved({ stratus, rawSharp, imageMagick }, set.slice(0, 1), 1, outDir);
    // Same output size both ways, or the comparison means nothing.
    const outPixels = new Map<string, number>();
    for (const p of largeOnly ? big : set) {
      const a = await renderChain(p.bytes, CHAIN, OUTPUT);
      outPixels.set(p.name, a.info.width * a.info.height);
      if (set.indexOf(p) >= 3) continue;
      const b = await sharp((await rawSharp(p, outDir)) as Buffer).metadata();
      if (a.info.width !== b.width || a.info.height !== b.height) {
        throw new Error(
          `${p.name}: Stratus made ${a.info.width}×${a.info.height}, sharp ${b.width}×${b.height}`,
        );
      }
    }

    const engines = { stratus, stratusOnePipeline, rawSharp, imageMagick };
    if (largeOnly) {
      // A quicker run (npm run bench:images -- --large-only): the ≥ 12 MP photos only.
      const quick = await interleaved(engines, big, ROUNDS, outDir);
      printPerPhoto(quick, big, outPixels);
      printBuckets(quick);
      console.log(`\nload average at the end ${load()}`);
      return;
    }
    const turns = await interleaved(engines, set, ROUNDS, outDir);
    // The ≥ 12 MP photos are few: more turns for a steadier figure.
    await interleaved(engines, big, SUBSET_ROUNDS - ROUNDS, outDir, turns);
    const all = turns.slice(0, set.length * ROUNDS);
    const sub = turns.filter((t) => big.includes(t.photo));
    const loadAfterThroughput = load();
    printPerPhoto(turns, set, outPixels);
    printBuckets(all);

    const preview = await previewLatency(set.slice(0, 5));
    const apply = await applyLatency(big[0] ?? set[0]);

    const s = tally(all, "stratus");
    const r = tally(all, "rawSharp");
    const m = tally(all, "imageMagick");
    const fmt = (t: Tally) => `${rate(t).toFixed(2)} img/s (${mpRate(t).toFixed(0)} MP/s)`;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    const x = (v: number) => `${v.toFixed(2)}×`;
    const sp = (sp: { min: number; median: number; max: number }) =>
      `${x(sp.min)} / ${x(sp.median)} / ${x(sp.max)}`;
    const ms = (v: number) => `${Math.round(v)} ms`;
    const pct = (xs: number[]) => `p50 ${ms(percentile(xs, 50))} / p95 ${ms(percentile(xs, 95))}`;
    const met = (ok: boolean) => (ok ? "✓" : "✗");
    const subS = tally(sub, "stratus");
    const subR = tally(sub, "rawSharp");
    const subM = tally(sub, "imageMagick");
    const rows: string[][] = [
      ["measure", "result", "target", "met"],
      [`Stratus renderChain, ${set.length} photos × ${ROUNDS}`, fmt(s), "", ""],
      [`raw sharp, same ops, one pipeline × ${ROUNDS}`, fmt(r), "", ""],
      [`ImageMagick convert, ${CORES} processes × ${ROUNDS}`, fmt(m), "", ""],
      [
        "Stratus / raw sharp (all turns)",
        ratio(rate(s), rate(r)),
        "≥ 0.9",
        met(rate(s) / rate(r) >= 0.9),
      ],
      ["  per photo and turn: min / median / max", sp(spread(all, "rawSharp")), "", ""],
      [
        "Stratus / ImageMagick (all turns)",
        ratio(rate(s), rate(m)),
        "≥ 3",
        met(rate(s) / rate(m) >= 3),
      ],
      ["  per photo and turn: min / median / max", sp(spread(all, "imageMagick")), "", ""],
      [`only the ${big.length} photos ≥ 12 MP, × ${SUBSET_ROUNDS}: Stratus`, fmt(subS), "", ""],
      [`  raw sharp`, fmt(subR), "", ""],
      ["  ImageMagick", fmt(subM), "", ""],
      [
        "  Stratus / raw sharp",
        ratio(rate(subS), rate(subR)),
        "≥ 0.9",
        met(rate(subS) / rate(subR) >= 0.9),
      ],
      ["    per photo and turn: min / median / max", sp(spread(sub, "rawSharp")), "", ""],
      [
        "  Stratus / ImageMagick",
        ratio(rate(subS), rate(subM)),
        "≥ 3",
        met(rate(subS) / rate(subM) >= 3),
      ],
      ["    per photo and turn: min / median / max", sp(spread(sub, "imageMagick")), "", ""],
      [
        `preview, cached source (${preview.warmMs.length}× orient+4 filters)`,
        pct(preview.warmMs),
        "p50 < 250 ms",
        met(percentile(preview.warmMs, 50) < 250),
      ],
      [
        `preview, cached source, 9-step chain (${preview.heavyMs.length}×)`,
        pct(preview.heavyMs),
        "p50 < 250 ms",
        met(percentile(preview.heavyMs, 50) < 250),
      ],
      [
        `preview, cold first request (${preview.coldMs.length} photos: S3 read+decode+downscale)`,
        pct(preview.coldMs),
        "",
        "",
      ],
      ["preview, same chain again (result cache)", pct(preview.hitMs), "", ""],
      typeof apply === "string"
        ? ["Apply → result stored p50, local executor", apply, "< 1.5 s", ""]
        : [
            `Apply → result stored, local executor (${apply.runs} runs)`,
            `p50 ${ms(apply.p50Ms)} / p95 ${ms(apply.p95Ms)}`,
            "p50 < 1.5 s",
            met(apply.p50Ms < 1500),
          ],
    ];
    console.log("");
    console.log(table(rows));
    console.log("");
    console.log(
      `load average after the throughput runs ${loadAfterThroughput}, at the end ${load()}`,
    );
    console.log(`a preview (saturation, sepia, text watermark) is in ${preview.saved}`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
