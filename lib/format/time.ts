// Dates and durations as the pages show them. No hooks: safe on the server and the client.

/** "4 s", "3 min 5 s", "2 h 10 min" — coarse on purpose: estimates (time left) jitter. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 || m >= 10 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** "250 ms", "1.5 s", "3 min 5 s" — precise: measured times (a task's, a phase's). */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) return `${m} min ${rest} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * "Nov 26, 2026". `timeZone` is fixed ("UTC") for the server render and the first client
 * render, so hydration matches; LocalDate then re-renders in the viewer's own zone.
 */
export function formatDate(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleDateString("en", { year: "numeric", month: "short", day: "numeric", timeZone });
}

/** "Nov 26, 2026, 2:05 PM": for tooltips. */
export function formatDateTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return d.toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone });
}

/** Whole days from `now` until `iso` + `days`, never negative. */
export function daysLeft(iso: string, days: number, now: number = Date.now()): number {
  const end = new Date(iso).getTime() + days * 24 * 60 * 60 * 1000;
  return Math.max(0, Math.ceil((end - now) / (24 * 60 * 60 * 1000)));
}
