import type { Page } from "@playwright/test";
import { seedDriveFile } from "./support/drive-seed";
import { expect, test } from "./support/fixtures";
import { gradientJpeg } from "./support/images";

// Image Studio's draft, crop presets and history in Chromium: a chain survives a reload and a
// visit elsewhere, leaving with an unapplied chain asks first, a crop takes an aspect preset and
// pixel values, and applies are listed with their output.

async function addFilter(page: Page, label: string) {
  await page.getByRole("button", { name: "Add filter" }).click();
  const menu = page.getByTestId("add-step-menu");
  await expect(menu).toBeVisible();
  await menu.getByRole("button", { name: label, exact: true }).click();
  await expect(menu).toBeHidden();
}

const chainKinds = (page: Page) =>
  page.getByTestId("chain-step").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));

test("the chain is a draft: it survives reload and navigation, and leaving asks first", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(420_000);
  const image = await seedDriveFile(signedIn.id, {
    name: "harbour.jpg",
    body: await gradientJpeg(400, 300),
    contentType: "image/jpeg",
  });
  await page.goto(`/images/${image.id}`);
  await expect(page.getByTestId("preview-image")).toBeVisible();
  await addFilter(page, "Invert");
  await addFilter(page, "Sepia");
  await expect.poll(() => chainKinds(page)).toEqual(["invert", "sepia"]);

  // Reload (the browser may ask first; yes): the chain is back, and says where it came from.
  page.on("dialog", (d) => void d.accept());
  await page.reload();
  await expect(page.getByTestId("draft-restored")).toContainText("not applied yet");
  await expect.poll(() => chainKinds(page)).toEqual(["invert", "sepia"]);
  page.removeAllListeners("dialog");

  // A link elsewhere asks; "stay" keeps the page as it is.
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole("link", { name: "Images" }).first().click();
  await expect.poll(() => asked).toMatch(/not been applied yet/);
  await expect(page).toHaveURL(new RegExp(`/images/${image.id}$`));

  // "Leave": the library, and back to the image finds the chain again.
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("link", { name: "Images" }).first().click();
  await expect(page).toHaveURL(/\/images$/);
  await page.getByRole("link", { name: /harbour\.jpg/ }).click();
  await expect.poll(() => chainKinds(page)).toEqual(["invert", "sepia"]);

  // Applied, it is no longer "unsaved": leaving asks nothing and the apply is in the history.
  await page.getByTestId("apply").click();
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "succeeded", {
    timeout: 60_000,
  });
  let askedAfterApply = false;
  page.on("dialog", (d) => {
    askedAfterApply = true;
    void d.accept();
  });
  await page.getByRole("link", { name: "Images" }).first().click();
  await expect(page).toHaveURL(/\/images$/);
  expect(askedAfterApply).toBe(false);
  const history = page.getByTestId("image-jobs");
  await expect(history.getByRole("listitem")).toHaveCount(1);
  await expect(history.getByRole("listitem")).toContainText("Apply");
  await expect(history.getByRole("listitem")).toContainText("Succeeded");
  await expect(history.getByRole("listitem")).toContainText("harbour (edited).jpg");
  await history.getByRole("link", { name: "Open result" }).click();
  await expect(page.getByRole("heading", { name: "harbour (edited).jpg" })).toBeVisible();

  // "Start over" clears the draft for good.
  await page.goto(`/images/${image.id}`);
  await expect(page.getByTestId("draft-restored")).toBeVisible();
  await page.getByRole("button", { name: "Start over" }).click();
  await expect(page.getByTestId("chain-step")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("preview-image")).toBeVisible();
  await expect(page.getByTestId("draft-restored")).toHaveCount(0);
  await expect(page.getByTestId("chain-step")).toHaveCount(0);
});

test("crop with an aspect preset and pixel values", async ({ page, signedIn }) => {
  test.setTimeout(420_000);
  const image = await seedDriveFile(signedIn.id, {
    name: "wide.jpg",
    body: await gradientJpeg(400, 300),
    contentType: "image/jpeg",
  });
  await page.goto(`/images/${image.id}`);
  await expect(page.getByTestId("preview-image")).toBeVisible();
  await addFilter(page, "Crop");
  const controls = page.getByTestId("crop-controls");
  await expect(page.getByTestId("crop-overlay")).toBeVisible();
  // The default crop, in pixels of the 400 × 300 original.
  await expect(controls.getByTestId("crop-size")).toHaveText("Keeps 320 × 240 px of 400 × 300 px");

  await controls.getByRole("radio", { name: "1:1" }).click();
  await expect(controls.getByTestId("crop-size")).toHaveText("Keeps 300 × 300 px of 400 × 300 px");
  await expect(controls.getByLabel("X")).toHaveValue("50");

  // Typed pixels, the square kept.
  await controls.getByLabel("Width").fill("120");
  await expect(controls.getByTestId("crop-size")).toHaveText("Keeps 120 × 120 px of 400 × 300 px");

  await controls.getByRole("radio", { name: "16:9" }).click();
  await expect(controls.getByTestId("crop-size")).toHaveText("Keeps 400 × 225 px of 400 × 300 px");

  // Free: any size.
  await controls.getByRole("radio", { name: "Free" }).click();
  await controls.getByLabel("Height").fill("100");
  await expect(controls.getByTestId("crop-size")).toHaveText("Keeps 400 × 100 px of 400 × 300 px");

  // Done drawing: the preview is the cropped image, 4:1.
  await page.getByRole("button", { name: "Done drawing" }).click();
  const preview = page.getByTestId("preview-image");
  await expect
    .poll(() =>
      preview.evaluate((img: HTMLImageElement) =>
        img.naturalHeight ? img.naturalWidth / img.naturalHeight : 0,
      ),
    )
    .toBeCloseTo(4, 1);
});

test("the preview stays in view while the chain scrolls, wide and on a phone", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(300_000);
  const image = await seedDriveFile(signedIn.id, {
    name: "pier.jpg",
    body: await gradientJpeg(400, 300),
    contentType: "image/jpeg",
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/images/${image.id}`);
  await expect(page.getByTestId("preview-image")).toBeVisible();
  for (const label of ["Resize", "Blur", "Sepia", "Grayscale", "Invert", "Flop"])
    await addFilter(page, label);
  await expect(page.getByTestId("chain-step")).toHaveCount(6);

  for (const size of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    // The page did scroll (the settings are longer than the screen), and the preview did not
    // leave the screen with them.
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
    await expect
      .poll(async () => {
        const box = await page.getByTestId("preview-image").boundingBox();
        return box ? box.y >= 0 && box.y + Math.min(box.height, 80) <= size.height : false;
      })
      .toBe(true);
  }
});
