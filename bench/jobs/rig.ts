// The rig shared by the job-engine benches (run.ts, scale-out.ts): which database they use, the
// bench worker child process (engine-worker.ts) and its IPC, the marks its functions stamp,
// MariaDB's own counters and CPU time, and the small statistics and table helpers.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { z } from "zod";
import { createDb, type Db } from "@/lib/executor/db";
import { freePort } from "@/lib/executor/testing/harness";
import type { Mark, ParentMessage, WorkerMessage, WorkerStats } from "./engine-worker";

if (existsSync(".env.local")) process.loadEnvFile(".env.local");

/** BENCH_DATABASE_URL, else TEST_DATABASE_URL, else DATABASE_URL's stratus_test. */
export function benchDatabaseUrl(): string {
  const env = z
    .object({
      BENCH_DATABASE_URL: z.string().optional(),
      TEST_DATABASE_URL: z.string().optional(),
      DATABASE_URL: z.string().optional(),
    })
    .parse(process.env);
  const url =
    env.BENCH_DATABASE_URL ??
    env.TEST_DATABASE_URL ??
    env.DATABASE_URL?.replace(/\/stratus$/, "/stratus_test");
  if (!url) throw new Error("set BENCH_DATABASE_URL or TEST_DATABASE_URL");
  return url;
}

/** Deletes what earlier bench runs left (functions, runs and events of the "bench" app). */
export async function cleanBench(db: Db): Promise<void> {
  await db.query("DELETE FROM ExecRun WHERE functionId LIKE 'bench-%'");
  await db.query("DELETE FROM ExecEvent WHERE name LIKE 'bench/%'");
  await db.query("DELETE FROM ExecFunction WHERE appId = 'bench'");
}

export { createDb, type Db };

// --- the worker -------------------------------------------------------------------------------

export type BenchWorker = {
  child: ChildProcess;
  eventUrl: string;
  request: <T extends WorkerMessage["t"]>(
    message: ParentMessage,
    reply: T,
  ) => Promise<Extract<WorkerMessage, { t: T }>>;
  stats: () => Promise<WorkerStats>;
  /** Asks the worker to stop and resolves when it has exited. */
  stop: () => Promise<void>;
};

/** Every mark the workers stamped, by kind and tag; `waitFor` wakes on each batch. */
export const marks = { start: new Map<string, Mark>(), done: new Map<string, Mark>() };
const waiters = new Set<() => void>();

/**
 * Starts one bench worker (engine-worker.ts: executor + serve endpoint) against the database.
 * BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles it.
 */
export async function startWorker(
  databaseUrl: string,
  keys: { signingKey: string; eventKey: string },
  extraEnv: Record<string, string> = {},
): Promise<BenchWorker> {
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(
    process.execPath,
    // react-server: the worker endpoint's replay guard reaches `server-only` modules (the database).
    [...nodeArgs, "--conditions=react-server", "--import", "tsx", "bench/jobs/engine-worker.ts"],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        INNGEST_SIGNING_KEY: keys.signingKey,
        INNGEST_EVENT_KEY: keys.eventKey,
        EVENT_PORT: String(await freePort()),
        SERVE_PORT: String(await freePort()),
        ...extraEnv,
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  // A worker left behind would go on claiming runs from the shared test database.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const replies = new Map<string, (m: WorkerMessage) => void>();
  child.on("message", (message: WorkerMessage) => {
    if (message.t === "marks") {
      for (const m of message.marks) marks[m.kind].set(m.w, m);
      for (const wake of waiters) wake();
      return;
    }
    replies.get(message.t)?.(message);
  });
  let exited: Error | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code) => {
      process.removeListener("exit", kill);
      exited = new Error(`the bench worker exited with ${code}`);
      for (const reply of replies.values()) reply({ t: "exit" } as never);
      // A worker that dies mid-bench fails the bench at once rather than after waitFor's timeout.
      if (!stopping) {
        process.stderr.write(`${exited.message}\n`);
        process.exit(1);
      }
      resolve();
    }),
  );
  const once = <T extends WorkerMessage["t"]>(t: T) =>
    new Promise<Extract<WorkerMessage, { t: T }>>((resolve, reject) => {
      if (exited) return reject(exited);
      replies.set(t, (m) => {
        if (exited) return reject(exited);
        replies.delete(t);
        resolve(m as Extract<WorkerMessage, { t: T }>);
      });
    });
  const ready = await once("ready");
  const request: BenchWorker["request"] = (message, reply) => {
    const answer = once(reply);
    child.send(message);
    return answer;
  };
  return {
    child,
    eventUrl: ready.eventUrl,
    request,
    stats: async () => (await request({ t: "stats" }, "stats")).stats,
    stop: async () => {
      stopping = true;
      if (!exited) child.send({ t: "stop" } satisfies ParentMessage);
      await exit;
    },
  };
}

/** Resolves when every tag has a mark of `kind` (or throws after 10 minutes). */
export async function waitFor(kind: Mark["kind"], tags: string[]): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (tags.some((w) => !marks[kind].has(w))) {
    if (Date.now() > deadline) {
      const missing = tags.filter((w) => !marks[kind].has(w)).length;
      throw new Error(`${missing}/${tags.length} runs never reached "${kind}"`);
    }
    await new Promise<void>((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, 1_000);
      waiters.add(wake);
    });
  }
}

/** Sends events (one object, or an array) to a worker's event API. */
export async function sendEvents(eventUrl: string, eventKey: string, body: unknown): Promise<void> {
  const response = await fetch(`${eventUrl}/e/${eventKey}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200)
    throw new Error(`event API: ${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}

// --- MariaDB's counters ----------------------------------------------------------------------

/** The MariaDB server process listening on `port` (for its CPU time), if it runs here. */
export function mysqldPid(databaseUrl: string): number | null {
  const port = new URL(databaseUrl).port || "3306";
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (/mariadbd|mysqld/.test(cmd[0] ?? "") && cmd.includes(`--port=${port}`))
        return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/** User + system CPU ms of a process so far (NaN without one). */
export function cpuMsOf(pid: number | null): number {
  if (pid === null) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

export type ServerCounters = { statements: number; commits: number; fsyncs: number };

/** The server's own global counters: statements (incl. this one), commits, InnoDB fsyncs. */
export async function serverCounters(db: Db): Promise<ServerCounters> {
  const rows: { Variable_name: string; Value: string }[] = await db.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_commit', 'Innodb_data_fsyncs')",
  );
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)?.Value ?? NaN);
  return {
    statements: value("Questions"),
    commits: value("Com_commit"),
    fsyncs: value("Innodb_data_fsyncs"),
  };
}

// --- statistics and printing -----------------------------------------------------------------

export const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const pct = (s: number[], p: number) =>
  s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
export function median(xs: number[]): number {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
export const f1 = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "" : x.toFixed(1);
export const f0 = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "" : x.toFixed(0);
export const loadText = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
export const check = (ok: boolean) => (ok ? "✓" : "✗");

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [header, ...rows]
    .map((row) =>
      row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "),
    )
    .join("\n");
}
