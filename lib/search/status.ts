import "server-only";
import { db } from "@/lib/db/client";

export type SearchStatus = {
  /** Files waiting for or in indexing. */
  pending: number;
  indexed: number;
  failed: number;
  skipped: number;
};

/** Where the owner's search index stands, for "Indexing 3 files…" / "Indexed 120 files". */
export async function searchStatus(ownerId: string): Promise<SearchStatus> {
  const rows = await db.searchDocument.groupBy({
    by: ["state"],
    where: { ownerId },
    _count: { _all: true },
  });
  const count = (...states: string[]) =>
    rows.filter((r) => states.includes(r.state)).reduce((s, r) => s + r._count._all, 0);
  return {
    pending: count("pending", "extracting", "extracted"),
    indexed: count("indexed"),
    failed: count("failed"),
    skipped: count("skipped"),
  };
}
