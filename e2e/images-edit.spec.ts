import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import sharp from "sharp";
import { createAccount } from "./support/db";
import { seedDriveFile } from "./support/drive-seed";
import { expect, test } from "./support/fixtures";
import { gotoWithScriptsHeld } from "./support/hydration";
import { gradientJpeg, studioFileRows } from "./support/images";
import { fileRows } from "./support/uploads";

// The whole Image Studio loop in Chromium: upload, three filters with a live preview, reorder,
// undo, apply in the background with visible progress, compare, download.

/** The bytes of the render the preview shows now (an object URL in the page). */
async function shownPreview(page: Page): Promise<{ src: string; bytes: Buffer }> {
  const img = page.getByTestId("preview-image");
  await expect(img).toBeVisible();
  const src = (await img.getAttribute("src"))!;
  const data = await page.evaluate(async (url) => {
    const buf = await (await fetch(url)).arrayBuffer();
    return Array.from(new Uint8Array(buf));
  }, src);
  return { src, bytes: Buffer.from(data) };
}

/** Runs `action` and returns the render the preview shows once it has changed. */
async function previewAfter(page: Page, action: () => Promise<unknown>): Promise<Buffer> {
  const before = await shownPreview(page);
  await action();
  await expect(page.getByTestId("preview-image")).not.toHaveAttribute("src", before.src, {
    timeout: 20_000,
  });
  return (await shownPreview(page)).bytes;
}

async function addFilter(page: Page, label: string) {
  await page.getByRole("button", { name: "Add filter" }).click();
  const menu = page.getByTestId("add-step-menu");
  await expect(menu).toBeVisible();
  await menu.getByRole("button", { name: label, exact: true }).click();
  await expect(menu).toBeHidden();
}

const chainKinds = (page: Page) =>
  page.getByTestId("chain-step").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));

test("edit, preview, reorder, undo, apply, compare and download", async ({ page, signedIn }) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  const original = await gradientJpeg(1600, 1200);

  // Upload through the Image Studio page (the Drive's uploader); one image opens in the editor.
  await page.goto("/images");
  await expect(page.getByRole("heading", { name: "No images in your Drive yet" })).toBeVisible();
  await page.getByTestId("image-upload-input").setInputFiles({
    name: "lake.jpg",
    mimeType: "image/jpeg",
    buffer: original,
  });
  await expect(page).toHaveURL(/\/images\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "lake.jpg" })).toBeVisible();
  const unfiltered = (await shownPreview(page)).bytes;
  expect((await sharp(unfiltered).metadata()).width).toBeLessThanOrEqual(1024);

  // Three filters; every one changes the preview.
  const gray = await previewAfter(page, () => addFilter(page, "Grayscale"));
  expect(gray.equals(unfiltered)).toBe(false);
  const blurred = await previewAfter(page, () => addFilter(page, "Blur"));
  expect(blurred.equals(gray)).toBe(false);
  const flopped = await previewAfter(page, () => addFilter(page, "Flop"));
  expect(flopped.equals(blurred)).toBe(false);
  expect(await chainKinds(page)).toEqual(["grayscale", "blur", "flop"]);
  // The grayscale preview really is grey: equal channels.
  const { data, info } = await sharp(flopped).raw().toBuffer({ resolveWithObject: true });
  const px = Math.floor(info.width / 2) * info.channels;
  expect(Math.abs(data[px]! - data[px + 1]!)).toBeLessThanOrEqual(2);

  // Reorder with the buttons, then by dragging the handle; undo brings the order back.
  await page.getByRole("button", { name: "Move Flop up" }).click();
  await expect.poll(() => chainKinds(page)).toEqual(["grayscale", "flop", "blur"]);
  await page
    .getByTestId("chain-step")
    .nth(2)
    .getByTestId("drag-handle")
    .dragTo(page.getByTestId("chain-step").nth(0));
  await expect.poll(() => chainKinds(page)).toEqual(["blur", "grayscale", "flop"]);
  await page.keyboard.press("Control+z");
  await expect.poll(() => chainKinds(page)).toEqual(["grayscale", "flop", "blur"]);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect.poll(() => chainKinds(page)).toEqual(["grayscale", "blur", "flop"]);
  await page.keyboard.press("Control+Shift+z");
  await expect.poll(() => chainKinds(page)).toEqual(["grayscale", "flop", "blur"]);

  // Before/after on the preview.
  await page.getByRole("radio", { name: "Compare" }).click();
  const compare = page.getByTestId("preview-compare");
  await expect(compare).toBeVisible();
  await compare.getByRole("slider").focus();
  await page.keyboard.press("Home");
  await expect(compare).toHaveAttribute("data-position", "0");

  // Apply: the job's progress shows, then the result.
  await page.getByTestId("apply").click();
  const progress = page.getByTestId("job-progress");
  await expect(progress).toBeVisible();
  await expect(progress.getByRole("progressbar")).toBeVisible();
  await expect(progress).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page).toHaveURL(/\?job=/);
  const result = page.getByTestId("result");
  await expect(result).toContainText("lake (edited).jpg");

  // Compare on the result.
  const resultCompare = page.getByTestId("result-compare");
  await expect(resultCompare).toBeVisible();
  await resultCompare.getByRole("slider").focus();
  await page.keyboard.press("End");
  await expect(resultCompare).toHaveAttribute("data-position", "100");

  // Download: a full-resolution JPEG.
  const downloading = page.waitForEvent("download");
  await result.getByRole("link", { name: "Download" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("lake (edited).jpg");
  const bytes = await readFile((await download.path())!);
  const meta = await sharp(bytes).metadata();
  expect(meta).toMatchObject({ format: "jpeg", width: 1600, height: 1200 });

  const rows = await studioFileRows(signedIn.id);
  expect(rows.map((r) => [r.name, r.contentType])).toEqual([["lake (edited).jpg", "image/jpeg"]]);

  // A reload finds the finished job again.
  await page.reload();
  await expect(page.getByTestId("result")).toContainText("lake (edited).jpg");
});

test("a corrupt image shows the reason instead of a preview", async ({ page, signedIn }) => {
  await page.goto("/images");
  await page.getByTestId("image-upload-input").setInputFiles({
    name: "broken.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from("definitely not a jpeg"),
  });
  await expect(page).toHaveURL(/\/images\/[A-Za-z0-9_-]+$/, { timeout: 30_000 });
  await expect(page.getByTestId("preview-error")).toHaveText(
    /not an image format Image Studio can read/,
  );
  await expect(page.getByTestId("preview-image")).toHaveCount(0);
  // Apply reaches the same verdict in the background and says so on the job.
  await page.getByRole("button", { name: "Add filter" }).click();
  await page
    .getByTestId("add-step-menu")
    .getByRole("button", { name: "Invert", exact: true })
    .click();
  await page.getByTestId("apply").click();
  const progress = page.getByTestId("job-progress");
  await expect(progress).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(progress.getByRole("alert")).toHaveText(/not an image format Image Studio can read/);
  expect(await studioFileRows(signedIn.id)).toEqual([]);
});

test("an image chosen before the page's scripts ran still opens in the editor", async ({
  page,
  signedIn,
}) => {
  // The container smoke test sets the file right after the page loads, as a user on a slow page
  // can: the input takes it when React hydrates, and the upload must still open the editor. Scripts
  // are held until the file is on the input, so the change event goes by with no one listening.
  const scripts = await gotoWithScriptsHeld(page, "/images");
  await page.getByTestId("image-upload-input").setInputFiles({
    name: "early.jpg",
    mimeType: "image/jpeg",
    buffer: await gradientJpeg(320, 240),
  });
  await scripts.release();

  await expect(page).toHaveURL(/\/images\/[A-Za-z0-9_-]+$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "early.jpg" })).toBeVisible();
  const rows = await fileRows(signedIn.id);
  expect(rows.map((r) => r.name)).toEqual(["early.jpg"]);
  expect(page.url()).toMatch(new RegExp(`/images/${rows[0]!.id}$`));
});

test("another user's image is not available", async ({ page, signedIn }) => {
  const other = await createAccount({ name: "Grace Hopper" });
  const theirs = await seedDriveFile(other.id, {
    name: "private.jpg",
    body: await gradientJpeg(200, 150),
    contentType: "image/jpeg",
  });
  await page.goto(`/images/${theirs.id}`);
  await expect(page.getByRole("heading", { name: "This image is not available" })).toBeVisible();
  const preview = await page.request.post("/api/images/preview", {
    data: { fileId: theirs.id, chain: [] },
  });
  expect(preview.status()).toBe(404);
  await page.goto("/images");
  await expect(page.getByRole("heading", { name: "No images in your Drive yet" })).toBeVisible();
  expect(signedIn.id).not.toBe(other.id);
});
