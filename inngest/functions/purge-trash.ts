import { inngest } from "@/lib/events/client";
import { driveConfig } from "@/lib/drive/config";
import { purgeTrashOlderThan } from "@/lib/drive/trash";

// Trash retention: once a day, everything trashed longer ago than DRIVE_TRASH_RETENTION_DAYS goes
// (objects and rows). Purging what is already gone does nothing, so a retried or doubled run is
// harmless.
export const purgeTrash = inngest.createFunction(
  { id: "purge-trash", retries: 3, triggers: [{ cron: "0 3 * * *" }] },
  async ({ step }) =>
    step.run("purge", () => purgeTrashOlderThan(driveConfig().DRIVE_TRASH_RETENTION_DAYS)),
);
