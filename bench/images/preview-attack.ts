// Issue 15's worst-case preview — a 64 × 64 image, resized to 9990 × 9990, blurred σ 100 — as
// the web server renders it, before (the chain on the copy, in the server's own process, no
// budget: what lib/images/preview.ts did) and after (renderOnCopy: the pixel budget, in the
// render pool's niced processes). In one process, the two sides interleaved:
//   1. CPU time of one attack preview (server process + render processes), before / after;
//   2. sign-in (the app's argon2 verify) p95 alone, and while 10 attack previews run at once —
//      before (stopped by a 15 s sharp timeout, or it would take minutes) and after.
// Run: node --conditions=react-server --import tsx bench/images/preview-attack.ts
// BENCH_BEFORE_RUNS (default 1) full "before" renders: each is minutes of CPU on a busy machine.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { defaultStep } from "@/lib/images/catalog";
import { ChainStep, type Chain } from "@/lib/images/chain";
import { imageLimits } from "@/lib/images/config";
import { renderChain, type RawImage } from "@/lib/images/pipeline";
import { PREVIEW_LONG_SIDE, PREVIEW_OUTPUT, renderOnCopy } from "@/lib/images/preview";
import { renderPool } from "@/lib/images/render-pool";

const attack: Chain = [
  ChainStep.parse(
    defaultStep("resize", {
      width: 9990,
      height: 9990,
      fit: "fill",
      withoutEnlargement: false,
    } as never),
  ),
  ChainStep.parse(defaultStep("blur", { sigma: 100 } as never)),
];
const image: RawImage = {
  data: Buffer.alloc(64 * 64 * 3, 120),
  raw: { width: 64, height: 64, channels: 3 },
};
const limits = imageLimits();

const TICK_MS = 10; // USER_HZ = 100 on Linux
function childCpuMs(): number {
  let ticks = 0;
  for (const pid of renderPool().pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone
    }
  }
  return ticks * TICK_MS;
}
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function before(timeoutSeconds?: number): Promise<void> {
  await renderChain(image, attack, PREVIEW_OUTPUT, {
    scale: 1,
    limits,
    fastEncode: true,
    ...(timeoutSeconds ? { timeout: { seconds: timeoutSeconds, message: "stopped" } } : {}),
  }).catch((err: unknown) => {
    if (!timeoutSeconds) throw err;
  });
}

async function after(userId = "bench"): Promise<{ width: number; height: number }> {
  const out = await renderOnCopy(userId, { image, scale: 1 }, attack, {
    limits,
    longSide: PREVIEW_LONG_SIDE,
    output: PREVIEW_OUTPUT,
  });
  return out.info;
}

async function cpuOf(run: () => Promise<unknown>): Promise<{ server: number; total: number }> {
  const [own, kids] = [ownCpuMs(), childCpuMs()];
  await run();
  const server = ownCpuMs() - own;
  return { server, total: server + (childCpuMs() - kids) };
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? NaN;
};

async function signIns(n: number, hash: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await verifyPassword(hash, "correct horse battery staple");
    times.push(performance.now() - t);
  }
  return times;
}

async function underLoad(load: () => Promise<unknown>, hash: string): Promise<number[]> {
  let stop = false;
  const attackers = Array.from({ length: 10 }, async () => {
    while (!stop) await load();
  });
  // Let the attack get going before measuring.
  await new Promise((r) => setTimeout(r, 500));
  const times = await signIns(6, hash);
  stop = true;
  await Promise.all(attackers);
  return times;
}

const fmt = (ms: number) => `${Math.round(ms)} ms`;
const mark = (ok: boolean) => (ok ? "✓" : "✗");

async function main() {
  const beforeRuns = Number(process.env.BENCH_BEFORE_RUNS ?? 1);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const size = await after(); // starts the render processes
  console.log(`after: the attack renders ${size.width} × ${size.height}`);

  // 1. CPU time of one attack preview, interleaved: after, before, after, … after.
  const afters: { server: number; total: number }[] = [];
  const befores: { server: number; total: number }[] = [];
  afters.push(await cpuOf(() => after()));
  for (let i = 0; i < beforeRuns; i++) {
    befores.push(await cpuOf(() => before()));
    afters.push(await cpuOf(() => after()));
    afters.push(await cpuOf(() => after()));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const b = mean(befores.map((x) => x.total));
  const a = mean(afters.map((x) => x.total));
  const aServer = mean(afters.map((x) => x.server));
  if (befores.length === 0)
    console.log(`attack preview CPU after: ${fmt(a)} (${fmt(aServer)} in the server)`);
  else
    console.log(
      `attack preview CPU: before ${fmt(b)} (${befores.length} run), after ${fmt(a)} (${afters.length} runs, ${fmt(aServer)} of it in the server process) → after/before ${(a / b).toFixed(4)}; goal < 1 s of CPU ${mark(a < 1000)}`,
    );

  // 2. Sign-in p95 alone and under 10 attack previews at once, each side interleaved with alone.
  const hash = await hashPassword("correct horse battery staple");
  const alone1 = await signIns(12, hash);
  const duringAfter = await underLoad(() => after(`attacker`), hash);
  const alone2 = await signIns(12, hash);
  const duringBefore = await underLoad(() => before(15), hash);
  const alone = p95([...alone1, ...alone2]);
  console.log(`sign-in p95 alone: ${fmt(alone)}`);
  const ratioAfter = p95(duringAfter) / alone;
  const ratioBefore = p95(duringBefore) / alone;
  console.log(
    `sign-in p95 under 10 attack previews: before ${fmt(p95(duringBefore))} (×${ratioBefore.toFixed(1)}), after ${fmt(p95(duringAfter))} (×${ratioAfter.toFixed(1)}); goal ≤ 2× ${mark(ratioAfter <= 2)}`,
  );
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  renderPool().close();
}

await main();
