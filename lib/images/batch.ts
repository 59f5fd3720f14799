import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { listLiveFiles, liveFiles, liveFolder } from "@/lib/drive/access";
import type { ItemRef } from "@/lib/drive/schemas";
import { subtreeFolderIds } from "@/lib/drive/tree";
import { createJob, reportProgress } from "@/lib/jobs/jobs";
import type { Chain, OutputOptions } from "./chain";
import { IMAGE_BATCH_KIND } from "./job-schemas";
import { UserFacingError } from "@/lib/server/errors";
import { processImage } from "./apply";

// A batch: one Job ("image.batch") and one ImageBatchItem per image, each with its own status and
// error, so the batch view can name the images that failed. Items are fixed when the batch
// starts; files added to a folder later are not part of it.

export const MAX_BATCH_IMAGES = 200;
/** Images processed at once within one batch (the machine has few cores; sharp uses them all). */
export const BATCH_CONCURRENCY = 3;

export type BatchItemView = {
  id: string;
  position: number;
  fileId: string;
  name: string;
  status: "queued" | "running" | "succeeded" | "failed";
  error: string | null;
  resultFileId: string | null;
};

type ImageFile = { id: string; name: string };

/**
 * The live images a Drive selection stands for: the selected image files, and the images anywhere
 * inside the selected folders. Also counts the selected files that are not images (left out).
 */
export async function resolveSelection(
  ownerId: string,
  refs: readonly ItemRef[],
): Promise<{ images: ImageFile[]; skipped: number; missing: number }> {
  const fileIds = refs.filter((r) => r.kind === "file").map((r) => r.id);
  const folderIds = refs.filter((r) => r.kind === "folder").map((r) => r.id);
  const files = await liveFiles(ownerId, fileIds);
  const images: ImageFile[] = [];
  let skipped = 0;
  for (const id of fileIds) {
    const f = files.get(id);
    if (!f) continue;
    if (f.contentType.toLowerCase().startsWith("image/")) images.push({ id: f.id, name: f.name });
    else skipped++;
  }
  let missing = fileIds.length - files.size;
  for (const folderId of folderIds) {
    if (!(await liveFolder(ownerId, folderId))) {
      missing++;
      continue;
    }
    const ids = await subtreeFolderIds(ownerId, folderId, "live");
    const inside = await listLiveFiles(
      ownerId,
      { folderIds: ids, contentTypePrefix: "image/" },
      { order: "name", take: MAX_BATCH_IMAGES + 1 },
    );
    images.push(...inside.map(({ id, name }) => ({ id, name })));
  }
  // A file selected directly and also inside a selected folder is processed once.
  const seen = new Set<string>();
  const unique = images.filter((i) => !seen.has(i.id) && seen.add(i.id));
  return { images: unique, skipped, missing };
}

/** Creates the job and its items; the caller sends the event. */
export async function createBatch(
  ownerId: string,
  images: readonly ImageFile[],
  client: Prisma.TransactionClient | typeof db = db,
) {
  const job = await createJob(ownerId, IMAGE_BATCH_KIND, client);
  await client.imageBatchItem.createMany({
    data: images.map((img, position) => ({
      jobId: job.id,
      position,
      fileId: img.id,
      name: img.name,
    })),
  });
  return job;
}

const itemSelect = {
  id: true,
  position: true,
  fileId: true,
  name: true,
  status: true,
  error: true,
  resultFileId: true,
} as const;

/** The items of one of the owner's batches, in order; null when the job is not theirs. */
export async function listBatchItems(
  ownerId: string,
  jobId: string,
): Promise<BatchItemView[] | null> {
  const job = await db.job.findFirst({
    where: { id: jobId, ownerId, kind: IMAGE_BATCH_KIND },
    select: { id: true },
  });
  if (!job) return null;
  return db.imageBatchItem.findMany({
    where: { jobId: job.id },
    orderBy: { position: "asc" },
    select: itemSelect,
  });
}

/** Items the function still has to do (queued or interrupted mid-way by a worker restart). */
export async function pendingItems(jobId: string) {
  return db.imageBatchItem.findMany({
    where: { jobId, status: { in: ["queued", "running"] } },
    orderBy: { position: "asc" },
    select: { id: true, position: true, fileId: true, name: true },
  });
}

export async function batchCounts(jobId: string) {
  const groups = await db.imageBatchItem.groupBy({
    by: ["status"],
    where: { jobId },
    _count: { _all: true },
  });
  const count = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
  const succeeded = count("succeeded");
  const failed = count("failed");
  const total = groups.reduce((n, g) => n + g._count._all, 0);
  return { total, succeeded, failed, done: succeeded + failed };
}

async function updateProgress(jobId: string): Promise<boolean> {
  const { total, done, failed } = await batchCounts(jobId);
  const note = failed > 0 ? ` · ${failed} failed` : "";
  return reportProgress(jobId, {
    phase: `${done} of ${total} images done${note}`,
    progress: total === 0 ? 100 : Math.floor((done / total) * 100),
  });
}

export async function failItem(itemId: string, message: string): Promise<void> {
  await db.imageBatchItem.updateMany({
    where: { id: itemId, status: { in: ["queued", "running"] } },
    data: { status: "failed", error: message.slice(0, 2000) },
  });
}

/**
 * One image of a batch. A problem with this image (corrupt, not an image, gone, no space) fails
 * the item with its message and returns normally, so the others go on; anything else throws for a
 * retry. Stops without storing when the job was cancelled meanwhile.
 */
export async function processBatchItem(input: {
  jobId: string;
  ownerId: string;
  item: { id: string; fileId: string };
  chain: Chain;
  output: OutputOptions;
  folderId: string;
}): Promise<"succeeded" | "failed" | "cancelled"> {
  const { jobId, item } = input;
  await db.imageBatchItem.updateMany({
    where: { id: item.id, status: { in: ["queued", "running"] } },
    data: { status: "running" },
  });
  let outcome: "succeeded" | "failed" | "cancelled";
  try {
    const result = await processImage({
      ownerId: input.ownerId,
      fileId: item.fileId,
      chain: input.chain,
      output: input.output,
      folderId: input.folderId,
      // Reporting progress doubles as the cancellation check: it refuses a finished job.
      onPhase: async (phase) => (phase === "Saving" ? updateProgress(jobId) : true),
    });
    if (!result) {
      await db.imageBatchItem.updateMany({
        where: { id: item.id, status: "running" },
        data: { status: "queued" },
      });
      outcome = "cancelled";
    } else {
      await db.imageBatchItem.updateMany({
        where: { id: item.id },
        data: { status: "succeeded", resultFileId: result.fileId, error: null },
      });
      outcome = "succeeded";
    }
  } catch (err) {
    // A problem with this image (corrupt, too large…) is its own; anything else is retried.
    if (!(err instanceof UserFacingError)) throw err;
    await failItem(item.id, err.message);
    outcome = "failed";
  }
  if (outcome !== "cancelled") await updateProgress(jobId);
  return outcome;
}
