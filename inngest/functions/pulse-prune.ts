import { inngest } from "@/lib/events/client";
import { sweepInbox } from "@/lib/pulse/inbox";
import { prunePosts } from "@/lib/pulse/prune";

// Pulse retention, hourly: raw posts past their tracker's retentionDays or beyond its
// retentionMaxPosts (lib/pulse/prune.ts), and staged listener batches whose event never went out
// (lib/pulse/inbox.ts). Pruning twice prunes nothing more, so retries are safe.
export const pulsePrune = inngest.createFunction(
  { id: "pulse-prune", retries: 3, triggers: [{ cron: "23 * * * *" }] },
  async ({ step }) => {
    const pruned = await step.run("prune", () => prunePosts());
    const staged = await step.run("sweep the inbox", () => sweepInbox());
    return { ...pruned, staged };
  },
);
