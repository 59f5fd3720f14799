import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import { readZip } from "../lib/drive/read-zip";
import {
  seedDriveFile,
  seedDriveFolder,
  shareLinksOf,
  solidPng,
  tinyPdf,
} from "./support/drive-seed";
import { expect, test } from "./support/fixtures";

async function openPreview(page: Page, name: string) {
  await page.getByRole("button", { name, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name })).toBeVisible();
  return dialog;
}

async function closeDialog(page: Page) {
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
}

/** A signed-out visitor, in a browser context of its own. */
async function visitor(browser: Browser, baseURL: string | undefined) {
  const n = () => Math.floor(Math.random() * 254) + 1;
  const context = await browser.newContext({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": `198.19.${n()}.${n()}` },
  });
  return { context, page: await context.newPage() };
}

test("previews an image, a PDF and a text file", async ({ page, signedIn }) => {
  const image = await seedDriveFile(signedIn.id, {
    name: "sunset.png",
    body: solidPng(320, 200, [230, 120, 40]),
    contentType: "image/png",
  });
  const pdf = await seedDriveFile(signedIn.id, {
    name: "minutes.pdf",
    body: tinyPdf("Minutes"),
    contentType: "application/pdf",
  });
  await seedDriveFile(signedIn.id, {
    name: "notes.md",
    body: "# Notes\n<script>alert('x')</script>\n",
    contentType: "text/markdown",
  });
  const big = `${"0123456789abcdef".repeat(8 * 1024)}tail`; // 128 KiB + 4 bytes
  await seedDriveFile(signedIn.id, { name: "big.log", body: big, contentType: "text/plain" });
  await page.goto("/drive");

  let dialog = await openPreview(page, image.name);
  const img = dialog.getByRole("img", { name: image.name });
  await expect(img).toHaveAttribute("src", `/api/drive/files/${image.id}/download?inline=1`);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(320);
  await closeDialog(page);

  dialog = await openPreview(page, pdf.name);
  const viewer = dialog.locator('object[type="application/pdf"]');
  await expect(viewer).toHaveAttribute("data", `/api/drive/files/${pdf.id}/download?inline=1`);
  // Headless Chromium has no PDF viewer to look at; what matters is what the viewer is given.
  const served = await page.request.get(`/api/drive/files/${pdf.id}/download?inline=1`);
  expect(served.headers()["content-type"]).toBe("application/pdf");
  expect(served.headers()["content-disposition"]).toMatch(/^inline;/);
  expect((await served.body()).subarray(0, 8).toString()).toBe("%PDF-1.4");
  await closeDialog(page);

  dialog = await openPreview(page, "notes.md");
  // Markup in a file is shown as text, never run or rendered.
  await expect(dialog.getByTestId("preview-text")).toHaveText(
    "# Notes\n<script>alert('x')</script>\n",
  );
  await closeDialog(page);

  dialog = await openPreview(page, "big.log");
  await expect(dialog.getByTestId("preview-truncated")).toHaveText(
    "Showing the first 64 KB of 128 KB. Download the file to see all of it.",
  );
  const text = await dialog.getByTestId("preview-text").textContent();
  expect(text).toHaveLength(64 * 1024);
});

test("share with a password and a limit of one download, then revoke", async ({
  page,
  signedIn,
  browser,
  baseURL,
}) => {
  const body = `quarterly numbers ${Date.now()}\n`;
  const file = await seedDriveFile(signedIn.id, {
    name: "Q3 report.txt",
    body,
    contentType: "text/plain",
  });
  await page.goto("/drive");
  await page.getByRole("button", { name: `Actions for ${file.name}` }).click();
  await page.getByRole("menuitem", { name: /Share/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Download limit").fill("1");
  await dialog.getByLabel("Password").fill("pass-1234");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const row = dialog.getByTestId("share-link");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("share-link-state")).toHaveText("Active");
  await expect(row).toContainText("0 of 1 downloads");
  const url = await row.getByTestId("share-link-url").inputValue();
  const [link] = await shareLinksOf(file.id);
  expect(url).toBe(`${baseURL}/s/${link?.token}`);

  const guest = await visitor(browser, baseURL);
  await guest.page.goto(url);
  await expect(guest.page.getByRole("heading", { name: "This file is protected" })).toBeVisible();
  // Nothing about the file or its owner before the password.
  await expect(guest.page.locator("body")).not.toContainText(file.name);
  await expect(guest.page.locator("body")).not.toContainText(signedIn.email);

  await guest.page.getByLabel("Password").fill("wrong-guess");
  await guest.page.getByRole("button", { name: "Open", exact: true }).click();
  await expect(guest.page.getByText("That password is not right")).toBeVisible();

  await guest.page.getByLabel("Password").fill("pass-1234");
  await guest.page.getByRole("button", { name: "Open", exact: true }).click();
  await expect(guest.page.getByTestId("shared-file-name")).toHaveText(file.name);
  await expect(guest.page.getByTestId("shared-file-size")).toHaveText(`${body.length} bytes`);
  await expect(guest.page.locator("body")).not.toContainText(signedIn.email);
  await expect(guest.page.locator("body")).not.toContainText(signedIn.name);

  const downloading = guest.page.waitForEvent("download");
  await guest.page.getByRole("button", { name: "Download", exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(file.name);
  expect(await readFile((await download.path()) ?? "", "utf8")).toBe(body);
  expect((await shareLinksOf(file.id))[0]?.downloadCount).toBe(1);

  // The page still shows its button; the second download is refused and the page says why.
  await guest.page.getByRole("button", { name: "Download", exact: true }).click();
  await expect(guest.page.getByRole("heading", { name: "Download limit reached" })).toBeVisible();
  expect((await shareLinksOf(file.id))[0]?.downloadCount).toBe(1);

  // The owner sees it, and revokes the link.
  await closeDialog(page);
  await page.getByRole("button", { name: `Actions for ${file.name}` }).click();
  await page.getByRole("menuitem", { name: /Share/ }).click();
  await expect(row.getByTestId("share-link-state")).toHaveText("Limit reached");
  await expect(row).toContainText("1 of 1 downloads");
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(row.getByTestId("share-link-state")).toHaveText("Revoked");

  await guest.page.reload();
  await expect(guest.page.getByRole("heading", { name: "Link turned off" })).toBeVisible();
  await expect(guest.page.getByText("The owner has turned this link off.")).toBeVisible();
  await guest.context.close();
});

test("edits a link's limit and removes its password", async ({
  page,
  signedIn,
  browser,
  baseURL,
}) => {
  const file = await seedDriveFile(signedIn.id, {
    name: "plan.txt",
    body: "plan",
    contentType: "text/plain",
  });
  await page.goto("/drive");
  await page.getByRole("button", { name: `Actions for ${file.name}` }).click();
  await page.getByRole("menuitem", { name: /Share/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Password").fill("first-pw");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const row = dialog.getByTestId("share-link");
  await expect(row).toContainText("Password");
  const url = await row.getByTestId("share-link-url").inputValue();

  await row.getByRole("button", { name: "Edit" }).click();
  await row.getByLabel("Download limit").fill("3");
  await row.getByRole("radio", { name: "Remove" }).check();
  await row.getByRole("button", { name: "Save changes" }).click();
  await expect(row).toContainText("0 of 3 downloads");
  await expect(row).not.toContainText("Password");

  const guest = await visitor(browser, baseURL);
  await guest.page.goto(url);
  await expect(guest.page.getByTestId("shared-file-name")).toHaveText("plan.txt");
  await expect(guest.page.getByTestId("share-limits")).toHaveText("3 downloads left");
  await guest.context.close();
});

test("unknown links all look the same", async ({ browser, baseURL }) => {
  const guest = await visitor(browser, baseURL);
  for (const token of ["x".repeat(43), "short", "A".repeat(43)]) {
    await guest.page.goto(`/s/${token}`);
    await expect(guest.page.getByRole("heading", { name: "Link not found" })).toBeVisible();
  }
  const refused = await guest.page.request.post(`/api/share/${"x".repeat(43)}/download`);
  expect(refused.status()).toBe(404);
  await guest.context.close();
});

test("downloads a folder as a zip", async ({ page, signedIn }) => {
  const folder = await seedDriveFolder(signedIn.id, "Trip");
  const sub = await seedDriveFolder(signedIn.id, "Day 1", folder.id);
  await seedDriveFile(signedIn.id, {
    name: "map.txt",
    body: "map",
    contentType: "text/plain",
    folderId: folder.id,
  });
  await seedDriveFile(signedIn.id, {
    name: "photo.png",
    body: solidPng(4, 4, [1, 2, 3]),
    contentType: "image/png",
    folderId: sub.id,
  });
  const res = await page.request.get(`/api/drive/zip?folders=${folder.id}`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/zip");
  expect(res.headers()["content-disposition"]).toMatch(/^attachment; filename="Trip\.zip"/);
  const entries = readZip(await res.body());
  expect(entries.map((e) => e.name).sort()).toEqual([
    "Trip/",
    "Trip/Day 1/",
    "Trip/Day 1/photo.png",
    "Trip/map.txt",
  ]);
  expect(entries.find((e) => e.name === "Trip/map.txt")?.data.toString()).toBe("map");

  const none = await page.request.get("/api/drive/zip");
  expect(none.status()).toBe(400);
  expect(await none.json()).toMatchObject({ message: "Select at least one item" });
});
