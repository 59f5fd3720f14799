// A closed-loop load generator: `concurrency` virtual users, each sending the next request of the
// signed-in workload as soon as the last one answered, for `durationMs`. Only loopback targets.

export type Target = { name: string; path: string };
export type Sample = { at: number; ms: number; status: number; target: string; error?: string };

// The signed-in mix of issue 8: the Drive listing (a server-rendered page that queries the
// folder), a job's status (the JSON the job views poll) and the home dashboard.
export function workload(jobId: string): Target[] {
  return [
    { name: "drive listing", path: "/drive" },
    { name: "job status", path: `/api/jobs/${jobId}` },
    { name: "dashboard", path: "/home" },
    { name: "job status", path: `/api/jobs/${jobId}` },
  ];
}

export async function runLoad(opts: {
  baseUrl: string;
  /** One session for all users, or one per user (cookie[u % length]). */
  cookie: string | string[];
  targets: Target[];
  concurrency: number;
  durationMs: number;
  maxRequests?: number;
}): Promise<{ samples: Sample[]; startedAt: number; endedAt: number }> {
  const samples: Sample[] = [];
  const startedAt = performance.now();
  const deadline = startedAt + opts.durationMs;
  const max = opts.maxRequests ?? 1_000_000;
  let sent = 0;
  const user = async (u: number) => {
    const cookie = Array.isArray(opts.cookie) ? opts.cookie[u % opts.cookie.length]! : opts.cookie;
    let k = u;
    while (performance.now() < deadline && sent < max) {
      sent++;
      const target = opts.targets[k++ % opts.targets.length]!;
      const t0 = performance.now();
      try {
        const res = await fetch(`${opts.baseUrl}${target.path}`, {
          headers: { cookie },
          redirect: "manual",
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        samples.push({
          at: t0 - startedAt,
          ms: performance.now() - t0,
          status: res.status,
          target: target.name,
        });
      } catch (error) {
        samples.push({
          at: t0 - startedAt,
          ms: performance.now() - t0,
          status: 0,
          target: target.name,
          error:
            error instanceof Error
              ? ((error.cause as Error | undefined)?.message ?? error.message)
              : String(error),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, u) => user(u)));
  return { samples, startedAt, endedAt: performance.now() };
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** A request the workload expects to succeed: 200, never a redirect to the login page. */
export const ok = (s: Sample) => s.status === 200;

export function summarise(name: string, run: Awaited<ReturnType<typeof runLoad>>) {
  const seconds = (run.endedAt - run.startedAt) / 1000;
  const good = run.samples.filter(ok);
  const failed = run.samples.filter((s) => !ok(s));
  return {
    name,
    requests: run.samples.length,
    rps: good.length / seconds,
    p50: percentile(
      good.map((s) => s.ms),
      50,
    ),
    p95: percentile(
      good.map((s) => s.ms),
      95,
    ),
    failed: failed.length,
    failures: failed.reduce<Record<string, number>>((acc, s) => {
      const key = s.error ? `${s.target}: ${s.error}` : `${s.target}: HTTP ${s.status}`;
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {}),
  };
}
