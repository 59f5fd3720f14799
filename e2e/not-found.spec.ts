import type { Browser } from "@playwright/test";
import { createAccount } from "./support/db";
import { seedDriveFile, seedDriveFolder, seedShareLink, solidPng } from "./support/drive-seed";
import { withConnection } from "./support/db";
import { expect, logIn, test } from "./support/fixtures";

// Missing things answer HTTP 404 (issue 17): a folder, an image, a batch, a job, a tracker, and a
// share link that does not exist or is gone. The entity is resolved before any loading skeleton
// streams, since a streamed page has sent its 200 already; these check the real status line.

test("a missing folder, image, batch, job or tracker answers 404 with its own page", async ({
  page,
  signedIn,
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const folder = await seedDriveFolder(signedIn.id, "Reports");
  const text = await seedDriveFile(signedIn.id, {
    name: "notes.txt",
    body: "not an image",
    contentType: "text/plain",
  });
  const image = await seedDriveFile(signedIn.id, {
    name: "dot.png",
    body: solidPng(4, 4, [200, 30, 30]),
    contentType: "image/png",
  });

  // What exists answers 200, so the 404s below are about the missing ids only.
  for (const url of [
    "/drive",
    `/drive?folder=${folder.id}`,
    `/images/${image.id}`,
    "/images",
    "/mapreduce",
    "/pulse",
  ]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(200);
  }

  const missing: [string, string][] = [
    ["/drive?folder=e2edmissing00000000", "This folder does not exist"],
    ["/drive?folder=not%20an%20id!", "This folder does not exist"],
    ["/images/e2efmissing00000000", "This image is not available"],
    [`/images/${text.id}`, "This image is not available"],
    ["/images/batches/e2ejmissing", "This batch does not exist"],
    ["/mapreduce/e2ejmissing", "This job does not exist"],
    ["/pulse/e2epmissing", "This tracker does not exist"],
    ["/pulse/e2epmissing/edit", "This tracker does not exist"],
    ["/nowhere-at-all", "Page not found"],
  ];
  for (const [url, heading] of missing) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(page.getByRole("heading", { name: heading }), url).toBeVisible();
  }

  // Another user's folder and image are missing too, not forbidden.
  const other = await otherUser(browser, baseURL!);
  for (const url of [`/drive?folder=${folder.id}`, `/images/${image.id}`]) {
    const res = await other.goto(url);
    expect(res?.status(), url).toBe(404);
  }
  await other.context().close();

  // Screenshots for review: the in-shell not-found page, desktop, phone and dark.
  await page.goto("/pulse/e2epmissing");
  const shots = test.info().outputPath();
  await page.screenshot({ path: `${shots}/tracker-404-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/tracker-404-phone-dark.png`, fullPage: true });
});

async function otherUser(browser: Browser, baseURL: string) {
  const account = await createAccount();
  const context = await browser.newContext({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": `198.18.77.${Math.floor(Math.random() * 250) + 1}` },
  });
  const page = await context.newPage();
  await logIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/home$/);
  return page;
}

test("share links that do not exist or are gone answer 404 with the reason", async ({
  browser,
  baseURL,
  signedIn,
}) => {
  const file = await seedDriveFile(signedIn.id, {
    name: "plan.txt",
    body: "plan",
    contentType: "text/plain",
  });
  const open = await seedShareLink(signedIn.id, file.id);
  const revoked = await seedShareLink(signedIn.id, file.id);
  const expired = await seedShareLink(signedIn.id, file.id);
  const used = await seedShareLink(signedIn.id, file.id);
  await withConnection(async (c) => {
    await c.query("UPDATE ShareLink SET revokedAt = NOW(3) WHERE id = ?", [revoked.id]);
    await c.query("UPDATE ShareLink SET expiresAt = NOW(3) - INTERVAL 1 DAY WHERE id = ?", [
      expired.id,
    ]);
    await c.query("UPDATE ShareLink SET maxDownloads = 1, downloadCount = 1 WHERE id = ?", [
      used.id,
    ]);
  });

  const context = await browser.newContext({ baseURL });
  const guest = await context.newPage();
  const res = await guest.goto(`/s/${open.token}`);
  expect(res?.status()).toBe(200);
  await expect(guest.getByTestId("shared-file-name")).toHaveText("plan.txt");

  for (const [token, heading] of [
    ["x".repeat(43), "Link not found"],
    ["short", "Link not found"],
    [revoked.token, "Link turned off"],
    [expired.token, "Link expired"],
    [used.token, "Download limit reached"],
  ]) {
    const r = await guest.goto(`/s/${token}`);
    expect(r?.status(), heading).toBe(404);
    await expect(guest.getByTestId("share-refused")).toBeVisible();
    await expect(guest.getByRole("heading", { name: heading })).toBeVisible();
  }
  const shots = test.info().outputPath();
  await guest.setViewportSize({ width: 390, height: 844 });
  await guest.emulateMedia({ colorScheme: "dark" });
  await guest.screenshot({ path: `${shots}/share-gone-phone-dark.png`, fullPage: true });
  await context.close();
});
