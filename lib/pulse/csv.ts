// CSV for the exports (RFC 4180). Text that a spreadsheet would run as a formula (=, +, -, @ and
// a leading tab or CR) gets a leading apostrophe: post texts come from strangers on the internet.

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined, text = true): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (text && FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line; numbers are written as they are, strings are guarded. */
export function csvLine(values: (string | number | null | undefined)[]): string {
  return `${values.map((v) => csvCell(v, typeof v === "string")).join(",")}\r\n`;
}
