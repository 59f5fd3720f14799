import { RANGES, type RangeKey } from "./schemas";

// How far back a backfill may search (the form's choices; lib/pulse/backfill.ts bounds the rest).
export const BACKFILL_HOURS = [1, 6, 24, 72, 168] as const;

/**
 * The dashboard range that shows a backfill of the last `hours`: the shortest one reaching back
 * as far, or the current one when it does already. Backfilled posts are counted in the minutes
 * they were written, so a 24 h backfill seen in the default "1 h" range showed 0 posts while its
 * status said "6 matching posts found".
 */
export function rangeShowingBackfill(hours: number, current: RangeKey): RangeKey {
  if (RANGES[current].minutes >= hours * 60) return current;
  const keys = Object.keys(RANGES) as RangeKey[];
  const fits = keys
    .filter((k) => RANGES[k].minutes >= hours * 60)
    .sort((a, b) => RANGES[a].minutes - RANGES[b].minutes);
  return fits[0] ?? keys.reduce((a, b) => (RANGES[a].minutes >= RANGES[b].minutes ? a : b));
}
