import "server-only";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { itemNameSchema, nameKey, splitName } from "./name-rules";

export { itemNameSchema, nameKey, splitName };

/**
 * The name an item called `desired` gets in `folderId` (null = the drive's root) so that it does
 * not collide with a LIVE file or folder there (files and folders share one namespace).
 *
 * Rule: "report.pdf" → "report (1).pdf" → "report (2).pdf" …; only the LAST extension is kept
 * apart, so "archive.tar.gz" → "archive.tar (1).gz" (predictable, and what most desktop file
 * managers do for unknown multi-part extensions). Names without a dot, and dotfiles such as
 * ".env", get the suffix at the end: "notes (1)", ".env (1)". If `desired` already ends in
 * " (n)" the counter continues from that base: "report (1).pdf" → "report (2).pdf".
 *
 * Names compare case-insensitively (after Unicode NFC), as on macOS and Windows: otherwise a
 * folder holding "Report.pdf" and "report.pdf" could not be downloaded as a zip there.
 *
 * `excludeFileId` / `excludeFolderId` leave the item being renamed or moved out of the check, so
 * renaming "a.txt" to "A.txt" keeps "A.txt".
 *
 * Not a lock: two requests racing for the same name can both get it. The schema cannot enforce
 * uniqueness (see schema.prisma); a rare duplicate is harmless and the next rename resolves it.
 */
export async function availableName(
  ownerId: string,
  folderId: string | null,
  desired: string,
  opts: { excludeFileId?: string; excludeFolderId?: string } = {},
): Promise<string> {
  return availableNameIn(db, ownerId, folderId, desired, opts);
}

/** availableName inside a transaction, so it sees the transaction's own moves and creations. */
export async function availableNameIn(
  client: Prisma.TransactionClient | typeof db,
  ownerId: string,
  folderId: string | null,
  desired: string,
  opts: { excludeFileId?: string; excludeFolderId?: string } = {},
): Promise<string> {
  const { stem, ext } = splitName(desired);
  const base = stripCounter(stem);
  // Only live names that start with the base can collide. Prisma passes startsWith to LIKE
  // unescaped, so a "%" or "_" in the base widens the match; the case- and accent-insensitive
  // collation widens it too. Both only over-fetch: the exact comparison happens below.
  const [files, folders] = await Promise.all([
    client.file.findMany({
      where: {
        ownerId,
        folderId,
        trashedAt: null,
        name: { startsWith: base },
        ...(opts.excludeFileId ? { id: { not: opts.excludeFileId } } : {}),
      },
      select: { name: true },
    }),
    client.folder.findMany({
      where: {
        ownerId,
        parentId: folderId,
        trashedAt: null,
        name: { startsWith: base },
        ...(opts.excludeFolderId ? { id: { not: opts.excludeFolderId } } : {}),
      },
      select: { name: true },
    }),
  ]);
  const taken = new Set([...files, ...folders].map((r) => nameKey(r.name)));
  return firstFree(desired, base, ext, taken);
}

/** Pure part of availableName, exported for tests and for callers that batch names. */
export function firstFree(desired: string, base: string, ext: string, taken: Set<string>): string {
  if (!taken.has(nameKey(desired))) return desired;
  for (let n = 1; ; n++) {
    const candidate = withCounter(base, ext, n);
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}

function withCounter(base: string, ext: string, n: number): string {
  const suffix = ` (${n})`;
  // Keep within 255 characters by shortening the stem, never the extension or the counter.
  const room = 255 - suffix.length - ext.length;
  const stem = room > 0 ? Array.from(base).slice(0, room).join("") : "";
  return `${stem}${suffix}${ext}`.slice(0, 255);
}

const COUNTER = /^(.*\S) \((\d{1,9})\)$/u;

function stripCounter(stem: string): string {
  const m = COUNTER.exec(stem);
  return m?.[1] ?? stem;
}

// Re-exported for modules that only need the zod type.
export type ItemName = z.infer<typeof itemNameSchema>;
