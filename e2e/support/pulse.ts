import { expect, type Page } from "@playwright/test";

// The Pulse specs' shared steps: a replay file into the Drive through the upload button, and a
// replay tracker on it through the new-tracker form.

export async function uploadToDrive(page: Page, file: string): Promise<void> {
  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles(file);
  await expect(page.getByTestId("upload-panel")).toContainText("1 file uploaded", {
    timeout: 30_000,
  });
}

export type ReplayTrackerForm = {
  name: string;
  keywords: string;
  /** The replay file's name: the only one the user has. */
  fileName: string;
  speed: "1×" | "10×" | "As fast as possible";
};

/** Fills the new-tracker form for a replay-only tracker and submits it. */
export async function submitReplayTracker(page: Page, form: ReplayTrackerForm): Promise<void> {
  await page.goto("/pulse/new");
  await page.getByLabel("Name").fill(form.name);
  await page.getByLabel("Keywords").fill(form.keywords);
  const bluesky = page.getByLabel(/Bluesky/);
  if (await bluesky.isChecked()) await bluesky.uncheck();
  await page.getByLabel(/Replay a file/).check();
  await expect(page.locator("#field-replayFileId option")).toHaveText([form.fileName]);
  await page.getByLabel(form.speed).check();
  await page.getByRole("button", { name: "Create tracker" }).click();
}

/** A replay tracker that the form accepted: its id, with the page on its dashboard. */
export async function createReplayTracker(page: Page, form: ReplayTrackerForm): Promise<string> {
  await submitReplayTracker(page, form);
  await expect(page).toHaveURL(/\/pulse\/(?!new$)[a-z0-9]+$/);
  return page.url().split("/").pop()!;
}
