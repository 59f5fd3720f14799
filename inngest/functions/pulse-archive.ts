import { inngest } from "@/lib/events/client";
import { archiveAll } from "@/lib/pulse/archive";
import { enforcePostCaps } from "@/lib/pulse/caps";

// The raw-post archive (lib/pulse/archive.ts), every 15 minutes: each tracker's closed hours go to
// its owner's Drive as .ndjson.gz. An archived hour is recorded with its file, so reruns and
// retries add nothing; one run catches up on every hour missed while the worker was down.
// Then the post caps (lib/pulse/caps.ts), which may delete only what is archived: right after
// the archive, the most posts are eligible.
export const pulseArchive = inngest.createFunction(
  { id: "pulse-archive", retries: 3, triggers: [{ cron: "*/15 * * * *" }] },
  async ({ step }) => {
    const archived = await step.run("archive", () => archiveAll());
    const caps = await step.run("caps", () => enforcePostCaps());
    return { archived, caps };
  },
);
