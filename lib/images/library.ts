import "server-only";
import { db } from "@/lib/db/client";
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

function likeLiteral(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Newest first; `q` narrows to names containing it (case-insensitive). */
export async function listImages(
  ownerId: string,
  options: { q?: string; page?: number; pageSize?: number } = {},
): Promise<LibraryPage> {
  const q = options.q?.trim() || undefined;
  const pageSize = options.pageSize ?? LIBRARY_PAGE_SIZE;
  const where = {
    ownerId,
    trashedAt: null,
    contentType: { startsWith: "image/" },
    ...(q ? { name: { contains: likeLiteral(q) } } : {}),
  };
  const total = await db.file.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const rows = await db.file.findMany({
    where,
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: {
      id: true,
      name: true,
      size: true,
      contentType: true,
      updatedAt: true,
      folderId: true,
    },
  });
  const parents = rows.map((r) => r.folderId).filter((id): id is string => id !== null);
  const chains = await folderChains(ownerId, parents);
  return {
    images: rows.map((r) => ({
      id: r.id,
      name: r.name,
      size: Number(r.size),
      contentType: r.contentType,
      updatedAt: r.updatedAt.toISOString(),
      folderId: r.folderId,
      location: r.folderId ? chainPath(chains.get(r.folderId) ?? []) : "/",
    })),
    total,
    page,
    pageCount,
    q,
  };
}

/** One live image of the owner with where it lives, or null. */
export async function getImage(ownerId: string, fileId: string): Promise<LibraryImage | null> {
  const row = await db.file.findFirst({
    where: { id: fileId, ownerId, trashedAt: null, contentType: { startsWith: "image/" } },
    select: {
      id: true,
      name: true,
      size: true,
      contentType: true,
      updatedAt: true,
      folderId: true,
    },
  });
  if (!row) return null;
  const chains = row.folderId ? await folderChains(ownerId, [row.folderId]) : new Map();
  return {
    id: row.id,
    name: row.name,
    size: Number(row.size),
    contentType: row.contentType,
    updatedAt: row.updatedAt.toISOString(),
    folderId: row.folderId,
    location: row.folderId ? chainPath(chains.get(row.folderId) ?? []) : "/",
  };
}
