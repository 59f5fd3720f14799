// Inngest's time strings: "2h30m10s" (w, d, h, m, s, and ms from hand-written options) or an ISO
// instant for sleepUntil. Returns the wake-up time in epoch milliseconds.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(ms|w|d|h|m|s))+$/.test(trimmed)) return null;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  }
  return total;
}

/** A duration from `now`, or an absolute ISO time. */
export function resolveTime(text: string, now: number): number | null {
  const duration = parseDurationMs(text);
  if (duration !== null) return now + duration;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}
