import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { createJob, succeedJob } from "@/lib/jobs/jobs";
import { withinImageJobLimit } from "./job-limit";
import { IMAGE_APPLY_KIND, IMAGE_BATCH_KIND } from "./job-schemas";

// Image applies and batches per user, against the real database: the limit holds across web
// servers and under requests that race.

let alice = "";
let bob = "";
let carol = "";
beforeAll(async () => {
  [alice, bob, carol] = [await makeUser(), await makeUser(), await makeUser()];
});
afterAll(() => removeUsers(alice, bob, carol));
afterEach(() => vi.unstubAllEnvs());

const jobsOf = (ownerId: string) => db.job.count({ where: { ownerId } });

describe("image jobs per user", () => {
  it("refuses a third apply or batch, naming the limit, and records nothing; others go on", async () => {
    await createJob(alice, IMAGE_APPLY_KIND);
    await createJob(alice, IMAGE_BATCH_KIND);
    const refused = await withinImageJobLimit(alice, (tx) =>
      createJob(alice, IMAGE_APPLY_KIND, tx),
    );
    expect(refused).toEqual({
      ok: false,
      message:
        "You already have 2 image applies or batches queued or running (the limit is 2 per user). Wait for one to finish, or cancel one.",
    });
    expect(await jobsOf(alice)).toBe(2);
    const other = await withinImageJobLimit(bob, (tx) => createJob(bob, IMAGE_APPLY_KIND, tx));
    expect(other.ok).toBe(true);
    // A finished job frees its place.
    const first = await db.job.findFirstOrThrow({ where: { ownerId: alice } });
    await succeedJob(first.id);
    expect(
      (await withinImageJobLimit(alice, (tx) => createJob(alice, IMAGE_APPLY_KIND, tx))).ok,
    ).toBe(true);
  });

  it("lets exactly the limit through when many requests race", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        withinImageJobLimit(carol, (tx) => createJob(carol, IMAGE_APPLY_KIND, tx)),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toMatchObject({ message: expect.stringMatching(/\(the limit is 2 per user\)/) });
    }
    expect(await jobsOf(carol)).toBe(2);
  });

  it("takes its limit from STRATUS_LIMIT_IMAGE_JOBS_PER_USER", async () => {
    vi.stubEnv("STRATUS_LIMIT_IMAGE_JOBS_PER_USER", "3");
    const third = await withinImageJobLimit(carol, (tx) => createJob(carol, IMAGE_BATCH_KIND, tx));
    expect(third.ok).toBe(true);
    const fourth = await withinImageJobLimit(carol, (tx) => createJob(carol, IMAGE_BATCH_KIND, tx));
    expect(fourth).toMatchObject({ ok: false });
    expect(!fourth.ok && fourth.message).toMatch(
      /^You already have 3 image applies or batches .*\(the limit is 3 per user\)/,
    );
  });
});
