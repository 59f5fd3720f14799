// Mastodon status ids and X tweet ids are decimal strings that sort by time; compare as numbers.
export function compareNumericIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const isNumericId = (s: string | undefined): s is string => !!s && /^\d{1,30}$/.test(s);

// A date the service gave us, as ISO 8601 in UTC; `fallback` when it is missing, unreadable or
// implausibly far in the future (clients set Bluesky's createdAt themselves).
export function isoTime(value: unknown, fallback: Date): string {
  if (typeof value === "string" || typeof value === "number") {
    const d = new Date(value);
    const t = d.getTime();
    if (Number.isFinite(t) && t > 0 && t < fallback.getTime() + 10 * 60_000) return d.toISOString();
  }
  return fallback.toISOString();
}
