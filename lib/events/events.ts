import { eventType } from "inngest";
import { z } from "zod";
import { EmailMessage } from "@/lib/email/schemas";
import { ImageApplyEvent, ImageBatchEvent } from "@/lib/images/job-schemas";
import { MapReduceRunEvent } from "@/lib/mapreduce/event-schemas";
import { PulsePostsEvent } from "@/lib/pulse/event-schemas";

// Every event Stratus sends, with the schema the SDK validates it against before a function runs.

export const emailRequested = eventType("stratus/email.send", { schema: EmailMessage });

// "Forgot password": sent for every accepted request, whether or not the address has an account,
// so that the request does the same work either way; the lookup, the link and the mail happen in
// the function (lib/accounts/password-reset.ts).
export const passwordResetRequested = eventType("stratus/account.password-reset", {
  schema: z.object({ email: z.string().min(1).max(254), requestedAt: z.iso.datetime() }),
});

// Sent when a user cancels a job; functions that run jobs list it in cancelOn, matched by jobId.
export const jobCancelRequested = eventType("stratus/job.cancel", {
  schema: z.object({ jobId: z.string().min(1).max(30) }),
});

// The Trash page's "Empty trash": a job, since a big trash means thousands of object deletions.
export const trashEmptyRequested = eventType("stratus/drive.trash.empty", {
  schema: z.object({ jobId: z.string().min(1).max(30), ownerId: z.string().min(1).max(30) }),
});

// Image Studio's Apply: one image through a chain at full resolution, the result into the Drive.
export const imageApplyRequested = eventType("stratus/image.apply", { schema: ImageApplyEvent });

// Image Studio's batch: a preset over many images (the job's ImageBatchItem rows list them).
export const imageBatchRequested = eventType("stratus/image.batch", { schema: ImageBatchEvent });

// MapReduce: run a job recorded by the new-job form (its MapReduceJob row says what to run).
export const mapReduceRequested = eventType("stratus/mapreduce.run", { schema: MapReduceRunEvent });

// Pulse: one tracker's matched posts from the listener (scripts/listener.ts), for the consumer.
export const pulsePostsReceived = eventType("stratus/pulse.posts", { schema: PulsePostsEvent });

// Drive: a file's content was stored (a new upload, or a new version of a file). Generic on
// purpose: the grid thumbnails (inngest/functions/make-thumbnail.ts) and any index kept up to date
// on upload listen to it; they read the file's current row, so a late or doubled event is harmless.
export const driveFileStored = eventType("stratus/drive.file.stored", {
  schema: z.object({ ownerId: z.string().min(1).max(30), fileId: z.string().min(1).max(30) }),
});

// Drive: the grid showed an image with no thumbnail (stored before thumbnails existed): make it.
export const driveThumbnailWanted = eventType("stratus/drive.thumbnail.wanted", {
  schema: z.object({ ownerId: z.string().min(1).max(30), fileId: z.string().min(1).max(30) }),
});

// Pulse: search a tracker's sources for the posts of the last `hours` (lib/pulse/backfill.ts).
export const pulseBackfillRequested = eventType("stratus/pulse.backfill", {
  schema: z.object({
    trackerId: z.string().min(1).max(30),
    hours: z.number().int().min(1).max(168),
  }),
});

// Drive search: bring the owner's full-text index up to date (new, changed and unread files).
export const searchIndexRequested = eventType("stratus/drive.search.index", {
  schema: z.object({ ownerId: z.string().min(1).max(30) }),
});
