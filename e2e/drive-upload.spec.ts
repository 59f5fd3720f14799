import type { Route } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { gotoWithScriptsHeld } from "./support/hydration";
import {
  dropFiles,
  fileRows,
  fillDrive,
  isStorePut,
  MiB,
  multipartExists,
  objectExists,
  partNumberOf,
  tempFiles,
  throttleUploads,
  uploadRows,
} from "./support/uploads";

// Uploads through the real UI, the real app server and the real store. Large files go in 16 MiB
// parts (DRIVE_PART_SIZE_BYTES), four at a time.

const files = tempFiles();
test.afterAll(() => files.cleanUp());

const panel = (page: import("@playwright/test").Page) => page.getByTestId("upload-panel");
const items = (page: import("@playwright/test").Page) => page.getByTestId("upload-item");

test("drag and drop of several files at once, with visible progress", async ({
  page,
  signedIn,
}) => {
  const paths = [
    files.make("drop-photo.jpg", 3 * MiB),
    files.make("drop-notes.txt", 40_000),
    files.make("drop-slides.pdf", 2 * MiB),
  ];
  await page.goto("/drive");
  // Slow enough to watch the bars move, fast enough for the test.
  await throttleUploads(page, 1 * MiB);

  await dropFiles(page, '[data-testid="upload-drop-zone"]', paths);
  await expect(page.getByTestId("drop-overlay")).toBeVisible();
  await expect(page.getByTestId("drop-overlay")).toContainText("Drop files to upload them here");
  await page.evaluate(() => (window as unknown as { e2eDrop: () => void }).e2eDrop());
  await expect(page.getByTestId("drop-overlay")).toBeHidden();

  await expect(items(page)).toHaveCount(3);
  await expect(panel(page)).toContainText("Uploading 3 files");
  // Progress is shown while the bytes travel: the overall bar strictly between 0 and 100 %.
  const overall = page.getByRole("progressbar", { name: "Overall upload progress" });
  await expect
    .poll(
      async () => {
        const value = Number(await overall.getAttribute("aria-valuenow"));
        return value > 0 && value < 100;
      },
      { timeout: 20_000, intervals: [100] },
    )
    .toBe(true);
  await expect(panel(page).getByText(/\d+% · .* of 3 MB · .*\/s/)).toBeVisible();

  await expect(panel(page)).toContainText("3 files uploaded", { timeout: 30_000 });
  await expect(overall).toHaveAttribute("aria-valuenow", "100");
  // The listing refreshed by itself.
  const table = page.getByRole("table");
  for (const name of ["drop-photo.jpg", "drop-notes.txt", "drop-slides.pdf"]) {
    await expect(table.getByText(name, { exact: true })).toBeVisible();
  }
  const rows = await fileRows(signedIn.id);
  expect(rows.map((r) => [r.name, r.size, r.contentType])).toEqual([
    ["drop-notes.txt", 40_000, "text/plain"],
    ["drop-photo.jpg", 3 * MiB, "image/jpeg"],
    ["drop-slides.pdf", 2 * MiB, "application/pdf"],
  ]);
  expect(await uploadRows(signedIn.id)).toEqual([]);
});

test("a 70 MiB file goes up in parts through the Upload button", async ({ page, signedIn }) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  const big = files.make("big-video.mp4", 70 * MiB);
  const parts: number[] = [];
  page.on("request", (r) => {
    const n = partNumberOf(r);
    if (n !== null) parts.push(n);
  });
  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles(big);
  await expect(items(page)).toHaveCount(1);
  await expect(panel(page)).toContainText("1 file uploaded", { timeout: 150_000 });

  expect(parts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  await expect(page.getByRole("table").getByText("big-video.mp4", { exact: true })).toBeVisible();
  const [row] = await fileRows(signedIn.id);
  expect(row).toMatchObject({ name: "big-video.mp4", size: 70 * MiB, contentType: "video/mp4" });
  expect(await objectExists(row?.storageKey ?? "")).toBe(true);
  expect(await uploadRows(signedIn.id)).toEqual([]);
});

test("a file chosen before the page's scripts ran still uploads once they run", async ({
  page,
  signedIn,
}) => {
  // A slow page (a loaded server, a phone on a bad network) shows the Upload input before React
  // attaches its change handler; the file set then must not be dropped. The scripts are held
  // until the file is on the input, so the change event goes by with no one listening.
  const small = files.make("early-bird.txt", 5_000);
  const scripts = await gotoWithScriptsHeld(page, "/drive");
  await page.getByTestId("upload-input").setInputFiles(small);
  await scripts.release();

  await expect(panel(page)).toContainText("1 file uploaded", { timeout: 60_000 });
  const rows = await fileRows(signedIn.id);
  expect(rows.map((r) => [r.name, r.size])).toEqual([["early-bird.txt", 5_000]]);
});

test("an upload interrupted by a reload resumes without re-sending finished parts", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  // 5 parts: 4 × 16 MiB and a last one of 16 MiB.
  const big = files.make("resume-me.bin", 80 * MiB);
  // Parts 4 and 5 are held back before they reach the store, as on a connection that is slow for
  // them; the page is reloaded while they hang.
  const held: Route[] = [];
  await page.route(
    (url) => url.searchParams.has("partNumber"),
    async (route) => {
      const n = partNumberOf(route.request());
      if (n !== null && n >= 4) held.push(route);
      else await route.continue();
    },
  );
  const finished = new Set<number>();
  page.on("requestfinished", async (r) => {
    const n = partNumberOf(r);
    if (n !== null && (await r.response())?.status() === 200) finished.add(n);
  });

  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles(big);
  await expect.poll(() => finished.size, { timeout: 90_000 }).toBe(3);
  await expect.poll(() => held.length).toBe(2);
  const [upload] = await uploadRows(signedIn.id);
  expect(upload?.s3UploadId).toBeTruthy();

  // Reloaded while parts 4 and 5 are still held: they die with the page without reaching the
  // store (unrouting first would release them).
  await page.reload();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  const interrupted = page.getByTestId("interrupted-upload");
  await expect(panel(page)).toContainText("Interrupted uploads — choose the same file to resume");
  await expect(interrupted).toContainText("resume-me.bin");
  await expect(interrupted).toContainText("48 MB of 80 MB uploaded");

  const sentAfterReload: number[] = [];
  page.on("request", (r) => {
    const n = partNumberOf(r);
    if (n !== null) sentAfterReload.push(n);
  });
  await page.getByTestId("upload-input").setInputFiles(big);
  await expect(panel(page)).toContainText("1 file uploaded", { timeout: 120_000 });
  await expect(interrupted).toHaveCount(0);

  expect(sentAfterReload.sort()).toEqual([4, 5]);
  const [row] = await fileRows(signedIn.id);
  expect(row).toMatchObject({ name: "resume-me.bin", size: 80 * MiB });
  expect(row?.storageKey).toBe(upload?.storageKey);
  expect(await uploadRows(signedIn.id)).toEqual([]);
});

test("cancel removes the upload and leaves nothing behind", async ({ page, signedIn }) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  const big = files.make("cancel-me.bin", 40 * MiB);
  // Part 1 arrives; the rest hang, so the cancel happens mid-upload with parts in the store.
  await page.route(
    (url) => url.searchParams.has("partNumber"),
    async (route) => {
      if (partNumberOf(route.request()) === 1) await route.continue();
    },
  );
  let partOneStored = false;
  page.on("requestfinished", (r) => {
    if (partNumberOf(r) === 1) partOneStored = true;
  });
  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles(big);
  await expect.poll(() => partOneStored, { timeout: 60_000 }).toBe(true);
  const [upload] = await uploadRows(signedIn.id);
  if (!upload?.s3UploadId) throw new Error("expected a multipart upload row");
  expect(await multipartExists(upload.storageKey, upload.s3UploadId)).toBe(true);

  await page.getByRole("button", { name: "Cancel cancel-me.bin" }).click();
  await expect(items(page).first()).toHaveAttribute("data-phase", "cancelled");
  await expect(items(page).first()).toContainText("Cancelled");

  await expect.poll(() => uploadRows(signedIn.id)).toEqual([]);
  expect(await multipartExists(upload.storageKey, upload.s3UploadId)).toBe(false);
  expect(await objectExists(upload.storageKey)).toBe(false);
  expect(await fileRows(signedIn.id)).toEqual([]);
  // Nothing waits to be resumed after a reload either.
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.reload();
  await expect(page.getByRole("heading", { name: "My Drive" })).toBeVisible();
  await expect(page.getByTestId("interrupted-upload")).toHaveCount(0);
});

test("a file larger than the space left is refused before any byte is sent", async ({
  page,
  signedIn,
}) => {
  // The default quota is 5 GiB; leave 3 MiB of it.
  await fillDrive(signedIn.id, 5 * 1024 * MiB - 3 * MiB);
  const tooBig = files.make("too-big.iso", 8 * MiB);
  const storePuts: string[] = [];
  page.on("request", (r) => {
    if (isStorePut(r)) storePuts.push(r.url());
  });
  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles(tooBig);

  const item = items(page).first();
  await expect(item).toHaveAttribute("data-phase", "failed");
  await expect(item).toContainText(
    "Not enough space for “too-big.iso”: it is 8 MB but only 3 MB is left of your 5 GB. " +
      "Delete files or empty the trash to make room.",
  );
  await expect(panel(page)).toContainText("1 upload needs attention");
  expect(storePuts).toEqual([]);
  expect(await uploadRows(signedIn.id)).toEqual([]);
  expect((await fileRows(signedIn.id)).map((r) => r.name)).toEqual(["archive.bin"]);
});
