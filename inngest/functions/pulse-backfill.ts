import { inngest } from "@/lib/events/client";
import { pulseBackfillRequested } from "@/lib/events/events";
import { runBackfill } from "@/lib/pulse/backfill-requests";

// A tracker's historical backfill (lib/pulse/backfill.ts). One step: a retry searches again, and
// the consumer's idempotent store keeps every post once.
export const pulseBackfill = inngest.createFunction(
  { id: "pulse-backfill", retries: 1, triggers: [pulseBackfillRequested] },
  async ({ event, step }) =>
    step.run("search", () => runBackfill(event.data.trackerId, event.data.hours)),
);
