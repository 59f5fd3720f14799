// Sizes and counts as every page, message and e-mail shows them — on the server (quota refusals,
// sandbox limits, mails) and in the browser (tables, the upload panel). One formatter, so the same
// file reads the same everywhere. Binary units with the familiar short labels, as Google Drive and
// Finder-before-2009 show them: a 5 GiB quota reads "5 GB".

const UNITS = ["bytes", "KB", "MB", "GB", "TB", "PB"] as const;

/** 1536 → "1.5 KB", 10_349_568 → "9.87 MB": three significant digits at most. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  if (bytes < 1024) return Math.round(bytes) === 1 ? "1 byte" : `${Math.round(bytes)} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // "9.87 MB", "98.7 MB", "987 MB".
  const digits = value < 10 ? 2 : value < 100 ? 1 : 0;
  let fixed = value.toFixed(digits);
  // 1023.9 KB rounds up to the next unit rather than reading "1024 KB".
  if (Number(fixed) >= 1024 && unit < UNITS.length - 1) {
    unit++;
    fixed = "1";
  }
  const text = fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
  return `${text} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 12345 → "12,345" (the same grouping on the server and in every browser). */
export const formatCount = (n: number) => n.toLocaleString("en");
