import "server-only";
import { listLiveFiles } from "@/lib/drive/access";

// The Drive files the new-job form offers as inputs and programs: the owner's live files, most
// recently changed first.

export const PICKER_LIMIT = 2000;

export type PickableFile = { id: string; name: string; size: number; updatedAt: string };

export async function listPickableFiles(ownerId: string): Promise<PickableFile[]> {
  const rows = await listLiveFiles(ownerId, {}, { order: "newest", take: PICKER_LIMIT });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    size: r.size,
    updatedAt: r.updatedAt.toISOString(),
  }));
}
