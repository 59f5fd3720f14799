import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { addFile, addFolder, fileRow, folderIdByName, objectExists } from "./support/drive";

// Browsing and organising the Drive: folders, breadcrumbs, rename, move, search, sort and the
// trash. Files are made directly in the database and the store (uploading has its own test).

const table = (page: Page) => page.getByTestId("file-table");
const row = (page: Page, name: string) =>
  page.getByTestId("drive-row").filter({ has: page.getByText(name, { exact: true }) });

// The names in the list, in order (retried until they match, like every web-first assertion).
const itemNames = (page: Page) => page.getByTestId("item-name");

async function rowAction(page: Page, name: string, action: string) {
  await page.getByRole("button", { name: `Actions for ${name}`, exact: true }).click();
  await page.getByRole("menuitem", { name: action }).click();
}

const status = (page: Page) => page.getByRole("status").filter({ hasText: /\S/ });

test("creates folders and walks them with breadcrumbs", async ({ page, signedIn }) => {
  void signedIn;
  await page.goto("/drive");
  await expect(page.getByText("Your drive is empty")).toBeVisible();
  await expect(page.getByText("Drop files here or click Upload.")).toBeVisible();

  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("Projects");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(status(page)).toContainText("Created “Projects”.");
  await table(page).getByRole("link", { name: "Projects", exact: true }).click();

  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(crumbs.locator("[aria-current=page]")).toHaveText("Projects");
  await expect(page.getByText("This folder is empty")).toBeVisible();

  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("2026");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await table(page).getByRole("link", { name: "2026", exact: true }).click();
  await expect(crumbs.locator("[aria-current=page]")).toHaveText("2026");
  await expect(crumbs.getByRole("link")).toHaveText(["My Drive", "Projects"]);

  await crumbs.getByRole("link", { name: "Projects" }).click();
  await expect(crumbs.locator("[aria-current=page]")).toHaveText("Projects");
  // A taken name is refused with a message, not silently numbered.
  await page.getByRole("button", { name: "New folder" }).click();
  await page.getByLabel("Folder name").fill("2026");
  await page.getByRole("button", { name: "Create", exact: true }).click();
  await expect(page.getByRole("dialog")).toContainText("An item named “2026” already exists here.");
  await page.getByRole("button", { name: "Cancel" }).click();

  await crumbs.getByRole("link", { name: "My Drive" }).click();
  await expect(crumbs.locator("[aria-current=page]")).toHaveText("My Drive");
  await expect(table(page).getByRole("link", { name: "Projects" })).toBeVisible();
});

test("renames and moves files and folders", async ({ page, signedIn }) => {
  const archive = await addFolder(signedIn.id, "Archive");
  await addFolder(signedIn.id, "Inner", archive.id);
  const draft = await addFile(signedIn.id, "draft.txt");
  await addFile(signedIn.id, "final.txt", { folderId: archive.id });
  await page.goto("/drive");

  await rowAction(page, "draft.txt", "Rename…");
  await page.getByLabel("New name").fill("notes.txt");
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(status(page)).toContainText("Renamed to “notes.txt”.");
  await expect(row(page, "notes.txt")).toBeVisible();
  expect((await fileRow(draft.id))?.name).toBe("notes.txt");

  // Moving into a folder that already has the name numbers it.
  await rowAction(page, "notes.txt", "Rename…");
  await page.getByLabel("New name").fill("final.txt");
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(status(page)).toContainText("Renamed to “final.txt”.");
  await rowAction(page, "final.txt", "Move…");
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Archive", exact: true }).click();
  await expect(dialog.getByRole("button", { name: "Inner", exact: true })).toBeVisible();
  await dialog.getByRole("button", { name: "Move here" }).click();
  await expect(status(page)).toContainText("Moved 1 item to “Archive”.");
  await expect(status(page)).toContainText("“final.txt” is now “final (1).txt”");
  await expect(row(page, "final.txt")).toHaveCount(0);

  // A folder cannot be moved into itself: the picker does not offer it.
  await rowAction(page, "Archive", "Move…");
  await expect(dialog.getByRole("button", { name: "Archive", exact: true })).toBeDisabled();
  await page.keyboard.press("Escape");

  await table(page).getByRole("link", { name: "Archive", exact: true }).click();
  await expect(itemNames(page)).toHaveText(["Inner", "final (1).txt", "final.txt"]);

  // Rename a folder, then move it to the root with the selection bar.
  await rowAction(page, "Inner", "Rename…");
  await page.getByLabel("New name").fill("Moved out");
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(row(page, "Moved out")).toBeVisible();
  await page.getByLabel("Select Moved out").check();
  await page
    .getByRole("region", { name: "Selected items" })
    .getByRole("button", {
      name: "Move…",
    })
    .click();
  await dialog.getByRole("button", { name: "My Drive" }).click();
  await dialog.getByRole("button", { name: "Move here" }).click();
  await expect(status(page)).toContainText("Moved 1 item to My Drive.");
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link").click();
  await expect(itemNames(page)).toHaveText(["Archive", "Moved out"]);
});

test("searches the whole drive and sorts the list", async ({ page, signedIn }) => {
  const reports = await addFolder(signedIn.id, "Reports");
  const day = (n: number) => new Date(Date.UTC(2026, 0, n));
  await addFile(signedIn.id, "report-small.txt", { body: "x", at: day(3) });
  await addFile(signedIn.id, "Annual report.pdf", {
    folderId: reports.id,
    body: "x".repeat(5000),
    contentType: "application/pdf",
    at: day(1),
  });
  await addFile(signedIn.id, "photo.png", {
    body: "x".repeat(300),
    contentType: "image/png",
    at: day(2),
  });
  // Names are text, never markup.
  await addFile(signedIn.id, "<img src=x onerror=alert(1)>report.html", {
    contentType: "text/html",
  });
  let alerted = false;
  page.on("dialog", (d) => {
    alerted = true;
    void d.dismiss();
  });

  await page.goto("/drive");
  const search = page.getByRole("searchbox", { name: "Search your drive" });
  await search.fill("REPORT");
  await search.press("Enter");
  await expect(page.getByRole("heading", { name: "Results for “REPORT”" })).toBeVisible();
  await expect(row(page, "Annual report.pdf")).toContainText("In /Reports");
  await expect(itemNames(page)).toHaveText([
    "Reports",
    "<img src=x onerror=alert(1)>report.html",
    "Annual report.pdf",
    "report-small.txt",
  ]);
  await page.getByRole("link", { name: "Clear search" }).click();
  // The search results have the same headers: wait for the folder itself before sorting it, or a
  // slow navigation leaves the sort link of the results page under the click.
  await expect(page.getByRole("heading", { name: /^Results for/ })).toHaveCount(0);
  await expect(row(page, "photo.png")).toBeVisible();

  const header = (name: string) => page.getByRole("columnheader", { name: new RegExp(`^${name}`) });
  await expect(header("Name")).toHaveAttribute("aria-sort", "ascending");
  await header("Size").getByRole("link").click();
  await expect(header("Size")).toHaveAttribute("aria-sort", "ascending");
  await expect(header("Name")).not.toHaveAttribute("aria-sort");
  await expect(itemNames(page)).toHaveText([
    "Reports",
    "report-small.txt",
    "<img src=x onerror=alert(1)>report.html",
    "photo.png",
  ]);
  await header("Size").getByRole("link").click();
  await expect(header("Size")).toHaveAttribute("aria-sort", "descending");
  await expect(itemNames(page)).toHaveText([
    "Reports",
    "photo.png",
    "<img src=x onerror=alert(1)>report.html",
    "report-small.txt",
  ]);
  await header("Modified").getByRole("link").click();
  await expect(header("Modified")).toHaveAttribute("aria-sort", "ascending");
  await expect(itemNames(page)).toHaveText([
    "Reports",
    "photo.png",
    "report-small.txt",
    "<img src=x onerror=alert(1)>report.html",
  ]);
  await expect(page).toHaveURL(/sort=modified/);
  expect(alerted).toBe(false);
});

test("trashes and restores, recreating a folder that is gone", async ({ page, signedIn }) => {
  const reports = await addFolder(signedIn.id, "Reports");
  const q1 = await addFile(signedIn.id, "q1.pdf", { folderId: reports.id });
  await addFile(signedIn.id, "q2.pdf", { folderId: reports.id });
  await page.goto("/drive");
  await table(page).getByRole("link", { name: "Reports", exact: true }).click();

  await rowAction(page, "q1.pdf", "Move to trash");
  await expect(status(page)).toContainText("Moved 1 item to the trash.");
  await expect(row(page, "q1.pdf")).toHaveCount(0);
  // Undo puts it straight back.
  await status(page).getByRole("button", { name: "Undo" }).click();
  await expect(status(page)).toContainText("Restored “q1.pdf” to /Reports.");
  await expect(row(page, "q1.pdf")).toBeVisible();
  await rowAction(page, "q1.pdf", "Move to trash");
  await expect(row(page, "q1.pdf")).toHaveCount(0);

  // Trash the folder as well, then delete it for good: q1.pdf, trashed on its own, stays.
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link").click();
  await rowAction(page, "Reports", "Move to trash");
  await expect(status(page)).toContainText("Moved 1 item to the trash.");
  await page.getByRole("link", { name: "Trash" }).click();
  const trashRows = page.getByTestId("trash-row");
  await expect(trashRows).toHaveCount(2);
  await expect(trashRows.filter({ hasText: "q1.pdf" })).toContainText("/Reports");

  await page.getByRole("button", { name: "Delete Reports forever" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete forever" }).click();
  await expect(page.getByRole("status")).toContainText("Deleted 1 item forever.");
  await expect(trashRows).toHaveCount(1);

  await page.getByRole("button", { name: "Restore q1.pdf" }).click();
  await expect(page.getByRole("status")).toContainText("Restored “q1.pdf” to /Reports.");
  await expect(page.getByText("The trash is empty")).toBeVisible();

  await page.getByRole("link", { name: "My Drive" }).click();
  await table(page).getByRole("link", { name: "Reports", exact: true }).click();
  await expect(itemNames(page)).toHaveText(["q1.pdf"]);
  const recreated = await folderIdByName(signedIn.id, "Reports");
  expect(recreated).not.toBe(reports.id);
  expect((await fileRow(q1.id))?.folderId).toBe(recreated);
});

test("empties the trash and deletes the stored objects", async ({ page, signedIn }) => {
  const a = await addFile(signedIn.id, "old-a.txt");
  const b = await addFile(signedIn.id, "old-b.txt");
  const keep = await addFile(signedIn.id, "keep.txt");
  await page.goto("/drive");
  await page.getByLabel("Select old-a.txt").check();
  await page.getByLabel("Select old-b.txt").check();
  await page
    .getByRole("region", { name: "Selected items" })
    .getByRole("button", {
      name: "Move to trash",
    })
    .click();
  await expect(status(page)).toContainText("Moved 2 items to the trash.");
  await expect(itemNames(page)).toHaveText(["keep.txt"]);

  await page.getByRole("link", { name: "Trash" }).click();
  await expect(page.getByTestId("trash-row")).toHaveCount(2);
  await page.getByRole("button", { name: "Empty trash" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Empty trash" }).click();
  // A background job (inngest/functions/empty-trash.ts) through the test worker: on a loaded
  // 2-core CI machine it can take several seconds to be picked up.
  await expect(page.getByRole("status")).toContainText("Deleted 2 files and 0 folders forever.", {
    timeout: 60_000,
  });
  await expect(page.getByText("The trash is empty")).toBeVisible();

  expect(await objectExists(a.storageKey)).toBe(false);
  expect(await objectExists(b.storageKey)).toBe(false);
  expect(await objectExists(keep.storageKey)).toBe(true);
  expect(await fileRow(a.id)).toBeNull();
});
