import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { seedDriveFile, seedDriveFolder, solidPng } from "./support/drive-seed";
import { withConnection } from "./support/db";
import { expect, test } from "./support/fixtures";

// Issue 17's Drive: folder share links, versions, the right-click menu, drag-to-move and the grid
// view with background thumbnails — through the real UI, app server, worker and store.

const row = (page: Page, name: string) =>
  page.getByTestId("drive-row").filter({ has: page.getByText(name, { exact: true }) });
const status = (page: Page) => page.getByRole("status").filter({ hasText: /\S/ });

async function rowAction(page: Page, name: string, action: string) {
  await page.getByRole("button", { name: `Actions for ${name}`, exact: true }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

async function visitor(browser: Browser, baseURL: string | undefined) {
  const n = () => Math.floor(Math.random() * 254) + 1;
  const context = await browser.newContext({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": `198.19.${n()}.${n()}` },
  });
  return { context, page: await context.newPage() };
}

async function folderOf(fileId: string): Promise<string | null> {
  const rows = (await withConnection((c) =>
    c.query("SELECT folderId FROM `File` WHERE id = ?", [fileId]),
  )) as { folderId: string | null }[];
  return rows[0]?.folderId ?? null;
}

test("a folder share link lists the folder, walks subfolders, downloads one file, reaches nothing outside", async ({
  page,
  signedIn,
  browser,
  baseURL,
}) => {
  const projects = await seedDriveFolder(signedIn.id, "Projects");
  const sub = await seedDriveFolder(signedIn.id, "Specs", projects.id);
  const secret = await seedDriveFolder(signedIn.id, "Private");
  await seedDriveFile(signedIn.id, {
    name: "plan.txt",
    body: "the plan",
    contentType: "text/plain",
    folderId: projects.id,
  });
  const deep = await seedDriveFile(signedIn.id, {
    name: "api.md",
    body: "# API",
    contentType: "text/markdown",
    folderId: sub.id,
  });
  const hidden = await seedDriveFile(signedIn.id, {
    name: "keys.txt",
    body: "no",
    contentType: "text/plain",
    folderId: secret.id,
  });

  await page.goto("/drive");
  await rowAction(page, "Projects", "Share…");
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByText(/read-only/)).toBeVisible();
  await dialog.getByRole("button", { name: "Create link" }).click();
  const url = await dialog.getByTestId("share-link").getByTestId("share-link-url").inputValue();
  await page.keyboard.press("Escape");
  // The listing marks it on its next render (creating a link does not re-render the list).
  await page.reload();
  await expect(row(page, "Projects").getByTestId("shared-mark")).toBeVisible();

  const guest = await visitor(browser, baseURL);
  await guest.page.goto(url);
  await expect(guest.page.getByTestId("shared-folder-name")).toHaveText("Projects");
  await expect(guest.page.getByTestId("shared-item")).toHaveText([/Specs/, /plan\.txt/]);
  await guest.page.getByRole("link", { name: "Specs" }).click();
  await expect(guest.page.getByRole("navigation", { name: "Folder path" })).toContainText("Specs");
  const download = guest.page.waitForEvent("download");
  await guest.page.getByRole("button", { name: "Download api.md" }).click();
  expect((await download).suggestedFilename()).toBe("api.md");

  // Escapes: a folder outside the link by URL, a file outside by the form field.
  const token = new URL(url).pathname.split("/").at(-1) ?? "";
  const outside = await guest.page.goto(`/s/${token}?at=${secret.id}`);
  expect(outside?.status()).toBe(404);
  const steal = await guest.page.request.post(`/api/share/${token}/download`, {
    form: { fileId: hidden.id },
  });
  expect(steal.status()).toBe(404);
  const ok = await guest.page.request.post(`/api/share/${token}/download`, {
    form: { fileId: deep.id },
  });
  expect(ok.status()).toBe(200);
  await guest.context.close();
});

test("uploading the same name keeps a version; the Versions dialog restores it", async ({
  page,
  signedIn,
}) => {
  const dir = await mkdtemp(path.join(tmpdir(), "stratus-versions-"));
  try {
    await page.goto("/drive");
    const file = path.join(dir, "notes.txt");
    for (const [i, text] of ["first draft", "second draft, longer"].entries()) {
      await writeFile(file, text);
      await page.getByTestId("upload-input").setInputFiles(file);
      await expect(page.locator('[data-testid="upload-item"][data-phase="done"]')).toHaveCount(
        i + 1,
      );
    }
    await page.reload();
    await expect(row(page, "notes.txt")).toHaveCount(1);
    await expect(row(page, "notes.txt")).toContainText("20 bytes");

    // Right-click opens the same actions as the ⋯ menu.
    await row(page, "notes.txt").getByTestId("item-name").click({ button: "right" });
    await page.getByRole("menuitem", { name: "Versions…" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByTestId("version-row")).toHaveCount(2);
    await expect(dialog.getByTestId("version-row").nth(1)).toContainText("11 bytes");
    await dialog.getByRole("button", { name: "Restore" }).click();
    await expect(status(page)).toContainText("Version restored");
    await expect(row(page, "notes.txt")).toContainText("11 bytes");
    expect(signedIn.id).toBeTruthy();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("drag rows onto a folder and onto a breadcrumb to move them", async ({ page, signedIn }) => {
  const archive = await seedDriveFolder(signedIn.id, "Archive");
  const report = await seedDriveFile(signedIn.id, {
    name: "report.txt",
    body: "r",
    contentType: "text/plain",
  });
  await page.goto("/drive");
  await row(page, "report.txt").dragTo(row(page, "Archive"));
  await expect(status(page)).toContainText("Moved");
  await expect(row(page, "report.txt")).toHaveCount(0);
  await expect.poll(() => folderOf(report.id)).toBe(archive.id);

  await row(page, "Archive").getByRole("link", { name: "Archive" }).click();
  await expect(row(page, "report.txt")).toBeVisible();
  await row(page, "report.txt").dragTo(page.getByTestId("crumb").filter({ hasText: "My Drive" }));
  await expect(status(page)).toContainText("Moved");
  await expect.poll(() => folderOf(report.id)).toBeNull();
});

test("grid view shows a thumbnail made in the background, and is remembered", async ({
  page,
  signedIn,
}) => {
  const dir = await mkdtemp(path.join(tmpdir(), "stratus-grid-"));
  try {
    await seedDriveFile(signedIn.id, { name: "readme.txt", body: "hi", contentType: "text/plain" });
    const png = path.join(dir, "sunset.png");
    await writeFile(png, solidPng(640, 400, [230, 120, 40]));
    await page.goto("/drive");
    await page.getByTestId("upload-input").setInputFiles(png);
    await expect(page.getByTestId("upload-item").first()).toHaveAttribute("data-phase", "done");

    await page.getByRole("button", { name: "Grid view" }).click();
    await expect(page.getByTestId("file-grid")).toBeVisible();
    // The worker makes the thumbnail after the upload completes; the grid shows it once made.
    await expect(async () => {
      await page.reload();
      await expect(row(page, "sunset.png").getByTestId("thumbnail")).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 90_000 });
    const img = row(page, "sunset.png").getByTestId("thumbnail");
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(320);
    // Remembered across visits; the list comes back with one click.
    await page.goto("/drive");
    await expect(page.getByTestId("file-grid")).toBeVisible();
    await page.getByRole("button", { name: "List view" }).click();
    await expect(page.getByTestId("file-table")).toBeVisible();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a file's menu opens it in Image Studio or MapReduce; the upload tray covers no row", async ({
  page,
  signedIn,
}) => {
  await seedDriveFile(signedIn.id, {
    name: "harbour.png",
    body: solidPng(64, 48, [40, 120, 200]),
    contentType: "image/png",
  });
  await seedDriveFile(signedIn.id, {
    name: "words.txt",
    body: "alpha beta\n",
    contentType: "text/plain",
  });
  for (let i = 10; i < 34; i++)
    await seedDriveFile(signedIn.id, {
      name: `note-${i}.txt`,
      body: "x",
      contentType: "text/plain",
    });

  // A phone, with an upload's tray open over the bottom of the screen: scrolled to the end, the
  // last row stands clear above the tray (the page reserves room below itself), and its menu
  // takes clicks (Playwright refuses a click another element would intercept).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles({
    name: "upload.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("uploaded"),
  });
  await expect(page.getByTestId("upload-item").first()).toHaveAttribute("data-phase", "done");
  const tray = page.getByTestId("upload-panel");
  await expect(tray).toBeVisible();
  const last = page.getByTestId("drive-row").last();
  await expect
    .poll(async () => {
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const [r, t] = await Promise.all([last.boundingBox(), tray.boundingBox()]);
      return r && t ? t.y - (r.y + r.height) : -1;
    })
    .toBeGreaterThanOrEqual(0);
  const lastName = (await last.getByTestId("item-name").textContent())!.trim();
  await page.getByRole("button", { name: `Actions for ${lastName}`, exact: true }).click();
  await expect(page.getByRole("menuitem", { name: "Versions…" })).toBeVisible();
  await page.keyboard.press("Escape");

  // A text file goes to MapReduce as the job's input; it is no image.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole("button", { name: "Actions for words.txt", exact: true }).click();
  await expect(page.getByRole("menuitem", { name: "Open in Image Studio" })).toHaveCount(0);
  await page.getByRole("menuitem", { name: "Use in MapReduce" }).click();
  await expect(page).toHaveURL(/\/mapreduce\/new\?input=/);
  await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
    "words.txt",
  );

  // An image opens in Image Studio; it is no MapReduce input.
  await page.goto("/drive");
  await page.getByRole("button", { name: "Actions for harbour.png", exact: true }).click();
  await expect(page.getByRole("menuitem", { name: "Use in MapReduce" })).toHaveCount(0);
  await page.getByRole("menuitem", { name: "Open in Image Studio" }).click();
  await expect(page).toHaveURL(/\/images\/[^/]+$/);
  await expect(page.getByRole("heading", { name: "harbour.png" })).toBeVisible();
});
