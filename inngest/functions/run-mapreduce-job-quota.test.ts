import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { countFileRows, folderRows, makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";
import { putImage, waitForJob } from "@/lib/images/testing/fixtures";
import { userPrefix } from "@/lib/storage/keys";
import { listPrefix } from "@/lib/storage/objects";

// A job's results count against its owner's Drive quota, all of them: nothing is stored outside
// the Drive (the results zip used to be), and a job whose results do not fit fails saying so,
// leaving the owner's Drive and store as they were.

const QUOTA = 2400;
const keys = testKeys();
const eventPort = await stubAppClientEnv(keys);
vi.stubEnv("DRIVE_QUOTA_BYTES", String(QUOTA));
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-quota-${process.pid}`);
const { inngest } = await import("@/lib/events/client");
const { runMapReduceJob } = await import("./run-mapreduce-job");
const { recipeFromInput, startMapReduceJob } = await import("@/lib/mapreduce/submit");
const { getMapReduceJob } = await import("@/lib/mapreduce/store");
const outputs = await import("@/lib/mapreduce/outputs");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
const users: string[] = [];
beforeAll(async () => {
  await resetExecutorTables();
  rig = await startAppExecutor(inngest, [runMapReduceJob], keys, eventPort, {
    backoffBaseMs: 20,
  });
});
afterAll(async () => {
  await rig?.stop();
  await removeUsers(...users);
  vi.unstubAllEnvs();
});

/** 200 distinct words (1,200 bytes): word count's results (~1,600 bytes) outgrow the input. */
const distinctWords = Array.from({ length: 200 }, (_, i) => `w${String(i).padStart(4, "0")}`)
  .join(" ")
  .concat("\n");

async function wordCount(owner: string, body: string) {
  const input = await putImage(owner, "words.txt", Buffer.from(body), "text/plain");
  const r = await recipeFromInput(owner, {
    name: "Too big",
    kind: "word-count",
    inputs: [input.id],
    reducers: "2",
  });
  if (!r.ok) throw new Error(`form refused: ${JSON.stringify(r.errors)}`);
  const started = await startMapReduceJob(owner, r.recipe);
  return { jobId: started.jobId!, input };
}

/** What the owner has: file rows, folders and stored objects. */
async function holdings(owner: string) {
  const objects: string[] = [];
  for await (const o of listPrefix(userPrefix(owner))) objects.push(o.key);
  return {
    files: await countFileRows({ ownerId: owner }),
    folders: (await folderRows({ ownerId: owner })).map((f) => f.name),
    objects: objects.length,
  };
}

async function newUser() {
  const id = await makeUser();
  users.push(id);
  return id;
}

describe("run-mapreduce-job: results and the quota", () => {
  it("stores only the part files, in the Drive: no zip beside them", async () => {
    const owner = await newUser();
    const { jobId } = await wordCount(owner, "a b a\nc a b\n");
    const done = await waitForJob(jobId, 60_000);
    expect(done.error).toBeNull();
    const job = await getMapReduceJob(owner, jobId);
    expect(job!.outputs).toHaveLength(2);
    expect(job!.zipKey).toBeNull();
    // The input and the two parts: every stored object is a Drive file, counted in the quota.
    expect(await holdings(owner)).toMatchObject({ files: 3, objects: 3 });
  });

  it("fails a job whose results do not fit, naming the quota, and stores nothing", async () => {
    const owner = await newUser();
    const { jobId } = await wordCount(owner, distinctWords);
    const before = await holdings(owner);
    const done = await waitForJob(jobId, 60_000);
    expect(done.status).toBe("failed");
    expect(done.error).toBe(
      "The results (1.56 KB in 2 files) do not fit in your Drive: only 1.17 KB of your 2.34 KB quota is left. Nothing was saved. Delete files or empty the trash, then run the job again.",
    );
    expect(await holdings(owner)).toEqual(before);
    expect(before).toEqual({ files: 1, folders: [], objects: 1 });
  });

  it("removes the parts it stored when the room runs out part-way (another upload took it)", async () => {
    const owner = await newUser();
    // The check passed a moment before another upload took the room: here it is skipped.
    const spy = vi.spyOn(outputs, "checkResultsFit").mockResolvedValue(undefined);
    try {
      const { jobId } = await wordCount(owner, distinctWords);
      const done = await waitForJob(jobId, 60_000);
      expect(done.status).toBe("failed");
      expect(done.error).toBe(
        "Not enough space in your Drive to save the result “part-00001” (800 bytes): only 400 bytes of your 2.34 KB quota is left. Nothing was saved. Delete files or empty the trash, then run the job again.",
      );
    } finally {
      spy.mockRestore();
    }
    // The part that fitted was stored, then removed with the job's folder.
    expect(await holdings(owner)).toEqual({ files: 1, folders: ["MapReduce"], objects: 1 });
  });
});
