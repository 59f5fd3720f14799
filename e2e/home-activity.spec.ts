import { seedDriveFile } from "./support/drive-seed";
import { expect, test } from "./support/fixtures";
import { gradientJpeg } from "./support/images";

// The home page's recent activity: empty states for a new account, then the files, jobs and
// trackers the user made, each linking to its app.

test("home shows recent files, jobs and trackers, with empty states first", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(420_000);
  await page.goto("/home");
  await expect(page.getByRole("heading", { name: "Recent activity" })).toBeVisible();
  await expect(page.getByTestId("recent-files")).toContainText("No files yet");
  await expect(page.getByTestId("recent-jobs")).toContainText("No jobs yet");
  await expect(page.getByTestId("recent-trackers")).toContainText("No trackers yet");

  const image = await seedDriveFile(signedIn.id, {
    name: "quarterly-chart.jpg",
    body: await gradientJpeg(300, 200),
    contentType: "image/jpeg",
  });
  await seedDriveFile(signedIn.id, {
    name: "notes.txt",
    body: "hello",
    contentType: "text/plain",
  });
  // A job: an Image Studio apply, run by the worker.
  await page.goto(`/images/${image.id}`);
  await expect(page.getByTestId("preview-image")).toBeVisible();
  await page.getByRole("button", { name: "Add filter" }).click();
  await page
    .getByTestId("add-step-menu")
    .getByRole("button", { name: "Grayscale", exact: true })
    .click();
  await page.getByTestId("apply").click();
  await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "succeeded", {
    timeout: 60_000,
  });

  // A tracker on Bluesky (offline here, so it collects nothing: it is listed all the same).
  await page.goto("/pulse/new");
  await page.getByLabel("Name").fill("Launch buzz");
  await page.getByLabel("Keywords").fill("launch");
  const bluesky = page.getByLabel(/Bluesky/);
  if (!(await bluesky.isChecked())) await bluesky.check();
  await page.getByRole("button", { name: "Create tracker" }).click();
  await expect(page).toHaveURL(/\/pulse\/(?!new$)[a-z0-9]+$/);

  page.on("dialog", (d) => void d.accept());
  await page.goto("/home");
  const files = page.getByTestId("recent-files");
  // Newest first: the apply's result, then the seeded files.
  await expect(files.getByRole("link", { name: /quarterly-chart \(edited\)\.jpg/ })).toBeVisible();
  await expect(files.getByRole("link", { name: /notes\.txt/ })).toBeVisible();
  const jobs = page.getByTestId("recent-jobs");
  await expect(jobs).toContainText("Nothing running now");
  await expect(jobs.getByRole("link", { name: /Image Studio apply/ })).toContainText("Succeeded");
  const trackers = page.getByTestId("recent-trackers");
  await expect(trackers.getByRole("link", { name: /Launch buzz/ })).toBeVisible();

  await trackers.getByRole("link", { name: /Launch buzz/ }).click();
  await expect(page).toHaveURL(/\/pulse\/[a-z0-9]+$/);
  await page.goto("/home");
  await jobs.getByRole("link", { name: /Image Studio apply/ }).click();
  await expect(page.getByRole("heading", { name: "quarterly-chart (edited).jpg" })).toBeVisible();
});
