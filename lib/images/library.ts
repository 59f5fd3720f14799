import "server-only";
import { countLiveFiles, listLiveFiles, liveFile, type LiveFile } from "@/lib/drive/access";
import { chainPath, folderChains } from "@/lib/drive/tree";

// The images of a user's Drive, wherever they live: what the Image Studio's picker shows.

export const LIBRARY_PAGE_SIZE = 48;

export type LibraryImage = {
  id: string;
  name: string;
  size: number;
  contentType: string;
  updatedAt: string;
  folderId: string | null;
  /** "/Holidays/2026", or "/" for the root. */
  location: string;
};

export type LibraryPage = {
  images: LibraryImage[];
  total: number;
  page: number;
  pageCount: number;
  q?: string;
};

const IMAGES = { contentTypePrefix: "image/" } as const;

async function withLocations(ownerId: string, rows: LiveFile[]): Promise<LibraryImage[]> {
  const parents = rows.map((r) => r.folderId).filter((id): id is string => id !== null);
  const chains = await folderChains(ownerId, parents);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    size: r.size,
    contentType: r.contentType,
    updatedAt: r.updatedAt.toISOString(),
    folderId: r.folderId,
    location: r.folderId ? chainPath(chains.get(r.folderId) ?? []) : "/",
  }));
}

/** Newest first; `q` narrows to names containing it (case-insensitive). */
export async function listImages(
  ownerId: string,
  options: { q?: string; page?: number; pageSize?: number } = {},
): Promise<LibraryPage> {
  const q = options.q?.trim() || undefined;
  const pageSize = options.pageSize ?? LIBRARY_PAGE_SIZE;
  const filter = { ...IMAGES, ...(q ? { nameContains: q } : {}) };
  const total = await countLiveFiles(ownerId, filter);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const rows = await listLiveFiles(ownerId, filter, {
    order: "newest",
    skip: (page - 1) * pageSize,
    take: pageSize,
  });
  return { images: await withLocations(ownerId, rows), total, page, pageCount, q };
}

/** One live image of the owner with where it lives, or null. */
export async function getImage(ownerId: string, fileId: string): Promise<LibraryImage | null> {
  const file = await liveFile(ownerId, fileId);
  if (!file?.contentType.startsWith("image/")) return null;
  const [image] = await withLocations(ownerId, [file]);
  return image ?? null;
}
