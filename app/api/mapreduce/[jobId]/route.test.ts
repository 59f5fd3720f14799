import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { createMapReduceJob } from "@/lib/mapreduce/store";
import { NO_PROGRAMS } from "@/lib/mapreduce/records";
import { GET } from "./route";
import { GET as getLog } from "./tasks/[taskId]/log/route";
import { session } from "@/lib/auth/testing/session-stub";

// The job page's data and a task's log over the real database; only the session is stubbed.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const users: string[] = [];
async function newUser(): Promise<string> {
  const user = await db.user.create({
    data: { email: `mr-${randomUUID().slice(0, 12)}@jobs.test`, name: "M", passwordHash: "x" },
  });
  users.push(user.id);
  return user.id;
}
afterAll(() => db.user.deleteMany({ where: { id: { in: users } } }));
beforeEach(() => {
  session.user = null;
});

const get = (jobId: string) =>
  GET(new Request(`http://app.test/api/mapreduce/${jobId}`), {
    params: Promise.resolve({ jobId }),
  });
const log = (jobId: string, taskId: string) =>
  getLog(new Request(`http://app.test/x`), { params: Promise.resolve({ jobId, taskId }) });

async function jobOf(owner: string) {
  const made = await createMapReduceJob(
    owner,
    {
      name: "Words",
      spec: { kind: "word-count" },
      options: { reducers: 2, combiner: "reducer", taskTimeoutSeconds: 600 },
      inputs: [{ fileId: "f".repeat(25), name: "a.txt", size: 10, side: "left" }],
      programs: NO_PROGRAMS,
      target: "local",
    },
    10,
  );
  if (!made.ok) throw new Error("the job was not recorded");
  const { jobId } = made;
  await db.mapReduceTask.create({
    data: { jobId, taskId: "m-00000", kind: "map", log: "mapper says hi\n", state: "running" },
  });
  return jobId;
}

describe("GET /api/mapreduce/[jobId]", () => {
  it("answers 401 without a session", async () => {
    expect((await get("c".repeat(25))).status).toBe(401);
    expect((await log("c".repeat(25), "m-00000")).status).toBe(401);
  });

  it("shows the owner the job with its tasks, and nobody else", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const jobId = await jobOf(alice);

    session.user = { id: alice };
    const res = await get(jobId);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const { view } = (await res.json()) as { view: Record<string, unknown> };
    expect(view).toMatchObject({
      name: "Words",
      job: { id: jobId, kind: "mapreduce", status: "queued" },
      map: { total: 1, running: 1, done: 0 },
      tasks: [{ taskId: "m-00000", state: "running" }],
      preview: null,
    });
    const text = await log(jobId, "m-00000");
    expect(text.status).toBe(200);
    expect(text.headers.get("content-type")).toContain("text/plain");
    expect(await text.text()).toBe("mapper says hi\n");

    session.user = { id: bob };
    expect((await get(jobId)).status).toBe(404);
    expect((await log(jobId, "m-00000")).status).toBe(404);
    expect((await get("not a job id")).status).toBe(404);
    expect((await log(jobId, "../etc")).status).toBe(404);
  });
});
