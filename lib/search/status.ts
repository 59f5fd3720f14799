import "server-only";
import { db } from "@/lib/db/client";

export type SearchStatus = {
  /** Files waiting for or in indexing. */
  pending: number;
  indexed: number;
  failed: number;
  skipped: number;
  /**
   * Changes whenever a file is indexed (or re-indexed, or leaves the index): results computed
   * after a status with this version contain at least what it says is indexed.
   */
  version: string;
};

/** Where the owner's search index stands, for "Indexing 3 files…" / "Indexed 120 files". */
export async function searchStatus(ownerId: string): Promise<SearchStatus> {
  const rows = await db.searchDocument.groupBy({
    by: ["state"],
    where: { ownerId },
    _count: { _all: true },
    _max: { indexedAt: true },
  });
  const count = (...states: string[]) =>
    rows.filter((r) => states.includes(r.state)).reduce((s, r) => s + r._count._all, 0);
  const indexed = count("indexed");
  const last = rows.find((r) => r.state === "indexed")?._max.indexedAt?.getTime() ?? 0;
  return {
    pending: count("pending", "extracting", "extracted"),
    indexed,
    failed: count("failed"),
    skipped: count("skipped"),
    version: `${indexed}-${last}`,
  };
}
