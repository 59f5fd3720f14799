import type { File, Folder } from "@/lib/generated/prisma/client";
import type { DriveFile, DriveFolder } from "./types";

// Prisma rows → the DTOs the browser sees. Storage keys and owner ids never leave the server.

export type FileRow = Pick<
  File,
  "id" | "name" | "size" | "contentType" | "folderId" | "createdAt" | "updatedAt" | "trashedAt"
>;
export type FolderRow = Pick<
  Folder,
  "id" | "name" | "parentId" | "createdAt" | "updatedAt" | "trashedAt"
>;

export const fileSelect = {
  id: true,
  name: true,
  size: true,
  contentType: true,
  folderId: true,
  createdAt: true,
  updatedAt: true,
  trashedAt: true,
} as const;

export const folderSelect = {
  id: true,
  name: true,
  parentId: true,
  createdAt: true,
  updatedAt: true,
  trashedAt: true,
} as const;

export function toDriveFile(row: FileRow): DriveFile {
  return {
    id: row.id,
    name: row.name,
    size: Number(row.size),
    contentType: row.contentType,
    folderId: row.folderId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    trashedAt: row.trashedAt?.toISOString() ?? null,
  };
}

export function toDriveFolder(row: FolderRow): DriveFolder {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    trashedAt: row.trashedAt?.toISOString() ?? null,
  };
}
