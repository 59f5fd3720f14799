// How far back a backfill may search (the form's choices; lib/pulse/backfill.ts bounds the rest).
export const BACKFILL_HOURS = [1, 6, 24, 72, 168] as const;
