import { randomBytes, randomUUID } from "node:crypto";

import { crc32, deflateSync } from "node:zlib";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { withConnection } from "./db";
import { bucket, store } from "./store";

// Puts files straight into the test database and the store the app under test uses, so share
// and preview tests do not depend on the upload UI.

export type SeededFile = { id: string; name: string; size: number; storageKey: string };

export async function seedDriveFile(
  ownerId: string,
  input: { name: string; body: Buffer | string; contentType: string; folderId?: string | null },
): Promise<SeededFile> {
  const body = typeof input.body === "string" ? Buffer.from(input.body) : input.body;
  const storageKey = `users/${ownerId}/${randomUUID()}`;
  await store().send(
    new PutObjectCommand({
      Bucket: bucket(),
      Key: storageKey,
      Body: body,
      ContentType: input.contentType,
    }),
  );
  const id = `e2ef${randomBytes(10).toString("hex")}`;
  await withConnection((c) =>
    c.query(
      "INSERT INTO `File` (id, ownerId, folderId, name, size, contentType, storageKey, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3))",
      [
        id,
        ownerId,
        input.folderId ?? null,
        input.name,
        body.byteLength,
        input.contentType,
        storageKey,
      ],
    ),
  );
  return { id, name: input.name, size: body.byteLength, storageKey };
}

export async function seedDriveFolder(
  ownerId: string,
  name: string,
  parentId: string | null = null,
): Promise<{ id: string; name: string }> {
  const id = `e2ed${randomBytes(10).toString("hex")}`;
  await withConnection((c) =>
    c.query(
      "INSERT INTO `Folder` (id, ownerId, parentId, name, createdAt, updatedAt) VALUES (?, ?, ?, ?, NOW(3), NOW(3))",
      [id, ownerId, parentId, name],
    ),
  );
  return { id, name };
}

export async function shareLinksOf(fileId: string) {
  return withConnection(
    (c) =>
      c.query(
        "SELECT id, token, downloadCount, maxDownloads, revokedAt, passwordHash IS NOT NULL AS hasPassword FROM `ShareLink` WHERE fileId = ? ORDER BY createdAt",
        [fileId],
      ) as Promise<
        {
          id: string;
          token: string;
          downloadCount: number;
          maxDownloads: number | null;
          revokedAt: Date | null;
          hasPassword: number;
        }[]
      >,
  );
}

/** A valid PNG of one colour, for image previews. */
export function solidPng(
  width: number,
  height: number,
  [r, g, b]: [number, number, number],
): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill([r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array(height).fill(row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A one-page PDF showing `text`. */
export function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

/** A pending single-PUT upload row (no object yet), as the upload API leaves one. */
export async function seedPendingUpload(ownerId: string, folderId: string | null) {
  const id = `e2eu${randomBytes(10).toString("hex")}`;
  await withConnection((c) =>
    c.query(
      "INSERT INTO `Upload` (id, ownerId, folderId, name, size, contentType, storageKey, createdAt, expiresAt) VALUES (?, ?, ?, 'pending.bin', 10, 'application/octet-stream', ?, NOW(3), DATE_ADD(NOW(3), INTERVAL 1 DAY))",
      [id, ownerId, folderId, `users/${ownerId}/${randomUUID()}`],
    ),
  );
  return { id };
}

export async function seedShareLink(ownerId: string, fileId: string) {
  const id = `e2es${randomBytes(10).toString("hex")}`;
  const token = randomBytes(32).toString("base64url");
  await withConnection((c) =>
    c.query(
      "INSERT INTO `ShareLink` (id, token, fileId, ownerId, createdAt, updatedAt) VALUES (?, ?, ?, ?, NOW(3), NOW(3))",
      [id, token, fileId, ownerId],
    ),
  );
  return { id, token };
}

/** Everything of one owner's Drive, for before/after comparisons. */
export async function driveRowsOf(ownerId: string) {
  return withConnection(async (c) => {
    const rows = async (table: string) =>
      (await c.query(`SELECT * FROM \`${table}\` WHERE ownerId = ? ORDER BY id`, [
        ownerId,
      ])) as unknown[];
    return {
      files: await rows("File"),
      folders: await rows("Folder"),
      shareLinks: await rows("ShareLink"),
      uploads: await rows("Upload"),
    };
  });
}

export async function objectSize(key: string): Promise<number | null> {
  try {
    const head = await store().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return head.ContentLength ?? 0;
  } catch {
    return null;
  }
}
