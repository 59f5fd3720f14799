import { inngest } from "@/lib/events/client";
import { pulsePostsReceived } from "@/lib/events/events";
import { storeBatch, storeStaged } from "@/lib/pulse/consume";

// Pulse's consumer: one listener batch → scored posts and per-minute aggregates, in one
// transaction (lib/pulse/consume.ts). The listener stages its batches (lib/pulse/inbox.ts), so its
// events carry a reference; events with the posts inline are stored as they are. Storing is idempotent, so retries and replayed events are
// safe; a failed transaction leaves nothing behind for the retry to trip over.
export const pulseConsume = inngest.createFunction(
  { id: "pulse-consume", retries: 5, triggers: [pulsePostsReceived] },
  async ({ event, step }) =>
    step.run("store", () =>
      "inbox" in event.data
        ? storeStaged(event.data.inbox, event.data.count)
        : storeBatch(event.data.trackerId, event.data.posts),
    ),
);
