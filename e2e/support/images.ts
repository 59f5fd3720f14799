import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { withConnection } from "./db";

// Test images made with sharp, and Image Studio rows written straight to the test database.

/** A JPEG photo stand-in: smooth colour gradients with a dark block in the top-left corner. */
export async function gradientJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const block = x < width / 4 && y < height / 4;
      pixels[i] = block ? 120 : Math.round((x / width) * 255);
      pixels[i + 1] = block ? 10 : 180;
      pixels[i + 2] = block ? 10 : Math.round((y / height) * 255);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export async function seedPreset(
  ownerId: string,
  name: string,
  chain: unknown[],
  output: { format: string; quality: number; keepMetadata: boolean },
): Promise<string> {
  const id = `e2ep${randomBytes(10).toString("hex")}`;
  await withConnection((c) =>
    c.query(
      "INSERT INTO `ImagePreset` (id, ownerId, name, chain, output, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, NOW(3), NOW(3))",
      [id, ownerId, name, JSON.stringify(chain), JSON.stringify(output)],
    ),
  );
  return id;
}

export async function studioFileRows(ownerId: string) {
  return withConnection(
    (c) =>
      c.query(
        "SELECT f.id, f.name, f.contentType FROM `File` f JOIN `Folder` d ON d.id = f.folderId WHERE f.ownerId = ? AND d.name = 'Image Studio' AND f.trashedAt IS NULL ORDER BY f.name",
        [ownerId],
      ) as Promise<{ id: string; name: string; contentType: string }[]>,
  );
}
