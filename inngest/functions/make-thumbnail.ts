import { inngest } from "@/lib/events/client";
import { driveFileStored, driveThumbnailWanted } from "@/lib/events/events";
import { makeThumbnail } from "@/lib/drive/thumbnails";

// The grid view's thumbnail of a newly stored image, or of an older one the grid asked for
// (lib/drive/thumbnails.ts). Making it twice is
// harmless (the second run finds it made), so retries and doubled events need nothing special.
export const makeThumbnailFn = inngest.createFunction(
  {
    id: "make-thumbnail",
    retries: 2,
    // Decoding is memory-hungry; a couple at once per worker is plenty for thumbnails.
    concurrency: { limit: 2 },
    triggers: [driveFileStored, driveThumbnailWanted],
  },
  async ({ event, step }) =>
    step.run("thumbnail", () => makeThumbnail(event.data.ownerId, event.data.fileId)),
);
