import "server-only";
import { db } from "@/lib/db/client";
import { checkWorker } from "@/lib/jobs/health";
import { checkStorage } from "@/lib/storage/health";

export type Check = { ok: boolean; latencyMs: number; error?: string };

async function timed(fn: () => Promise<unknown>, timeoutMs = 3000): Promise<Check> {
  const start = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs),
      ),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (e) {
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - start),
      error: e instanceof Error ? e.message.split("\n")[0] : String(e),
    };
  }
}

// Each dependency Stratus needs to serve requests.
export async function runHealthChecks() {
  // With an external Inngest server driving the functions, no local worker heartbeats.
  const localWorker = process.env.INNGEST_EXECUTOR !== "external";
  const [database, storage, worker] = await Promise.all([
    timed(() => db.$queryRaw`SELECT 1`),
    timed(() => checkStorage()),
    localWorker ? timed(() => checkWorker()) : undefined,
  ]);
  const checks = { database, storage, ...(worker && { worker }) };
  const ok = Object.values(checks).every((c) => c.ok);
  return { status: ok ? ("ok" as const) : ("down" as const), checks };
}
