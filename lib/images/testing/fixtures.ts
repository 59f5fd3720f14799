// Test-only: images in a user's Drive (rows and real objects in the local store) and a wait for
// jobs. Not imported by application code.
import sharp from "sharp";
import { db } from "@/lib/db/client";
import { fileRows, folderRows, seedFileRow } from "@/lib/drive/test-helpers";
import { newObjectKey } from "@/lib/storage/keys";
import { getObjectStream } from "@/lib/storage/objects";
import { putDirect } from "@/lib/storage/test-helpers";

/** A JPEG: a bright yellow-green gradient with a dark red block in the top-left corner. */
export async function testJpeg(width = 400, height = 300): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const red = x < width / 4 && y < height / 4;
      pixels[i] = red ? 230 : Math.round((x / width) * 255);
      pixels[i + 1] = red ? 20 : 200;
      pixels[i + 2] = red ? 20 : Math.round((y / height) * 255);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export async function putImage(
  ownerId: string,
  name: string,
  body: Uint8Array,
  contentType = "image/jpeg",
  folderId: string | null = null,
) {
  const storageKey = newObjectKey(ownerId);
  await putDirect(storageKey, body, contentType);
  return seedFileRow(ownerId, { folderId, name, size: body.byteLength, contentType, storageKey });
}

export async function readObject(key: string): Promise<Buffer> {
  const object = await getObjectStream(key);
  if (!object) throw new Error(`no object ${key}`);
  return Buffer.from(await new Response(object.body).arrayBuffer());
}

export async function waitForJob(jobId: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    if (!["queued", "running"].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} (${job.phase})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The live files of the owner's "Image Studio" folder, by name. */
export async function studioFiles(ownerId: string) {
  const [folder] = await folderRows({
    ownerId,
    parentId: null,
    name: "Image Studio",
    trashed: false,
  });
  if (!folder) return [];
  return fileRows({ ownerId, folderId: folder.id, trashed: false });
}
