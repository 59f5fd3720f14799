import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db/client";
import type { Crumb } from "./listing-types";
import { nameKey } from "./name-rules";
import { availableNameIn } from "./names";

// Walking the folder tree with WITH RECURSIVE queries. Every step of every walk is scoped to
// the owner, so a foreign id yields nothing.
//
// The trash model these walks rely on: an item is LIVE when trashedAt IS NULL. Trashing an item
// sets its trashedAt and originalPath (the path of the folder it was in); trashing a folder also
// sets trashedAt — but not originalPath — on its live descendants, so "trashedAt IS NULL" alone
// tells everyone (downloads, shares, uploads, search) whether an item is reachable. Trashed rows
// with an originalPath are the entries the Trash page lists; trashed rows without one are
// hidden inside such an entry and come back, or go, with it.

type Tx = Prisma.TransactionClient | typeof db;

// Far deeper than any real tree; stops a walk should a cycle ever reach the database.
const MAX_DEPTH = 1000;
// originalPath is VARCHAR(2048).
const MAX_PATH_CHARS = 2048;

/** For each folder id: the live-or-not chain from the root down to that folder (inclusive). */
export async function folderChains(
  ownerId: string,
  folderIds: readonly string[],
  tx: Tx = db,
): Promise<Map<string, (Crumb & { trashed: boolean })[]>> {
  const out = new Map<string, (Crumb & { trashed: boolean })[]>();
  if (folderIds.length === 0) return out;
  const rows = await tx.$queryRaw<
    { origin: string; id: string; name: string; trashedAt: Date | null; depth: number | bigint }[]
  >`
    WITH RECURSIVE chain (origin, id, parentId, name, trashedAt, depth) AS (
      SELECT id, id, parentId, name, trashedAt, 0 FROM \`Folder\`
      WHERE ownerId = ${ownerId} AND id IN (${Prisma.join([...new Set(folderIds)])})
      UNION ALL
      SELECT c.origin, f.id, f.parentId, f.name, f.trashedAt, c.depth + 1
      FROM \`Folder\` f JOIN chain c ON f.id = c.parentId
      WHERE f.ownerId = ${ownerId} AND c.depth < ${MAX_DEPTH}
    )
    SELECT origin, id, name, trashedAt, depth FROM chain`;
  const byOrigin = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byOrigin.get(r.origin) ?? [];
    list.push(r);
    byOrigin.set(r.origin, list);
  }
  for (const [origin, list] of byOrigin) {
    list.sort((a, b) => Number(b.depth) - Number(a.depth));
    out.set(
      origin,
      list.map((r) => ({ id: r.id, name: r.name, trashed: r.trashedAt !== null })),
    );
  }
  return out;
}

/** The chain root → folder for one folder, or [] for the root (null) or an unknown id. */
export async function folderChain(ownerId: string, folderId: string | null, tx: Tx = db) {
  if (folderId === null) return [];
  return (await folderChains(ownerId, [folderId], tx)).get(folderId) ?? [];
}

/** "/A/B" for a chain; "/" for the root. */
export function chainPath(chain: readonly Crumb[]): string {
  return `/${chain.map((c) => c.name).join("/")}`;
}

/**
 * The path stored in originalPath. A path too long for the column loses its deepest folders:
 * restore then recreates a shallower path, which is better than refusing to trash.
 */
export function storablePath(chain: readonly Crumb[]): string {
  const names = chain.map((c) => c.name);
  while (names.length > 0 && Array.from(`/${names.join("/")}`).length > MAX_PATH_CHARS) names.pop();
  return `/${names.join("/")}`;
}

/** "/A/B" → ["A", "B"]. Empty segments (from "/" or "//") are dropped. */
export function pathSegments(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}

/**
 * Folder ids of `rootId` and its descendants reached through children matching `mode`:
 * "live" walks live folders (what trashing a folder hides); "hidden" walks trashed folders
 * without an originalPath (what a Trash entry carries with it).
 */
export async function subtreeFolderIds(
  ownerId: string,
  rootId: string,
  mode: "live" | "hidden",
  tx: Tx = db,
): Promise<string[]> {
  const childFilter =
    mode === "live"
      ? Prisma.sql`f.trashedAt IS NULL`
      : Prisma.sql`f.trashedAt IS NOT NULL AND f.originalPath IS NULL`;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE sub (id, depth) AS (
      SELECT id, 0 FROM \`Folder\` WHERE id = ${rootId} AND ownerId = ${ownerId}
      UNION ALL
      SELECT f.id, s.depth + 1 FROM \`Folder\` f JOIN sub s ON f.parentId = s.id
      WHERE f.ownerId = ${ownerId} AND ${childFilter} AND s.depth < ${MAX_DEPTH}
    )
    SELECT id FROM sub`;
  return rows.map((r) => r.id);
}

/**
 * The live folder at `path` ("/A/B"), creating whatever is missing. An existing live folder with
 * the same name (case-insensitive) is reused; a file of that name gets the folder numbered.
 */
export async function ensurePath(
  ownerId: string,
  path: string,
  tx: Tx = db,
): Promise<string | null> {
  return (await walkPath(ownerId, path, tx, true)) ?? null;
}

/** The live folder at `path` if every segment exists (null: the root), else undefined. */
export async function findPath(
  ownerId: string,
  path: string,
  tx: Tx = db,
): Promise<string | null | undefined> {
  return walkPath(ownerId, path, tx, false);
}

async function walkPath(
  ownerId: string,
  path: string,
  tx: Tx,
  create: boolean,
): Promise<string | null | undefined> {
  let parentId: string | null = null;
  for (const segment of pathSegments(path)) {
    const candidates: { id: string; name: string }[] = await tx.folder.findMany({
      where: { ownerId, parentId, trashedAt: null, name: segment },
      select: { id: true, name: true },
      orderBy: { createdAt: "asc" },
    });
    const existing = candidates.find((c) => nameKey(c.name) === nameKey(segment));
    if (existing) {
      parentId = existing.id;
      continue;
    }
    if (!create) return undefined;
    const name = await availableNameIn(tx, ownerId, parentId, segment);
    const created: { id: string } = await tx.folder.create({
      data: { ownerId, parentId, name },
      select: { id: true },
    });
    parentId = created.id;
  }
  return parentId;
}

/** Runs `fn` over `items` in slices, so IN lists stay a sensible size. */
export async function inChunks<T>(
  items: readonly T[],
  fn: (chunk: T[]) => Promise<unknown>,
  size = 1000,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}
