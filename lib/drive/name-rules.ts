import { z } from "zod";

// The rules for a file or folder name. No server imports: client forms validate with it too.

const MAX_NAME_CHARS = 255;

// C0/C1 controls break terminals and logs; the bidi embedding/override/isolate controls let a
// name like "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
const FORBIDDEN_CHARS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

export const itemNameSchema = z
  .string({ error: "Enter a name" })
  .trim()
  // One spelling per name: "é" typed precomposed or as "e" + accent must collide.
  .normalize("NFC")
  .min(1, "Enter a name")
  // VARCHAR(255) counts code points, not UTF-16 units.
  .refine((s) => Array.from(s).length <= MAX_NAME_CHARS, {
    message: `Use at most ${MAX_NAME_CHARS} characters`,
  })
  .refine((s) => !/[/\\]/.test(s), { message: "A name cannot contain / or \\" })
  .refine((s) => !FORBIDDEN_CHARS.test(s), { message: "A name cannot contain control characters" })
  .refine((s) => s !== "." && s !== "..", { message: "A name cannot be . or .." });

/** "report.pdf" → { stem: "report", ext: ".pdf" }; only the last extension counts. */
export function splitName(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf(".");
  // A leading dot (".env") or a trailing one ("draft.") is part of the name, not an extension.
  if (dot <= 0 || dot === name.length - 1) return { stem: name, ext: "" };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/** Two names collide when their keys are equal: Unicode NFC, case-insensitive. */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
