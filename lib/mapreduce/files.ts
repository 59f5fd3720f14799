import "server-only";
import { listLiveFiles, listLiveFolders } from "@/lib/drive/access";

// The Drive files the new-job form offers as inputs and programs — the owner's live files, most
// recently changed first — and the owner's folders, which the picker browses and which uploads
// and saved programs go to.

export const PICKER_LIMIT = 2000;

export type PickableFile = {
  id: string;
  name: string;
  size: number;
  updatedAt: string;
  /** null: the top of My Drive. */
  folderId: string | null;
  contentType: string;
};

export type PickableFolder = { id: string; name: string; parentId: string | null };

export async function listPickableFiles(ownerId: string): Promise<PickableFile[]> {
  const rows = await listLiveFiles(ownerId, {}, { order: "newest", take: PICKER_LIMIT });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    size: r.size,
    updatedAt: r.updatedAt.toISOString(),
    folderId: r.folderId,
    contentType: r.contentType,
  }));
}

export async function listPickableFolders(ownerId: string): Promise<PickableFolder[]> {
  return listLiveFolders(ownerId, PICKER_LIMIT);
}
