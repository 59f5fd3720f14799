// Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a fleet of
// listeners that lost the same server does not come back in lockstep.

export type BackoffPolicy = { baseMs: number; maxMs: number; linear?: boolean };

export function backoffDelay(attempt: number, policy: BackoffPolicy, random = Math.random): number {
  const raw = policy.linear
    ? policy.baseMs * (attempt + 1)
    : policy.baseMs * 2 ** Math.min(attempt, 30);
  const capped = Math.min(policy.maxMs, raw);
  return Math.round(capped / 2 + random() * (capped / 2));
}

// Resolves after `ms`, or at once when the signal aborts (stop() must not wait out a backoff).
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
