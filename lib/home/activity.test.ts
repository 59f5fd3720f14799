import { afterAll, describe, expect, it } from "vitest";
import { makeFile, makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { createJob, startJob, succeedJob } from "@/lib/jobs/jobs";
import { trackerFormSchema } from "@/lib/pulse/schemas";
import { createTracker } from "@/lib/pulse/trackers";
import { recentActivity, RECENT } from "./activity";

const users: string[] = [];
afterAll(() => removeUsers(...users));

async function tracker(ownerId: string, name: string) {
  const input = trackerFormSchema.parse({
    name,
    keywords: "launch",
    hashtags: "",
    languages: "",
    sources: ["jetstream"],
    scorer: "model",
  });
  const made = await createTracker(ownerId, input);
  if (!made.ok) throw new Error(made.message);
}

describe("recent activity on the home page", () => {
  it("is empty for a new user", async () => {
    const id = await makeUser();
    users.push(id);
    expect(await recentActivity(id)).toEqual({ files: [], jobs: [], runningJobs: 0, trackers: [] });
  });

  it("lists the user's newest files, running jobs first, and trackers; never another user's", async () => {
    const me = await makeUser();
    const other = await makeUser();
    users.push(me, other);
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < RECENT.files + 2; i++) {
      await makeFile(me, `file-${i}.txt`, null, {
        object: false,
        updatedAt: new Date(t0 + i * 1000),
      });
    }
    await makeFile(other, "theirs.txt", null, { object: false });
    const done = await createJob(me, "image.apply");
    await startJob(done.id);
    await succeedJob(done.id, undefined, "Saved");
    const running = await createJob(me, "image.batch");
    await startJob(running.id, { phase: "1 of 4 images done", progress: 25 });
    await createJob(other, "image.batch");
    await tracker(me, "Mine");
    await tracker(other, "Theirs");

    const activity = await recentActivity(me);
    expect(activity.files.map((f) => f.name)).toEqual(
      Array.from({ length: RECENT.files }, (_, i) => `file-${RECENT.files + 1 - i}.txt`),
    );
    expect(activity.jobs.map((j) => [j.id, j.status, j.href])).toEqual([
      [running.id, "running", `/images/batches/${running.id}`],
      [done.id, "succeeded", "/images"],
    ]);
    expect(activity.runningJobs).toBe(1);
    expect(activity.trackers.map((t) => t.name)).toEqual(["Mine"]);
  });
});
