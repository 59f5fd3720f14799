// Display formatting shared by the Drive tables. No hooks: safe on the server and the client.

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];

/** 1536 → "1.5 KB" (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const text = value.toFixed(digits).replace(/\.0$/, "");
  return `${text} ${UNITS[unit]}`;
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
