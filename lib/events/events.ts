import { eventType } from "inngest";
import { z } from "zod";
import { EmailMessage } from "@/lib/email/schemas";
import { ImageApplyEvent, ImageBatchEvent } from "@/lib/images/job-schemas";
import { MapReduceRunEvent } from "@/lib/mapreduce/event-schemas";
import { PulsePostsEvent } from "@/lib/pulse/event-schemas";

// Every event Stratus sends, with the schema the SDK validates it against before a function runs.

export const emailRequested = eventType("stratus/email.send", { schema: EmailMessage });

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

// Drive search: bring the owner's full-text index up to date (new, changed and unread files).
export const searchIndexRequested = eventType("stratus/drive.search.index", {
  schema: z.object({ ownerId: z.string().min(1).max(30) }),
});
