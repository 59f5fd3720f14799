// npm run bench:isolation — the noisy-neighbour bench, the measure of issue 15 ("tenants cannot
// hurt each other"). Started by bench/isolation/run.sh, which prepares the database, the store and
// the build. How to read what it prints: docs/isolation-bench.md.
//
// It starts a Stratus of its own (job worker + `next start`, stack.ts), makes two confirmed users
// and times user B's ordinary work (probes.ts): a word-count MapReduce job, image previews, the
// Drive page, sign-ins. Rounds alternate: B alone, then B while user A (attacks.ts) runs at once
// a fork-and-sleep mapper, a memory hog with many children, `^(a+)+$` in the built-in grep on
// lines of a's, ten worst-case previews in flight, 50 live dashboard streams and the largest zip
// over and over (A's client in a process of its own: attack-process.ts) — alone, attacked, alone,
// attacked… so that the machine's own noise (other work
// on this shared host) falls on both sides. Prints B's figures per side, the ratio (attacked ÷
// alone, goal ≤ 2×), whether all of B's work succeeded, where the CPU went on each side (cores
// per part: the app server's thread, its render and zip processes, the worker and its tasks,
// MariaDB, the S3 store, B's and A's clients), what A was told, and whether any process of the
// host was killed.
//
// Settings (environment): ISO_ROUNDS (pairs of rounds, default 2), ISO_SAMPLES (previews and page
// loads per round, default 8), ISO_JOB_CAP_S (the longest B's job may take before it counts as
// failed, default 90; no new sample starts after it either), ISO_REQUEST_CAP_S (a request of B's
// without an answer after it counts as failed, at the cap, default 30), ISO_QUIET_CAP_S (how long
// to wait for the servers to be quiet after an attack before restarting the app, default 60),
// ISO_ZIP_MIB (size of A's zip, default 1024), ISO_HOG_CHILDREN / ISO_HOG_MIB (the memory hog:
// default 16 children × 256 MiB — 4 GiB if nothing stops it, which this 24 GiB machine survives),
// ISO_DIST_DIR (the build, default .next-bench).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { alive, cpuSnapshot, newOomKills, oomKills, pidFromFile, treeCpuSeconds } from "./host";
import { startStack, type Stack } from "./stack";

const ROOT = resolve(import.meta.dirname, "../..");
// NEXTAUTH_SECRET and the like; what is set already wins, and the database, the store and the
// event API are set below to the bench's own.
if (existsSync(join(ROOT, ".env.local"))) process.loadEnvFile(join(ROOT, ".env.local"));
const env = z
  .object({
    BENCH_DATABASE_URL: z
      .string()
      .min(1, "BENCH_DATABASE_URL is not set: run npm run bench:isolation"),
    ISO_ROUNDS: z.coerce.number().int().min(1).max(10).default(2),
    ISO_SAMPLES: z.coerce.number().int().min(3).max(100).default(8),
    ISO_JOB_CAP_S: z.coerce.number().int().min(10).max(3600).default(90),
    ISO_REQUEST_CAP_S: z.coerce.number().int().min(1).max(600).default(30),
    ISO_QUIET_CAP_S: z.coerce.number().int().min(10).max(3600).default(60),
    ISO_ZIP_MIB: z.coerce.number().int().min(64).max(10_240).default(1024),
    ISO_HOG_CHILDREN: z.coerce.number().int().min(1).max(200).default(16),
    ISO_HOG_MIB: z.coerce.number().int().min(1).max(4096).default(256),
    ISO_DIST_DIR: z.string().default(".next-bench"),
  })
  .parse(process.env);

const log = (line: string) => console.log(`[isolation] ${line}`);
const load1 = () => loadavg()[0]!;

let stack: Stack | undefined;
let cleanup: (() => Promise<void>) | undefined;
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  try {
    await cleanup?.();
  } catch (error) {
    console.error("[isolation] cleanup:", error);
  }
  await stack?.stop().catch(() => undefined);
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the bench's servers`);
    void shutdown(130);
  });
}

// --- host state before anything starts -------------------------------------------------------
const oomBefore = oomKills();
const dataDir = join(ROOT, ".data");
const hostPids: { name: string; pid: number }[] = [];
for (const [name, file] of [
  ["MariaDB", "run/mysqld.pid"],
  ["S3 store", "run/s3.pid"],
] as const) {
  const pid = pidFromFile(join(dataDir, file));
  if (pid && alive(pid)) hostPids.push({ name, pid });
}

try {
  // --- the stack, and the app's modules pointed at it --------------------------------------------
  log(
    `starting the worker and the web server (build ${env.ISO_DIST_DIR}), load ${load1().toFixed(1)}`,
  );
  stack = await startStack({
    databaseUrl: env.BENCH_DATABASE_URL,
    distDir: env.ISO_DIST_DIR,
    logDir: join(dataDir, "logs"),
    workDir: join(dataDir, "isobench-mapreduce"),
  });
  log(`app ${stack.baseUrl}, worker events ${stack.eventUrl}`);
  // The lib modules read these on first use; the Inngest client reads its keys when imported.
  process.env.DATABASE_URL = env.BENCH_DATABASE_URL;
  process.env.TEST_DATABASE_URL = env.BENCH_DATABASE_URL; // e2e/support/db.ts's createAccount
  process.env.INNGEST_SIGNING_KEY = stack.keys.signingKey;
  process.env.INNGEST_EVENT_KEY = stack.keys.eventKey;
  process.env.INNGEST_BASE_URL = `${stack.eventUrl}/`;
  delete process.env.INNGEST_DEV;

  const { default: sharp } = await import("sharp");
  const { createAccount } = await import("@/e2e/support/db");
  const { removeUsers, seedFileRow } = await import("@/lib/drive/test-helpers");
  const { putDirect } = await import("@/lib/storage/test-helpers");
  const { newObjectKey } = await import("@/lib/storage/keys");
  const { createTracker } = await import("@/lib/pulse/trackers");
  const { trackerFormSchema } = await import("@/lib/pulse/schemas");
  const { countActiveJobs } = await import("@/lib/jobs/jobs");
  const { db } = await import("@/lib/db/client");
  const { memoryHogProgram, ATTACK } = await import("./attacks");
  const { startAttackProcess } = await import("./attack-process");
  const { runRound } = await import("./probes");
  type Measure = import("./probes").Measure;
  const { Session, Tally, within } = await import("./http");
  type AttackReport = import("./attacks").AttackReport;
  type RoundResult = Awaited<ReturnType<typeof runRound>>;

  // --- users and their files ---------------------------------------------------------------------
  const accountA = await createAccount({ name: "Noisy Neighbour" });
  const accountB = await createAccount({ name: "Quiet Neighbour" });
  cleanup = async () => {
    await removeUsers(accountA.id, accountB.id);
    await db.$disconnect();
  };

  async function upload(ownerId: string, name: string, body: Uint8Array | string, type: string) {
    const storageKey = newObjectKey(ownerId);
    await putDirect(storageKey, body, type);
    const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    return (await seedFileRow(ownerId, { name, size, contentType: type, storageKey })).id;
  }

  log("seeding the users' files");
  // B: a few MB of text (the MapReduce fixtures' documents, repeated) and a 6 MP photo-like image.
  const docs = readFileSync(join(ROOT, "lib/mapreduce/fixtures/docs.tsv"), "utf8");
  const words = docs.repeat(Math.ceil((4 * 2 ** 20) / docs.length));
  const photo = await sharp({
    create: {
      width: 3000,
      height: 2000,
      channels: 3,
      background: "#4080c0",
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
  const probeFiles = {
    words: await upload(accountB.id, "corpus.txt", words, "text/plain"),
    photo: await upload(accountB.id, "photo.jpg", photo, "image/jpeg"),
  };

  const tinyPng = await sharp({
    create: { width: 64, height: 64, channels: 3, background: "#ff8800" },
  })
    .png()
    .toBuffer();
  const zipPart = Math.min(64, env.ISO_ZIP_MIB);
  const zipBlob = randomBytes(zipPart * 2 ** 20);
  const zipFiles: string[] = [];
  for (let i = 0; i < Math.ceil(env.ISO_ZIP_MIB / zipPart); i++) {
    zipBlob.writeUInt32BE(i, 0); // each object its own bytes
    zipFiles.push(await upload(accountA.id, `part-${i}.bin`, zipBlob, "application/octet-stream"));
  }
  const tracker = await createTracker(
    accountA.id,
    trackerFormSchema.parse({
      name: "Noisy",
      keywords: "solar",
      hashtags: "",
      languages: "",
      sources: ["jetstream"],
      scorer: "model",
    }),
  );
  if (!tracker.ok) throw new Error(`tracker: ${tracker.message}`);
  const attackFiles = {
    forkMapper: await upload(
      accountA.id,
      "fork_and_sleep.py",
      readFileSync(join(ROOT, "lib/mapreduce/fixtures/hostile/fork_and_sleep.py")),
      "text/x-python",
    ),
    hogMapper: await upload(
      accountA.id,
      "memory_hog.py",
      memoryHogProgram(env.ISO_HOG_CHILDREN, env.ISO_HOG_MIB),
      "text/x-python",
    ),
    tinyInput: await upload(accountA.id, "input.txt", "x\n", "text/plain"),
    aaaInput: await upload(
      accountA.id,
      "aaa.txt",
      `${"a".repeat(40)}!\n`.repeat(100),
      "text/plain",
    ),
    tinyPng: await upload(accountA.id, "tiny.png", tinyPng, "image/png"),
    zipFiles,
    trackerId: tracker.id!,
  };

  const a = await Session.open(stack.baseUrl, accountA);
  const b = await Session.open(stack.baseUrl, accountB);

  // --- quiet: no job of A's left and the bench's servers idle -------------------------------------
  /**
   * Quiet: no job of A's left, the bench's servers idle, and a page (through the thread pool that
   * sharp, argon2, file reads and gzip share) answering in 3 s. CPU alone does not tell: on a
   * loaded machine a leftover render gets little of it and still holds a thread.
   */
  async function quiet(capMs: number): Promise<{ quiet: boolean; text: string }> {
    const started = Date.now();
    const busy = () => stack!.servers.reduce((sum, s) => sum + treeCpuSeconds(s.pid), 0);
    const answers = async () => {
      try {
        const res = await within(3_000, a.fetch("/drive"));
        await within(3_000, res.text());
        return res.ok;
      } catch {
        return false;
      }
    };
    for (;;) {
      const jobs = await countActiveJobs(accountA.id, "mapreduce");
      const before = busy();
      await new Promise((r) => setTimeout(r, 2_000));
      const cores = (busy() - before) / 2;
      const up = await answers();
      const waited = ((Date.now() - started) / 1000).toFixed(0);
      if (jobs === 0 && cores < 0.3 && up) return { quiet: true, text: `quiet after ${waited} s` };
      if (Date.now() - started > capMs)
        return {
          quiet: false,
          text: `NOT quiet after ${waited} s (${jobs} of A's jobs active, servers using ${cores.toFixed(1)} cores, a page ${up ? "answering" : "not answering"} in 3 s)`,
        };
    }
  }
  const outlived: string[] = [];

  // --- rounds ------------------------------------------------------------------------------------
  type Side = "alone" | "attacked";
  const results: Record<Side, (RoundResult & { load: number })[]> = { alone: [], attacked: [] };
  const attackReports: AttackReport[] = [];
  /** CPU seconds of each part of the bench's world during each round (host.ts). */
  const cpu: Record<Side, { seconds: number; parts: Record<string, number> }[]> = {
    alone: [],
    attacked: [],
  };

  const caps = { roundCapMs: env.ISO_JOB_CAP_S * 1000, requestCapMs: env.ISO_REQUEST_CAP_S * 1000 };
  log("warm-up round (not counted)");
  await runRound(b, probeFiles, { ...caps, samples: 3 });

  const order: Side[] = [];
  for (let i = 0; i < env.ISO_ROUNDS; i++) order.push("alone", "attacked");
  for (const [i, side] of order.entries()) {
    const load = load1();
    const attack = side === "attacked" ? startAttackProcess(a, attackFiles) : null;
    if (attack) log(`round ${i + 1}/${order.length} attacked: A's workloads ${await attack.ready}`);
    const t = performance.now();
    const cpuParts = () => {
      const [worker, app] = stack!.servers;
      return {
        app: app!.pid,
        worker: worker!.pid,
        mariadb: hostPids.find((p) => p.name === "MariaDB")?.pid,
        s3: hostPids.find((p) => p.name === "S3 store")?.pid,
        attacker: attack?.pid,
      };
    };
    const cpuBefore = cpuSnapshot(cpuParts());
    const round = await runRound(b, probeFiles, { ...caps, samples: env.ISO_SAMPLES });
    const seconds = (performance.now() - t) / 1000;
    const cpuAfter = cpuSnapshot(cpuParts());
    cpu[side].push({
      seconds,
      parts: Object.fromEntries(
        Object.entries(cpuAfter).map(([k, v]) => [k, v - (cpuBefore[k] ?? 0)]),
      ),
    });
    results[side].push({ ...round, load });
    const report = await attack?.stop();
    if (report) attackReports.push(report);
    log(
      `round ${i + 1}/${order.length} ${side}: ${((performance.now() - t) / 1000).toFixed(0)} s, load ${load.toFixed(1)}, job ${round.jobOutcome}${round.jobMs !== null ? ` in ${(round.jobMs / 1000).toFixed(1)} s` : ""}, ${round.failures.length} of B's requests failed`,
    );
    if (attack) {
      const after = await quiet(env.ISO_QUIET_CAP_S * 1000);
      log(`  after the attack: ${after.text}`);
      if (!after.quiet) {
        outlived.push(`round ${i + 1}: ${after.text}`);
        if (i < order.length - 1) {
          // The next round alone would measure the leftovers: a fresh app server, warmed up.
          await stack.restartApp();
          await runRound(b, probeFiles, { ...caps, samples: 1 });
          log("  restarted the app server for the next round");
        }
      }
    }
  }

  // --- host after --------------------------------------------------------------------------------
  const ooms = newOomKills(oomBefore);
  for (const s of stack.servers) hostPids.push({ name: `${s.name} (bench)`, pid: s.pid });
  const deadHost = hostPids.filter((p) => !alive(p.pid));
  const serverExits = stack.servers.flatMap((s) => (s.exit() ? [`${s.name} ${s.exit()}`] : []));

  // --- the table ---------------------------------------------------------------------------------
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
  };
  const all = (side: Side, key: Measure) => results[side].flatMap((r) => r[key]);
  const jobs = (side: Side) => results[side].map((r) => r.jobMs);
  // A job that did not succeed counts as the cap, a request without an answer as the request
  // cap: such a figure is a lower bound ("≥"), and its row fails.
  const jobFigure = (side: Side) =>
    pct(
      jobs(side).map((m) => m ?? env.ISO_JOB_CAP_S * 1000),
      50,
    );
  const capped = (side: Side, key: Measure | "job") =>
    key === "job"
      ? jobs(side).some((m) => m === null)
      : results[side].some((r) => r.timeouts[key] > 0);
  type Row = { measure: string; key: Measure | "job"; alone: number; attacked: number };
  const rows: Row[] = [
    {
      measure: "word-count job wall time, median",
      key: "job",
      alone: jobFigure("alone"),
      attacked: jobFigure("attacked"),
    },
    ...(
      [
        ["image preview p95", "previewMs"],
        ["/drive page load p95", "pageMs"],
        ["sign-in (csrf + credentials POST) p95", "signInMs"],
      ] as const
    ).map(([measure, key]) => ({
      measure,
      key,
      alone: pct(all("alone", key), 95),
      attacked: pct(all("attacked", key), 95),
    })),
  ];
  const ms = (v: number) =>
    Number.isNaN(v) ? "n/a" : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
  const table = [["B's measure", "alone", "under attack", "ratio", "goal ≤ 2×"]];
  for (const r of rows) {
    const ratio = r.attacked / r.alone;
    const [ge0, ge1] = [capped("alone", r.key) ? "≥ " : "", capped("attacked", r.key) ? "≥ " : ""];
    const bad = Number.isNaN(ratio) || ratio > 2 || ge0 !== "" || ge1 !== "";
    table.push([
      r.measure,
      `${ge0}${ms(r.alone)}`,
      `${ge1}${ms(r.attacked)}`,
      Number.isNaN(ratio) ? "n/a" : `${ge1 && !ge0 ? "≥ " : ""}${ratio.toFixed(2)}×`,
      bad ? "✗" : "✓",
    ]);
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
  const line = (row: string[]) =>
    row.map((c, i) => c + " ".repeat(widths[i]! - [...c].length)).join("  ");
  const meanLoad = (side: Side) =>
    (results[side].reduce((s, r) => s + r.load, 0) / results[side].length).toFixed(1);

  console.log("");
  console.log(
    `Noisy neighbour: user B alone vs. while user A attacks — ${env.ISO_ROUNDS} round(s) each, interleaved; ` +
      `${env.ISO_SAMPLES} previews and page loads per round; load average (1 min) at round start: alone ${meanLoad("alone")}, attacked ${meanLoad("attacked")}, now ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ")} (2 cores)`,
  );
  console.log(line(table[0]!));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of table.slice(1)) console.log(line(row));

  console.log("");
  for (const side of ["alone", "attacked"] as const) {
    const rs = results[side];
    const failures = rs.flatMap((r) => r.failures);
    const requests = rs.reduce((s, r) => s + r.requests, 0) + rs.length;
    const ok = failures.length === 0;
    console.log(
      `B's work ${side}: ${ok ? "✓ all succeeded" : "✗ failures"} (${requests - failures.length}/${requests} requests and jobs)`,
    );
    const tally = new Tally();
    for (const f of failures) tally.add(f);
    for (const l of tally.lines()) console.log(`  ${l}`);
  }

  console.log("");
  console.log("Where the CPU went (cores used on average during the rounds; the host has 2):");
  const cores = (side: Side, part: string) => {
    const rs = cpu[side];
    const secs = rs.reduce((s, r) => s + r.seconds, 0);
    return rs.reduce((s, r) => s + (r.parts[part] ?? 0), 0) / secs;
  };
  const partNames = [
    ...new Set([...cpu.alone, ...cpu.attacked].flatMap((r) => Object.keys(r.parts))),
  ];
  const cpuRows = [["part", "alone", "attacked"]];
  for (const part of partNames)
    cpuRows.push([part, cores("alone", part).toFixed(2), cores("attacked", part).toFixed(2)]);
  const cw = cpuRows[0]!.map((_, i) => Math.max(...cpuRows.map((r) => [...r[i]!].length)));
  for (const r of cpuRows)
    console.log(
      `  ${r.map((c, i) => (i === 0 ? c.padEnd(cw[i]!) : c.padStart(cw[i]!))).join("  ")}`,
    );

  console.log("");
  console.log("What user A was told (all attacked rounds):");
  const told = new Tally();
  for (const r of attackReports)
    for (const [m, n] of r.messages.counts) for (let k = 0; k < n; k++) told.add(m);
  if (told.counts.size === 0) console.log("  nothing: no limit stopped A");
  for (const l of told.lines()) console.log(`  ${l}`);
  for (const [i, r] of attackReports.entries()) {
    console.log(
      `  round ${i + 1}: previews ${r.previews.ok} rendered / ${r.previews.refused} refused / ${r.previews.failed} failed; ` +
        `streams ${r.streams.open} open / ${r.streams.refused} refused (of ${ATTACK.streams}); ` +
        `zips ${r.zips.completed} complete, ${r.zips.mib} MiB sent, ${r.zips.refused} refused; ` +
        `jobs ${r.jobs.map((j) => `${j.name}: ${j.status}`).join(", ")}`,
    );
  }
  const limited =
    told.counts.size > 0 &&
    [...told.counts.keys()].every((m) => /limit|at most|refused|stopped|not supported/i.test(m));
  console.log(
    `  clear limit messages: ${limited ? "✓ every message names a limit" : "✗ some answers name no limit (above)"}`,
  );

  console.log("");
  console.log("Host:");
  if (!ooms) console.log("  kernel log unreadable (dmesg): OOM kills unknown");
  else {
    console.log(
      `  OOM kills during the bench: ${ooms.global.length} global (machine out of memory) ${ooms.global.length ? "✗" : "✓"}, ${ooms.cgroup.length} inside a memory cgroup (a task's own limit)`,
    );
    for (const l of [...ooms.global, ...ooms.cgroup].slice(0, 10)) console.log(`    ${l}`);
  }
  console.log(
    `  processes alive: ${hostPids.map((p) => `${p.name} ${p.pid} ${alive(p.pid) ? "✓" : "✗ GONE"}`).join(", ")}`,
  );
  console.log(
    `  attacks that outlived their round: ${outlived.length} of ${env.ISO_ROUNDS} ${outlived.length ? "✗ (the app server was restarted before the next round alone)" : "✓"}`,
  );
  for (const o of outlived) console.log(`    ${o}`);
  if (serverExits.length) console.log(`  ✗ bench servers ended early: ${serverExits.join(", ")}`);
  if (deadHost.length) process.exitCode = 1;
} catch (error) {
  console.error("[isolation] failed:", error);
  process.exitCode = 1;
}
await shutdown(Number(process.exitCode ?? 0));
