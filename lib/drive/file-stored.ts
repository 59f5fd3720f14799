import "server-only";
import { inngest } from "@/lib/events/client";
import { driveFileStored, driveThumbnailWanted } from "@/lib/events/events";
import { logger } from "@/lib/log/logger";

/**
 * Tells the background functions that a file's content is new (lib/events/events.ts
 * driveFileStored). The upload itself has succeeded whatever happens here: a queue that cannot be
 * reached costs a thumbnail (the grid shows the type icon), never the file.
 */
export async function announceFileStored(ownerId: string, fileId: string): Promise<void> {
  try {
    await inngest.send(driveFileStored.create({ ownerId, fileId }));
  } catch (error) {
    logger.warn("drive: the file-stored event could not be sent", { fileId, error });
  }
}

/** Asks the worker for the thumbnail of a file stored before thumbnails existed. */
export async function announceThumbnailWanted(ownerId: string, fileId: string): Promise<void> {
  try {
    await inngest.send(driveThumbnailWanted.create({ ownerId, fileId }));
  } catch (error) {
    logger.warn("drive: the thumbnail event could not be sent", { fileId, error });
  }
}
