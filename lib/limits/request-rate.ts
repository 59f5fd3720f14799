// A bound on how many requests one client may send per second, checked first thing in the proxy
// (proxy.ts) — before the session is decoded or the database asked anything — so that a client
// flooding the server (retrying every refusal at once, say) is refused for the price of a map
// lookup, and the server's one thread stays free for everyone else. A token bucket per key: the
// session cookie when the request has one (each signed-in device), else the client address.
// Counts are per server process, which is what protects that process.
// No `server-only` import: the proxy uses it (as lib/auth/session-cookie.ts).

export type RateLimit = {
  /** Requests per second sustained. */
  perSecond: number;
  /** Requests at once after a quiet spell (a page load and its prefetches, a folder of thumbnails). */
  burst: number;
};

/** Defaults: far above what a browser sends, far below what a loop can. */
export const REQUEST_RATE_DEFAULT: RateLimit = { perSecond: 50, burst: 200 };

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

type Bucket = { tokens: number; at: number };

/** Above this many keys, buckets that have refilled completely are forgotten. */
const SWEEP_ABOVE = 10_000;

export class RequestRate {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: () => RateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one request from `key`'s bucket, or says how long to wait. */
  take(key: string): RateDecision {
    const { perSecond, burst } = this.limit();
    const now = this.now();
    const bucket = this.buckets.get(key);
    const tokens = bucket
      ? Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond)
      : burst;
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      if (this.buckets.size > SWEEP_ABOVE) this.sweep(now, perSecond, burst);
      return { ok: true };
    }
    if (bucket) {
      bucket.tokens = tokens;
      bucket.at = now;
    }
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)),
      message: `Too many requests (the limit is ${perSecond} per second). Wait a moment and try again.`,
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number, perSecond: number, burst: number) {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
    }
  }
}

/** STRATUS_LIMIT_REQUESTS_PER_SECOND and STRATUS_LIMIT_REQUEST_BURST override the defaults. */
export function requestRateFromEnv(
  env: Record<string, string | undefined> = process.env,
): RateLimit {
  const positive = (raw: string | undefined, fallback: number) => {
    const n = Number(raw);
    return raw !== undefined && raw !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const perSecond = positive(env.STRATUS_LIMIT_REQUESTS_PER_SECOND, REQUEST_RATE_DEFAULT.perSecond);
  const burst = positive(env.STRATUS_LIMIT_REQUEST_BURST, REQUEST_RATE_DEFAULT.burst);
  return { perSecond, burst: Math.max(1, burst) };
}

// One per server process; on globalThis so a dev server's reloads keep the counts.
const GLOBAL = globalThis as typeof globalThis & { __stratusRequestRate?: RequestRate };

/** This server's request-rate bound. */
export function requestRate(): RequestRate {
  GLOBAL.__stratusRequestRate ??= new RequestRate(() => requestRateFromEnv());
  return GLOBAL.__stratusRequestRate;
}
