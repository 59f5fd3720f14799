import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  countFileRows,
  makeFolder,
  makeUser,
  removeUsers,
  seedFileRow,
} from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testClient, testKeys } from "@/lib/executor/testing/harness";
import * as batch from "@/lib/images/batch";
import { createBatch, listBatchItems, resolveSelection } from "@/lib/images/batch";
import * as results from "@/lib/images/results";
import { defaultStep } from "@/lib/images/catalog";
import {
  putImage,
  readObject,
  studioFiles,
  testJpeg,
  waitForJob,
} from "@/lib/images/testing/fixtures";

// A batch through the real local executor: five images, one of them corrupt. The corrupt one is
// reported by name and the other four are saved.

const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { applyImageBatch } = await import("./apply-image-batch");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
let alice = "";
let bob = "";
beforeAll(async () => {
  await resetExecutorTables();
  rig = await startAppExecutor(inngest, [applyImageBatch], keys, undefined, { backoffBaseMs: 20 });
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(async () => {
  await rig?.stop();
  await removeUsers(alice, bob);
  vi.unstubAllEnvs();
});

const chain = [
  defaultStep("resize", { width: 64, height: null, fit: "inside" }),
  defaultStep("sepia"),
];
const output = { format: "webp" as const, quality: 70, keepMetadata: false };

describe("apply-image-batch", () => {
  it("never writes an internal error's text into the job or an item, only the request id", async () => {
    // The faults stand for outages inside steps: nothing real fails on demand.
    const image = await putImage(alice, "one.jpg", await testJpeg(40, 30));
    const send = async (jobId: string, requestId: string) =>
      testClient(keys, rig.eventPort).send({
        name: "stratus/image.batch",
        data: { jobId, userId: alice, chain, output, requestId },
      });

    // An image whose step keeps failing: the item says so, without the internal text.
    const itemSpy = vi
      .spyOn(batch, "processBatchItem")
      .mockRejectedValue(new Error("Deadlock found when trying to get lock (pw hunter2)"));
    try {
      const job = await createBatch(alice, [{ id: image.id, name: image.name }]);
      const requestId = `req-item-${job.id.slice(-8)}`;
      await send(job.id, requestId);
      const done = await waitForJob(job.id);
      expect(done.status).toBe("failed");
      const [item] = (await listBatchItems(alice, job.id)) ?? [];
      expect(item?.error).toBe(
        `A server problem stopped this image. The original is unchanged. (Request id: ${requestId}.)`,
      );
      expect(`${done.error} ${item?.error}`).not.toMatch(/hunter2|Deadlock/);
    } finally {
      itemSpy.mockRestore();
    }

    // The batch itself failing (here before any image): the job's onFailure writes the message.
    const startSpy = vi
      .spyOn(results, "studioFolder")
      .mockRejectedValue(new Error("connect ECONNREFUSED 10.9.9.9:3306 (pw hunter2)"));
    try {
      const job = await createBatch(alice, [{ id: image.id, name: image.name }]);
      const requestId = `req-batch-${job.id.slice(-8)}`;
      await send(job.id, requestId);
      const done = await waitForJob(job.id);
      expect(done.status).toBe("failed");
      expect(done.error).toBe(
        `The batch stopped because of a server problem. Images already saved are in Image Studio. (Request id: ${requestId}.)`,
      );
    } finally {
      startSpy.mockRestore();
    }
  });

  it("processes every image, reports the corrupt one by name and saves the rest", async () => {
    const folder = await makeFolder(alice, "Holiday");
    const names = ["beach.jpg", "dunes.jpg", "harbour.jpg", "sunset.jpg"];
    const good = [];
    for (const [i, name] of names.entries()) {
      good.push(
        await putImage(alice, name, await testJpeg(160 + i * 10, 120), "image/jpeg", folder.id),
      );
    }
    const corrupt = await putImage(
      alice,
      "corrupt.png",
      Buffer.from("\x89PNG\r\n\x1a\n but then nothing that makes sense"),
      "image/png",
      folder.id,
    );
    // Not an image: a folder's other files are left out.
    await seedFileRow(alice, {
      folderId: folder.id,
      name: "notes.txt",
      size: 5,
      storageKey: `users/${alice}/not-read`,
    });

    const selection = await resolveSelection(alice, [{ kind: "folder", id: folder.id }]);
    expect(selection.images.map((i) => i.name).sort()).toEqual([...names, "corrupt.png"].sort());
    const job = await createBatch(alice, selection.images);
    await testClient(keys, rig.eventPort).send({
      name: "stratus/image.batch",
      data: { jobId: job.id, userId: alice, chain, output },
    });

    const done = await waitForJob(job.id, 60_000);
    expect(done).toMatchObject({
      status: "succeeded",
      progress: 100,
      resultRef: expect.any(String),
    });
    expect(done.phase).toBe("4 of 5 images saved in Image Studio, 1 failed");

    const items = await listBatchItems(alice, job.id);
    expect(items).toHaveLength(5);
    const failed = items!.filter((i) => i.status === "failed");
    expect(failed.map((i) => i.name)).toEqual(["corrupt.png"]);
    expect(failed[0]?.error).toBeTruthy();
    const saved = items!.filter((i) => i.status === "succeeded");
    expect(saved).toHaveLength(4);
    expect(saved.every((i) => i.resultFileId)).toBe(true);

    const results = await studioFiles(alice);
    expect(results.map((f) => f.name)).toEqual([
      "beach (edited).webp",
      "dunes (edited).webp",
      "harbour (edited).webp",
      "sunset (edited).webp",
    ]);
    for (const file of results) {
      const meta = await sharp(await readObject(file.storageKey)).metadata();
      expect(meta).toMatchObject({ format: "webp", width: 64 });
    }
    expect(done.resultRef).toBe(results[0]?.folderId);
    // Originals untouched.
    expect((await readObject(good[0]!.storageKey)).equals(await testJpeg(160, 120))).toBe(true);
    expect(await countFileRows({ ids: [corrupt.id], trashed: false })).toBe(1);

    // The batch and its items are the owner's only.
    expect(await listBatchItems(bob, job.id)).toBeNull();
  });

  it("fails the job when no image could be processed", async () => {
    const broken = await putImage(alice, "only.jpg", Buffer.from("nope"), "image/jpeg");
    const job = await createBatch(alice, [{ id: broken.id, name: broken.name }]);
    await testClient(keys, rig.eventPort).send({
      name: "stratus/image.batch",
      data: { jobId: job.id, userId: alice, chain, output },
    });
    const done = await waitForJob(job.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/could not be processed/);
    const items = await listBatchItems(alice, job.id);
    expect(items?.[0]).toMatchObject({ name: "only.jpg", status: "failed" });
  });

  it("leaves out what is not an image, trashed or someone else's", async () => {
    const mine = await putImage(alice, "mine.jpg", await testJpeg(40, 30));
    const theirs = await putImage(bob, "theirs.jpg", await testJpeg(40, 30));
    const text = await seedFileRow(alice, {
      name: "readme.txt",
      size: 1,
      storageKey: `users/${alice}/readme`,
    });
    const result = await resolveSelection(alice, [
      { kind: "file", id: mine.id },
      { kind: "file", id: theirs.id },
      { kind: "file", id: text.id },
    ]);
    expect(result.images.map((i) => i.name)).toEqual(["mine.jpg"]);
    expect(result).toMatchObject({ skipped: 1, missing: 1 });
  });
});
