import sharp from "sharp";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import {
  countFolderRows,
  deleteDriveRows,
  findFileRow,
  makeUser,
  removeUsers,
} from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testClient, testKeys } from "@/lib/executor/testing/harness";
import { defaultStep } from "@/lib/images/catalog";
import {
  putImage,
  readObject,
  studioFiles,
  testJpeg,
  waitForJob,
} from "@/lib/images/testing/fixtures";
import * as pipeline from "@/lib/images/pipeline";
import { createJob, markJobCancelled } from "@/lib/jobs/jobs";

// Apply through the real local executor and the real store: the function reads the original,
// renders it at full resolution and writes the result into the owner's Drive.

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { applyImageChain } = await import("./apply-image-chain");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
let alice = "";
let bob = "";
beforeAll(async () => {
  await resetExecutorTables();
  rig = await startAppExecutor(inngest, [applyImageChain], keys, undefined, { backoffBaseMs: 20 });
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(async () => {
  await rig?.stop();
  await removeUsers(alice, bob);
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  // Each test starts with an empty Image Studio folder.
  await deleteDriveRows([alice, bob]);
});
afterEach(() => undefined);

const chain = () => [
  defaultStep("resize", { width: 200, height: null, fit: "inside" }),
  defaultStep("flop"),
  defaultStep("grayscale"),
];
const output = { format: "png" as const, quality: 80, keepMetadata: false };

async function send(data: Record<string, unknown>) {
  await testClient(keys, rig.eventPort).send({ name: "stratus/image.apply", data });
}

async function runsOf() {
  return (await rig.executor.db.query(
    "SELECT status, attempt, error FROM ExecRun WHERE functionId = 'stratus-apply-image-chain' ORDER BY createdAt",
  )) as { status: string; attempt: number; error: string | null }[];
}

describe("apply-image-chain", () => {
  it("never writes an internal error's text into the job, only a message with the request id", async () => {
    // The fault stands for a bug deep inside the render: nothing real fails on demand.
    const secret = "ENOSPC: /var/lib/stratus/tmp/vips-3.v (pw hunter2)";
    const spy = vi.spyOn(pipeline, "renderChain").mockRejectedValue(new Error(secret));
    try {
      const file = await putImage(alice, "photo.jpg", await testJpeg(40, 30));
      const job = await createJob(alice, "image.apply");
      const requestId = `req-apply-${job.id.slice(-8)}`;
      await send({
        jobId: job.id,
        userId: alice,
        fileId: file.id,
        chain: chain(),
        output,
        requestId,
      });
      const done = await waitForJob(job.id);
      expect(done.status).toBe("failed");
      expect(done.error).toBe(
        `The image could not be processed because of a server problem. Your original is unchanged; try again in a moment. (Request id: ${requestId}.)`,
      );
      expect(done.error).not.toMatch(/hunter2|ENOSPC|vips/);
    } finally {
      spy.mockRestore();
    }
  });

  it("renders the original at full resolution into the Image Studio folder", async () => {
    const original = await testJpeg(400, 300);
    const file = await putImage(alice, "photo.jpg", original);
    const job = await createJob(alice, "image.apply");
    await send({ jobId: job.id, userId: alice, fileId: file.id, chain: chain(), output });

    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: "succeeded", progress: 100, error: null });
    expect(done.phase).toContain("photo (edited).png");

    const [result] = await studioFiles(alice);
    expect(result).toMatchObject({ name: "photo (edited).png", contentType: "image/png" });
    expect(done.resultRef).toBe(result?.id);
    const bytes = await readObject(result!.storageKey);
    expect(Number(result!.size)).toBe(bytes.byteLength);

    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([200, 150]);
    // Grayscale: every pixel's channels are equal (sampled along the first row).
    for (let x = 0; x < info.width; x += 17) {
      const i = x * info.channels;
      if (info.channels >= 3) {
        expect(data[i]).toBe(data[i + 1]);
        expect(data[i + 1]).toBe(data[i + 2]);
      }
    }
    // Flopped: the dark red block of the top-left corner is now in the top-right one.
    const row = 10 * info.width * info.channels;
    const topRight = data[row + (info.width - 10) * info.channels]!;
    const topLeft = data[row + 10 * info.channels]!;
    expect(topRight).toBeLessThan(topLeft - 50);

    // The original is untouched.
    expect((await readObject(file.storageKey)).equals(original)).toBe(true);
    expect(await findFileRow(file.id)).toMatchObject({
      name: "photo.jpg",
      trashedAt: null,
    });
  });

  it("numbers a second result instead of overwriting the first", async () => {
    const file = await putImage(alice, "photo.jpg", await testJpeg(120, 90));
    for (let i = 0; i < 2; i++) {
      const job = await createJob(alice, "image.apply");
      await send({ jobId: job.id, userId: alice, fileId: file.id, chain: chain(), output });
      expect(await waitForJob(job.id)).toMatchObject({ status: "succeeded" });
    }
    expect((await studioFiles(alice)).map((f) => f.name)).toEqual([
      "photo (edited) (1).png",
      "photo (edited).png",
    ]);
    expect(await countFolderRows({ ownerId: alice, name: "Image Studio" })).toBe(1);
  });

  it("fails a corrupt image with a clear message, without retries, leaving the original", async () => {
    const garbage = Buffer.from("this is not a JPEG at all, just some text pretending to be one");
    const file = await putImage(alice, "broken.jpg", garbage);
    const job = await createJob(alice, "image.apply");
    await send({ jobId: job.id, userId: alice, fileId: file.id, chain: chain(), output });

    const done = await waitForJob(job.id);
    expect(done.status).toBe("failed");
    expect(done.error).toBeTruthy();
    expect(done.error).not.toMatch(/vips|sharp|Error:|stack/i);
    expect(await studioFiles(alice)).toEqual([]);
    expect((await readObject(file.storageKey)).equals(garbage)).toBe(true);

    // The run failed once: no retry of a file that cannot get better.
    const deadline = Date.now() + 10_000;
    let runs = await runsOf();
    while (runs.at(-1)?.status !== "failed" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      runs = await runsOf();
    }
    expect(runs.at(-1)?.status).toBe("failed");
    const steps = (await rig.executor.db.query(
      "SELECT s.name, s.attempt FROM ExecStep s JOIN ExecRun r ON r.id = s.runId WHERE r.functionId = 'stratus-apply-image-chain' AND s.name = 'apply' ORDER BY r.createdAt DESC LIMIT 1",
    )) as { name: string; attempt: number }[];
    expect(steps[0]?.attempt).toBe(0);
  });

  it("never reads another user's image", async () => {
    const file = await putImage(alice, "private.jpg", await testJpeg(80, 60));
    const job = await createJob(bob, "image.apply");
    await send({ jobId: job.id, userId: bob, fileId: file.id, chain: chain(), output });
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({
      status: "failed",
      error: "The image no longer exists or is in the trash.",
    });
    expect(await studioFiles(bob)).toEqual([]);
    expect(await studioFiles(alice)).toEqual([]);
  });

  it("writes nothing for a job cancelled before it ran", async () => {
    const file = await putImage(alice, "photo.jpg", await testJpeg(80, 60));
    const job = await createJob(alice, "image.apply");
    expect(await markJobCancelled(alice, job.id)).toBe(true);
    await send({ jobId: job.id, userId: alice, fileId: file.id, chain: chain(), output });
    const deadline = Date.now() + 10_000;
    let runs = await runsOf();
    while (runs.at(-1)?.status !== "completed" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      runs = await runsOf();
    }
    expect(runs.at(-1)?.status).toBe("completed");
    expect(await db.job.findUnique({ where: { id: job.id } })).toMatchObject({
      status: "cancelled",
    });
    expect(await studioFiles(alice)).toEqual([]);
  });

  it("refuses an invalid chain in the event and fails the job", async () => {
    const file = await putImage(alice, "photo.jpg", await testJpeg(80, 60));
    const job = await createJob(alice, "image.apply");
    await send({
      jobId: job.id,
      userId: alice,
      fileId: file.id,
      chain: [{ id: "x", enabled: true, kind: "blur", sigma: 5000 }],
      output,
    });
    expect(await waitForJob(job.id)).toMatchObject({ status: "failed" });
    expect(await studioFiles(alice)).toEqual([]);
  });
});
