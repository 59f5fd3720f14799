import fs, { readFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { getPriority } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import sharp from "sharp";
import { HttpError } from "@/lib/server/errors";
import { applyTimeout } from "./apply";
import { defaultStep } from "./catalog";
import { ChainStep } from "./chain";
import { ImageInputError } from "./errors";
import { renderChain } from "./pipeline";
import { RenderCgroups, USER_WEIGHT } from "./render-cgroups";
import { RenderPool, type PoolResult, type RecordedPipeline } from "./render-pool";

// The web server's render processes, for real: child processes running sharp.

const pools: RenderPool[] = [];
const pool = (size: number) => {
  const p = new RenderPool(size);
  pools.push(p);
  return p;
};
afterAll(() => pools.forEach((p) => p.close()));

/** A pipeline that keeps a process busy for a moment: a blur of a side × side grey square. */
const busy = (sigma = 20, side = 512): RecordedPipeline => ({
  input: Buffer.alloc(side * side * 3, 90),
  options: { raw: { width: side, height: side, channels: 3 } },
  calls: [
    ["blur", [sigma]],
    ["png", [{ compressionLevel: 9 }]],
  ],
});
const tiny: RecordedPipeline = {
  input: Buffer.alloc(3, 10),
  options: { raw: { width: 1, height: 1, channels: 3 } },
  calls: [["png", []]],
};

/** Resolves once `ready()` holds (checked on each turn of the event loop, briefly apart). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((r) => setTimeout(r, 10));
}

const endless: RecordedPipeline = {
  input: Buffer.alloc(64 * 64 * 3, 50),
  options: { raw: { width: 64, height: 64, channels: 3 } },
  calls: [
    ["resize", [9990, 9990, { fit: "fill" }]],
    ["blur", [100]],
    ["png", []],
  ],
};

/** The most intervals that overlap at any instant. */
function maxOverlap(runs: PoolResult[]): number {
  const edges = runs.flatMap((r) => [
    { t: r.started, d: 1 },
    { t: r.ended, d: -1 },
  ]);
  // At equal times an end comes first: back-to-back runs do not overlap.
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (now += e.d));
  return most;
}

describe("the render pool", () => {
  it("never runs more of one user's pipelines at once than its size, as seen by the processes", async () => {
    const p = pool(2);
    // Both processes started first, so the measured runs are not a spawn's shadow.
    await Promise.all([p.run(tiny, { userId: "warm" }), p.run(tiny, { userId: "warm" })]);
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => p.run(busy(), { userId: "user0" })),
    );
    expect(maxOverlap(runs)).toBe(2);
    expect(p.peakRunning).toBe(2);
    expect(p.processes).toBe(2);
    // What came back is the pipeline's output.
    const meta = await sharp(runs[0]!.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 512, 512]);
  });

  it("gives a user with nothing running a process at once, however many another has queued", async () => {
    const p = pool(1);
    // Both processes (the pool's one and the extra) started first: on a loaded machine a spawn
    // outlasts a whole pipeline, and the test is about who waits, not how fast a process starts.
    await Promise.all([p.run(tiny, { userId: "warm1" }), p.run(tiny, { userId: "warm2" })]);
    expect(p.processes).toBe(2);
    const alice = Array.from({ length: 6 }, () => p.run(busy(10), { userId: "alice" }));
    const bob = [p.run(busy(10), { userId: "bob" }), p.run(busy(10), { userId: "bob" })];
    const a = await Promise.all(alice);
    const b = await Promise.all(bob);
    const first = a.reduce((x, y) => (x.started <= y.started ? x : y));
    // Bob's first ran beside Alice's first, in an extra process, not after it.
    expect(b[0]!.started).toBeLessThan(first.ended);
    // His second waited for his first, not for Alice's queue: it started before her last did.
    // (Not "before her third": which slot frees first depends on how long each process takes,
    // and on a loaded machine Alice's second may end before Bob's first.)
    const aliceStarts = a.map((r) => r.started).sort((x, y) => x - y);
    expect(b[1]!.started).toBeLessThan(aliceStarts[5]!);
    // Never more than the pool's size plus one extra per user with nothing running.
    expect(maxOverlap([...a, ...b])).toBe(2);
    expect(p.peakRunning).toBe(2);
  });

  it("holds the extra processes to its size: a third user waits for a free one", async () => {
    const p = pool(1);
    const alice = p.run(busy(), { userId: "alice" });
    const bob = p.run(busy(), { userId: "bob" });
    const carol = p.run(tiny, { userId: "carol" });
    const [a, b, c] = await Promise.all([alice, bob, carol]);
    expect(c.started).toBeGreaterThanOrEqual(Math.min(a.ended, b.ended));
    expect(p.peakRunning).toBe(2);
  });

  it("bounds how many pipelines one user may have waiting, naming the limit", async () => {
    const p = pool(1);
    const held = Array.from({ length: 65 }, () => p.run(tiny, { userId: "carol" }));
    const refused = p.run(tiny, { userId: "carol" });
    await expect(refused).rejects.toBeInstanceOf(HttpError);
    await expect(refused).rejects.toMatchObject({
      status: 429,
      message:
        "You already have 64 image renders waiting (the limit is 64 per user). Wait for your previews to finish.",
    });
    // Another user is not refused, and all of Carol's accepted work is done.
    await expect(p.run(tiny, { userId: "dave" })).resolves.toBeDefined();
    expect(await Promise.all(held)).toHaveLength(65);
  });

  it("drops a waiting pipeline whose request was aborted", async () => {
    const p = pool(1);
    const first = p.run(busy(), { userId: "erin" });
    const controller = new AbortController();
    const second = p.run(tiny, { userId: "erin", signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: "AbortError" });
    await first;
  });

  it("runs its processes below the server's CPU priority", async () => {
    const p = pool(1);
    await p.run(tiny, { userId: "frank" });
    const pids = p.pids;
    expect(pids).toHaveLength(1);
    expect(getPriority(pids[0]!)).toBe(10);
  });

  it("kills a pipeline that outlives its time, and carries on with a new process", async () => {
    const p = pool(1);
    const killed = p.run(endless, {
      userId: "gina",
      killAfterMs: 300,
      killed: () => new ImageInputError("too-slow", "stopped"),
    });
    await expect(killed).rejects.toMatchObject({ reason: "too-slow", message: "stopped" });
    await expect(p.run(tiny, { userId: "gina" })).resolves.toBeDefined();
  });

  it("maps sharp's timeout in a render process to the user's message", async () => {
    const p = pool(1);
    // The attack at full size, with no budget: far more than a second of work.
    const chain = [
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
    const input = {
      data: Buffer.alloc(64 * 64 * 3, 50),
      raw: { width: 64, height: 64, channels: 3 as const },
    };
    const message = "This preview took too long.";
    const out = renderChain(
      input,
      chain,
      { format: "webp", quality: 80, keepMetadata: false },
      {
        sharp: p.sharp({ userId: "hana" }),
        timeout: { seconds: 1, message },
      },
    );
    await expect(out).rejects.toBeInstanceOf(ImageInputError);
    await expect(out).rejects.toMatchObject({ reason: "too-slow", message, status: 422 });
  });

  it("stops a full-size Apply at its timeout too, with the Apply's message", async () => {
    expect(applyTimeout().message).toMatch(/^Applying the chain took more than 15 minutes/);
    const chain = [
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
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } })
      .png()
      .toBuffer();
    // In this process, as the worker runs Apply: no render pool, sharp itself.
    const out = renderChain(
      png,
      chain,
      { format: "png", quality: 80, keepMetadata: false },
      {
        timeout: { ...applyTimeout(), seconds: 1 },
      },
    );
    await expect(out).rejects.toMatchObject({
      reason: "too-slow",
      message: applyTimeout().message,
    });
  });
});

describe("the render pool's processes are started ahead of need", () => {
  it("warm() starts them; pipelines then run without starting any", async () => {
    const p = pool(2);
    p.warm();
    expect(p.processes).toBe(4);
    const before = p.pids;
    await Promise.all([
      p.run(busy(5), { userId: "hana" }),
      p.run(busy(5), { userId: "hana" }),
      p.run(busy(5), { userId: "ivan" }),
    ]);
    expect(p.pids).toEqual(before);
  });

  it("attack: a render killed at its timeout is replaced in the background, not by the next request", async () => {
    const p = pool(1);
    p.warm();
    expect(p.processes).toBe(2);
    const killed = p.run(endless, {
      userId: "jack",
      killAfterMs: 300,
      killed: () => new ImageInputError("too-slow", "stopped"),
    });
    const victim = p.pids[0]!;
    await expect(killed).rejects.toMatchObject({ reason: "too-slow" });
    // The replacement comes on its own…
    await until(() => p.processes === 2);
    const warm = p.pids;
    expect(warm).not.toContain(victim);
    // …so the next pipelines find their processes running.
    await Promise.all([p.run(tiny, { userId: "jack" }), p.run(tiny, { userId: "kim" })]);
    expect(p.pids).toEqual(warm);
  });
});

const cgroups = RenderCgroups.create(process.env, 2);
// Best effort: a process still being reaped keeps its cgroup until the next server's clean-up.
afterAll(() => cgroups?.removeAll());

describe.skipIf(cgroups === null)("a CPU share per user for render processes (cgroups)", () => {
  it("attack: ten of A's worst-case renders get one user's share; B's render gets another, equal one", async () => {
    const cg = cgroups!;
    const p = new RenderPool(2, { cgroups: cg });
    pools.push(p);
    p.warm();
    const a = `a-${Math.random()}`;
    const b = `b-${Math.random()}`;
    const stopA = new AbortController();
    const aRuns = Array.from({ length: 10 }, () =>
      p.run(endless, { userId: a, signal: stopA.signal, killAfterMs: 60_000 }).catch(() => null),
    );
    // Long enough (seconds) to be seen in its cgroup, which the process enters on its own.
    const bRun = p.run(busy(30, 2048), { userId: b });
    // Dispatched at once: A holds the pool's size, B an extra process — each in their cgroup
    // (where each process moves itself on receiving its pipeline).
    expect(p.running).toBe(3);
    await until(() => cg.processesOf(a).length === 2 && cg.processesOf(b).length === 1);
    const share = (user: string) =>
      readFileSync(
        join(cg.userDir(user)!, cg.version === 1 ? "cpu.shares" : "cpu.weight"),
        "utf8",
      ).trim();
    expect(share(a)).toBe(share(b));
    // A's flood weighs one user's share and B's render another: A does not halve B's share.
    expect(cg.weight).toBeCloseTo(2 * USER_WEIGHT, 2);
    // No nice level: the share does the job, so nobody's render is starved by priority.
    for (const pid of p.pids) expect(getPriority(pid)).toBe(getPriority());
    await bRun;
    // B done: its process is back among the idle ones, its cgroup gone.
    expect(cg.processesOf(b)).toEqual([]);
    expect(cg.weight).toBeCloseTo(USER_WEIGHT, 2);
    // A's waiting renders dropped, its running ones killed.
    stopA.abort();
    p.close();
    await Promise.all(aRuns);
  });

  it("weighs a share per user rendering, up to its limit (the pool's size), below a process's", () => {
    const cg = cgroups!;
    const users = [1, 2, 3].map((n) => `w${n}-${Math.random()}`);
    expect(cg.weight).toBeCloseTo(USER_WEIGHT, 2);
    expect(USER_WEIGHT).toBeLessThan(1);
    for (const u of users) cg.userDir(u);
    // Three users rendering on a pool of two cores: two processes' worth, shared three ways.
    expect(cg.weight).toBeCloseTo(2 * USER_WEIGHT, 2);
    for (const u of users) cg.release(u, false);
    expect(cg.userCount).toBe(0);
    expect(cg.weight).toBeCloseTo(USER_WEIGHT, 2);
  });

  it("moves a render process between cgroups in that process, never on the server's thread", async () => {
    // A move into a v1 cgroup waits for the kernel (an RCU grace period: tens of ms on a loaded
    // host); made by the server, two per render held every user's requests (the bench's
    // profile: 3 % of the server's thread under A's previews).
    const cg = cgroups!;
    const p = new RenderPool(2, { cgroups: cg });
    pools.push(p);
    p.warm();
    const idle = () =>
      readFileSync(join(cg.base, "idle", "cgroup.procs"), "utf8")
        .split("\n")
        .filter(Boolean);
    await until(() => idle().length === 4);
    const parked = vi.spyOn(cg, "park");
    const writes = vi.spyOn(fs, "writeFileSync");
    syncBuiltinESMExports(); // `import { writeFileSync }` sees the spy too
    const c = `c-${Math.random()}`;
    const d = `d-${Math.random()}`;
    // In their users' cgroups while they render…
    const seen = new Set<string>();
    const look = setInterval(() => {
      for (const user of [c, d]) if (cg.processesOf(user).length > 0) seen.add(user);
    }, 5);
    await Promise.all([c, d, c, d, c].map((user) => p.run(busy(40), { userId: user })));
    clearInterval(look);
    expect(seen).toEqual(new Set([c, d]));
    // …back among the idle ones when they answer, and the users' cgroups gone.
    expect(idle()).toHaveLength(4);
    expect(cg.processesOf(c)).toEqual([]);
    expect(cg.userCount).toBe(0);
    expect(parked).not.toHaveBeenCalled();
    expect(writes.mock.calls.filter(([file]) => String(file).endsWith("cgroup.procs"))).toEqual([]);
    parked.mockRestore();
    writes.mockRestore();
    syncBuiltinESMExports();
    p.close();
  });
});
