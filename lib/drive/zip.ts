import "server-only";
import { makeZip, predictLength } from "client-zip";
import { db } from "@/lib/db/client";
import { safeFilename } from "@/lib/storage/content-disposition";
import { getObjectStream } from "@/lib/storage/objects";

// Beyond these a zip takes too long to stream in one request, and unzip tools struggle; the
// owner is asked to download in parts instead.
export const ZIP_LIMITS = { maxEntries: 10_000, maxBytes: 10 * 1024 ** 3 } as const;

type ZipFile = { kind: "file"; path: string; size: number; key: string; modified: Date };
type ZipFolder = { kind: "folder"; path: string; modified: Date };
export type ZipEntry = ZipFile | ZipFolder;
export type ZipPlan = { filename: string; entries: ZipEntry[]; totalBytes: number };

export type ZipPlanResult =
  { ok: true; plan: ZipPlan } | { ok: false; reason: "not-found" | "too-many" | "too-big" };

/** "a.txt" → "a (1).txt" → "a (2).txt" until the path is free in the zip (case-insensitively). */
function uniquePath(dir: string, rawName: string, taken: Set<string>): string {
  const name = safeFilename(rawName);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 0; ; n++) {
    const candidate = `${dir}${n === 0 ? name : `${stem} (${n})${ext}`}`;
    const key = candidate.normalize("NFC").toLowerCase();
    if (!taken.has(key)) {
      taken.add(key);
      return candidate;
    }
  }
}

const fileSelect = { id: true, name: true, size: true, storageKey: true, updatedAt: true } as const;
const folderSelect = { id: true, name: true, updatedAt: true } as const;

/**
 * What a zip of the owner's selection holds: the chosen files at the top, each chosen folder with
 * everything live inside it. Any id that is not a live item of the owner fails the whole request,
 * so nobody learns which of someone else's ids exist.
 */
export async function planZip(
  ownerId: string,
  selection: { fileIds: string[]; folderIds: string[] },
): Promise<ZipPlanResult> {
  const fileIds = [...new Set(selection.fileIds)];
  const folderIds = [...new Set(selection.folderIds)];
  const [topFiles, topFolders] = await Promise.all([
    db.file.findMany({
      where: { id: { in: fileIds }, ownerId, trashedAt: null },
      select: fileSelect,
      orderBy: { name: "asc" },
    }),
    db.folder.findMany({
      where: { id: { in: folderIds }, ownerId, trashedAt: null },
      select: folderSelect,
      orderBy: { name: "asc" },
    }),
  ]);
  if (topFiles.length !== fileIds.length || topFolders.length !== folderIds.length) {
    return { ok: false, reason: "not-found" };
  }

  const entries: ZipEntry[] = [];
  const taken = new Set<string>();
  let totalBytes = 0;
  const addFile = (dir: string, f: (typeof topFiles)[number]) => {
    const size = Number(f.size);
    totalBytes += size;
    const path = uniquePath(dir, f.name, taken);
    entries.push({ kind: "file", path, size, key: f.storageKey, modified: f.updatedAt });
  };
  const tooMany = () => entries.length > ZIP_LIMITS.maxEntries;

  for (const f of topFiles) addFile("", f);
  let frontier: { id: string; path: string }[] = [];
  for (const folder of topFolders) {
    const path = uniquePath("", folder.name, taken);
    entries.push({ kind: "folder", path, modified: folder.updatedAt });
    frontier.push({ id: folder.id, path });
  }

  // Level by level, so a deep tree costs two queries per level rather than two per folder.
  const seen = new Set(frontier.map((f) => f.id));
  while (frontier.length > 0 && !tooMany()) {
    const ids = frontier.map((f) => f.id);
    const pathOf = new Map(frontier.map((f) => [f.id, f.path]));
    const budget = ZIP_LIMITS.maxEntries + 1 - entries.length;
    const [children, files] = await Promise.all([
      db.folder.findMany({
        where: { ownerId, parentId: { in: ids }, trashedAt: null },
        select: { ...folderSelect, parentId: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: budget,
      }),
      db.file.findMany({
        where: { ownerId, folderId: { in: ids }, trashedAt: null },
        select: { ...fileSelect, folderId: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: budget,
      }),
    ]);
    for (const f of files) addFile(`${pathOf.get(f.folderId ?? "") ?? ""}/`, f);
    frontier = [];
    for (const c of children) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const path = uniquePath(`${pathOf.get(c.parentId ?? "") ?? ""}/`, c.name, taken);
      entries.push({ kind: "folder", path, modified: c.updatedAt });
      frontier.push({ id: c.id, path });
    }
  }
  if (tooMany()) return { ok: false, reason: "too-many" };
  if (totalBytes > ZIP_LIMITS.maxBytes) return { ok: false, reason: "too-big" };

  const only = topFolders.length === 1 && topFiles.length === 0 ? topFolders[0] : undefined;
  const filename = only ? `${only.name}.zip` : "Stratus files.zip";
  return { ok: true, plan: { filename, entries, totalBytes } };
}

function metadata(entry: ZipEntry) {
  return entry.kind === "folder"
    ? { name: `${entry.path}/` }
    : { name: entry.path, size: entry.size };
}

/** The zip's exact length, known before the first byte is sent. */
export function zipLength(plan: ZipPlan): bigint {
  return predictLength(plan.entries.map(metadata));
}

/**
 * The zip as a stream. Objects are opened one at a time, only when the previous one has been
 * written, and their bytes flow through without being held in memory (files are stored, not
 * compressed: most of what people keep is already compressed, and the length stays predictable).
 */
export function zipStream(plan: ZipPlan, signal?: AbortSignal): ReadableStream<Uint8Array> {
  async function* inputs() {
    for (const entry of plan.entries) {
      if (entry.kind === "folder") {
        yield { name: `${entry.path}/`, lastModified: entry.modified };
        continue;
      }
      const object = await getObjectStream(entry.key, { signal });
      // Failing the stream is better than a zip whose files are silently wrong.
      if (!object) throw new Error(`zip: the object of "${entry.path}" is missing`);
      if (object.contentLength !== undefined && object.contentLength !== entry.size) {
        throw new Error(`zip: the object of "${entry.path}" has an unexpected size`);
      }
      yield {
        name: entry.path,
        lastModified: entry.modified,
        size: entry.size,
        input: object.body,
      };
    }
  }
  return makeZip(inputs(), { length: zipLength(plan) });
}
