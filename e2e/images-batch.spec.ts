import { expect, test } from "./support/fixtures";
import { seedDriveFile, seedDriveFolder } from "./support/drive-seed";
import { gradientJpeg, seedPreset, studioFileRows } from "./support/images";

// A preset over a folder of five images from the Drive, one of them corrupt: one job, progress
// per image, the corrupt one reported by name and the other four saved.

test("apply a preset to a folder of five images with one corrupt file", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  const folder = await seedDriveFolder(signedIn.id, "Trip");
  const names = ["alps.jpg", "bay.jpg", "cliffs.jpg", "delta.jpg"];
  for (const [i, name] of names.entries()) {
    await seedDriveFile(signedIn.id, {
      name,
      body: await gradientJpeg(640 + i * 16, 480),
      contentType: "image/jpeg",
      folderId: folder.id,
    });
  }
  await seedDriveFile(signedIn.id, {
    name: "corrupt.jpg",
    body: Buffer.from("\xff\xd8\xff\xe0 this JPEG stops right here"),
    contentType: "image/jpeg",
    folderId: folder.id,
  });
  await seedPreset(
    signedIn.id,
    "Small sepia",
    [
      {
        id: "a1",
        enabled: true,
        kind: "resize",
        width: 320,
        height: null,
        fit: "inside",
        withoutEnlargement: true,
      },
      { id: "a2", enabled: true, kind: "sepia" },
    ],
    { format: "webp", quality: 75, keepMetadata: false },
  );

  await page.goto("/drive");
  await page.getByRole("checkbox", { name: "Select Trip" }).check();
  await page.getByRole("button", { name: "Apply preset…" }).click();
  const dialog = page.getByRole("dialog", { name: "Apply a preset" });
  await expect(dialog).toContainText("the images in 1 folder");
  await expect(dialog.getByLabel("Preset")).toHaveValue(/.+/);
  await expect(dialog).toContainText("Resize → Sepia");
  await dialog.getByRole("button", { name: "Apply" }).click();

  await expect(page).toHaveURL(/\/images\/batches\/[A-Za-z0-9_-]+$/);
  const items = page.getByTestId("batch-item");
  await expect(items).toHaveCount(5);
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "succeeded", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("job-phase")).toHaveText(
    "4 of 5 images saved in Image Studio, 1 failed",
  );
  const failures = page.getByTestId("batch-failures");
  await expect(failures).toContainText("1 image failed:");
  await expect(failures).toContainText("corrupt.jpg");
  await expect(page.locator('[data-testid="batch-item"][data-status="succeeded"]')).toHaveCount(4);
  await expect(page.locator('[data-testid="batch-item"][data-status="failed"]')).toContainText(
    "corrupt.jpg",
  );

  const rows = await studioFileRows(signedIn.id);
  expect(rows.map((r) => r.name)).toEqual(names.map((n) => n.replace(".jpg", " (edited).webp")));

  await page.getByRole("link", { name: "Open the Image Studio folder" }).click();
  await expect(page.getByRole("heading", { name: "Image Studio" })).toBeVisible();
  await expect(page.getByRole("table").getByText("alps (edited).webp")).toBeVisible();

  // The batch is listed under Image Studio's library with how it went.
  await page.goto("/images");
  const batch = page.getByTestId("image-jobs").getByRole("listitem");
  await expect(batch).toHaveCount(1);
  await expect(batch).toContainText("Batch of 5 images");
  await expect(batch).toContainText("4 of 5 done · 1 failed");
});
