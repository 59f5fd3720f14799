import "server-only";
import { db } from "@/lib/db/client";
import { listLiveFiles } from "@/lib/drive/access";
import { MAX_EXTRACT_FILE_BYTES, MAX_INDEXED_FILES } from "./config";
import { extractKind } from "./kinds";

// Discovery on its own module: the results page calls it, and must not pull the MapReduce engine
// (lib/search/indexer.ts) into the web bundle.

export type DocState = "pending" | "extracting" | "extracted" | "indexed" | "failed" | "skipped";

/** Makes every readable live file of the owner known to the index; returns how many are waiting. */
export async function discoverFiles(ownerId: string): Promise<number> {
  const files: Awaited<ReturnType<typeof listLiveFiles>> = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await listLiveFiles(ownerId, {}, { order: "name", skip, take: 1000 });
    files.push(...page);
    if (page.length < 1000) break;
  }
  const readable = files.filter((f) => extractKind(f.name, f.contentType) !== null);
  const docs = await db.searchDocument.findMany({
    where: { ownerId },
    select: { fileId: true, storageKey: true },
  });
  const known = new Map(docs.map((d) => [d.fileId, d.storageKey]));
  let count = known.size;
  for (const f of readable) {
    const was = known.get(f.id);
    if (was === f.storageKey) continue;
    const tooBig = f.size > MAX_EXTRACT_FILE_BYTES;
    const full = was === undefined && count >= MAX_INDEXED_FILES;
    const state: DocState = tooBig || full ? "skipped" : "pending";
    const message = tooBig
      ? `Files over ${MAX_EXTRACT_FILE_BYTES / 1024 / 1024} MB are not searched inside.`
      : full
        ? `Search covers up to ${MAX_INDEXED_FILES.toLocaleString("en")} files.`
        : null;
    const data = { storageKey: f.storageKey, state, message, claim: null, claimedAt: null };
    // Conditional writes: a run or a page discovering at the same time may have made the row and
    // claimed it since it was read above, and must not be put back to "pending" unclaimed.
    if (was === undefined) {
      await db.searchDocument.createMany({
        data: [{ fileId: f.id, ownerId, ...data }],
        skipDuplicates: true,
      });
      count++;
    } else {
      await db.searchDocument.updateMany({
        where: { fileId: f.id, ownerId, storageKey: was },
        data,
      });
    }
  }
  return db.searchDocument.count({ where: { ownerId, state: { in: ["pending", "extracting"] } } });
}
