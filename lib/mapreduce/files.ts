import "server-only";
import { db } from "@/lib/db/client";

// The Drive files the new-job form offers as inputs and programs: the owner's live files, most
// recently changed first.

export const PICKER_LIMIT = 2000;

export type PickableFile = { id: string; name: string; size: number; updatedAt: string };

export async function listPickableFiles(ownerId: string): Promise<PickableFile[]> {
  const rows = await db.file.findMany({
    where: { ownerId, trashedAt: null },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    take: PICKER_LIMIT,
    select: { id: true, name: true, size: true, updatedAt: true },
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    size: Number(r.size),
    updatedAt: r.updatedAt.toISOString(),
  }));
}
