import { randomBytes, randomUUID } from "node:crypto";

import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { withConnection } from "./db";
import { bucket, store } from "./store";

// Drive rows and objects made directly in the test database and the store the app under test
// uses, so the organise tests do not depend on the upload UI (that flow has its own test).

const newId = (tag: string) => `${tag}${randomBytes(10).toString("hex")}`;

export type TestFile = { id: string; name: string; storageKey: string };

export async function addFile(
  ownerId: string,
  name: string,
  opts: {
    folderId?: string | null;
    body?: string;
    contentType?: string;
    /** Sets createdAt and updatedAt, for sorting by date. */
    at?: Date;
  } = {},
): Promise<TestFile> {
  const body = Buffer.from(opts.body ?? `contents of ${name}\n`);
  const contentType = opts.contentType ?? "text/plain";
  const storageKey = `users/${ownerId}/${randomUUID()}`;
  await store().send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: storageKey,
      Body: body,
      ContentType: contentType,
    }),
  );
  const id = newId("e2eo");
  const at = opts.at ?? new Date();
  await withConnection((c) =>
    c.query(
      "INSERT INTO `File` (id, ownerId, folderId, name, size, contentType, storageKey, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      [id, ownerId, opts.folderId ?? null, name, body.byteLength, contentType, storageKey, at, at],
    ),
  );
  return { id, name, storageKey };
}

export async function addFolder(
  ownerId: string,
  name: string,
  parentId: string | null = null,
): Promise<{ id: string; name: string }> {
  const id = newId("e2ed");
  await withConnection((c) =>
    c.query(
      "INSERT INTO `Folder` (id, ownerId, parentId, name, createdAt, updatedAt) VALUES (?, ?, ?, ?, NOW(3), NOW(3))",
      [id, ownerId, parentId, name],
    ),
  );
  return { id, name };
}

/** Whether the store still holds the object (HEAD). */
export async function objectExists(key: string): Promise<boolean> {
  try {
    await store().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return true;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return false;
    throw err;
  }
}

export async function fileRow(id: string) {
  return withConnection(async (c) => {
    const rows: { name: string; folderId: string | null; trashedAt: Date | null }[] = await c.query(
      "SELECT name, folderId, trashedAt FROM `File` WHERE id = ?",
      [id],
    );
    return rows[0] ?? null;
  });
}

export async function folderIdByName(ownerId: string, name: string): Promise<string | null> {
  return withConnection(async (c) => {
    const rows: { id: string }[] = await c.query(
      "SELECT id FROM `Folder` WHERE ownerId = ? AND name = ? AND trashedAt IS NULL ORDER BY createdAt DESC LIMIT 1",
      [ownerId, name],
    );
    return rows[0]?.id ?? null;
  });
}
