import { inngest } from "@/lib/events/client";
import { prunePosts } from "@/lib/pulse/prune";

// Pulse retention, hourly: raw posts past their tracker's retentionDays or beyond its
// retentionMaxPosts (lib/pulse/prune.ts). Pruning twice prunes nothing more, so retries are safe.
export const pulsePrune = inngest.createFunction(
  { id: "pulse-prune", retries: 3, triggers: [{ cron: "23 * * * *" }] },
  async ({ step }) => step.run("prune", () => prunePosts()),
);
