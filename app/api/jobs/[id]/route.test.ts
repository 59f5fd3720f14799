import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { createJob, startJob } from "@/lib/jobs/jobs";
import { GET } from "./route";
import { session } from "@/lib/auth/testing/session-stub";

// The handler over the real database; only the session is stubbed.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const users: string[] = [];
async function newUser(): Promise<string> {
  const user = await db.user.create({
    data: { email: `jr-${randomUUID().slice(0, 12)}@jobs.test`, name: "J", passwordHash: "x" },
  });
  users.push(user.id);
  return user.id;
}
afterAll(() => db.user.deleteMany({ where: { id: { in: users } } }));
beforeEach(() => {
  session.user = null;
});

const get = (id: string) =>
  GET(new Request(`http://app.test/api/jobs/${id}`), { params: Promise.resolve({ id }) });

describe("GET /api/jobs/[id]", () => {
  it("answers 401 without a session", async () => {
    const res = await get("c".repeat(25));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Your session has ended. Sign in again." });
  });

  it("shows owners their job, and nobody else's", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const job = await createJob(alice, "drive.empty-trash");
    await startJob(job.id, { phase: "Deleting", progress: 40 });

    session.user = { id: alice };
    const res = await get(job.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.json()).toEqual({
      job: expect.objectContaining({
        id: job.id,
        kind: "drive.empty-trash",
        status: "running",
        phase: "Deleting",
        progress: 40,
        error: null,
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        finishedAt: null,
      }),
    });

    session.user = { id: bob };
    for (const id of [job.id, "x".repeat(40), "nope"]) {
      const other = await get(id);
      expect(other.status).toBe(404);
      expect(await other.json()).toEqual({ message: "This job does not exist." });
    }
  });
});
