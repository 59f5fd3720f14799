// A bound on how many requests one client may send per second, checked first thing in the proxy
// (proxy.ts) — before the session is decoded or the database asked anything — so that a client
// flooding the server (retrying every refusal at once, say) is refused for the price of a map
// lookup, and the server's one thread stays free for everyone else. A token bucket per key: the
// session cookie when the request has one (each signed-in device), else the client address.
// Every request also takes from its address's bucket, with a higher limit (several people behind
// one office NAT): the session cookie is the client's to choose, and a made-up one per request
// would otherwise be a fresh bucket each time.
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
/** Per client address, whatever cookies its requests carry: four browsers' worth. */
export const ADDRESS_RATE_DEFAULT: RateLimit = { perSecond: 200, burst: 800 };

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };

type Bucket = { tokens: number; at: number };

/** Above this many keys, buckets that have refilled completely are forgotten. */
const SWEEP_ABOVE = 10_000;

export class RequestRate {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: () => RateLimit,
    private readonly now: () => number = () => performance.now(),
    /** Who the limit is for, in the refusal ("" or " from your network"). */
    private readonly whose = "",
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
      message: `Too many requests${this.whose} (the limit is ${perSecond} per second). Wait a moment and try again.`,
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
  return limitFromEnv(
    env.STRATUS_LIMIT_REQUESTS_PER_SECOND,
    env.STRATUS_LIMIT_REQUEST_BURST,
    REQUEST_RATE_DEFAULT,
  );
}

/** STRATUS_LIMIT_ADDRESS_REQUESTS_PER_SECOND and STRATUS_LIMIT_ADDRESS_REQUEST_BURST. */
export function addressRateFromEnv(
  env: Record<string, string | undefined> = process.env,
): RateLimit {
  return limitFromEnv(
    env.STRATUS_LIMIT_ADDRESS_REQUESTS_PER_SECOND,
    env.STRATUS_LIMIT_ADDRESS_REQUEST_BURST,
    ADDRESS_RATE_DEFAULT,
  );
}

function limitFromEnv(
  rawPerSecond: string | undefined,
  rawBurst: string | undefined,
  fallback: RateLimit,
): RateLimit {
  const positive = (raw: string | undefined, dflt: number) => {
    const n = Number(raw);
    return raw !== undefined && raw !== "" && Number.isFinite(n) && n > 0 ? n : dflt;
  };
  const perSecond = positive(rawPerSecond, fallback.perSecond);
  const burst = positive(rawBurst, fallback.burst);
  return { perSecond, burst: Math.max(1, burst) };
}

// One per server process; on globalThis so a dev server's reloads keep the counts.
const GLOBAL = globalThis as typeof globalThis & {
  __stratusRequestRate?: RequestRate;
  __stratusAddressRate?: RequestRate;
};

/** This server's request-rate bound per client (session cookie, else address). */
export function requestRate(): RequestRate {
  GLOBAL.__stratusRequestRate ??= new RequestRate(() => requestRateFromEnv());
  return GLOBAL.__stratusRequestRate;
}

/** This server's request-rate bound per client address, whatever the cookies. */
export function addressRate(): RequestRate {
  GLOBAL.__stratusAddressRate ??= new RequestRate(
    () => addressRateFromEnv(),
    undefined,
    " from your network",
  );
  return GLOBAL.__stratusAddressRate;
}
