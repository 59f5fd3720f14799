import { makePdf } from "../lib/search/test-fixtures";
import { createAccount } from "./support/db";
import { expect, logIn, test } from "./support/fixtures";

// Search inside files, end to end: uploads through the Drive, the worker's index function
// (extraction in a child process, the MapReduce inverted index, postings in MariaDB), the
// results page with its live index status and marked snippets.

test("upload a text file and a PDF, wait for the index, find words inside both", async ({
  page,
  browser,
  signedIn,
}) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  void signedIn;
  await page.goto("/drive");
  await page.getByTestId("upload-input").setInputFiles([
    {
      name: "trip-notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("Day one. The aurora borealis glowed green over the fjord all night."),
    },
    {
      name: "brochure.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from(
        makePdf(["Glacier hiking tours depart daily", "from the aurora lodge at 9 am."]),
      ),
    },
  ]);
  await expect(page.getByTestId("upload-panel")).toContainText("2 files uploaded");

  const box = page.getByRole("searchbox", { name: "Search inside files" });
  await box.fill("aurora");
  await box.press("Enter");
  await expect(page).toHaveURL(/\/drive\/search\?q=aurora$/);
  // The status follows the worker, and the results refresh when it is done.
  await expect(page.getByTestId("search-index-status")).toHaveText("Indexed 2 files");
  const results = page.getByTestId("search-results").getByRole("listitem");
  await expect(results).toHaveCount(2);
  await expect(page.getByTestId("search-count")).toHaveText("2 files contain “aurora”");
  const pdf = results.filter({ hasText: "brochure.pdf" });
  await expect(pdf.locator("mark")).toHaveText(["aurora"]);
  // The snippet shows six words before the first hit, so the PDF's first word is cut.
  await expect(pdf).toContainText("… hiking tours depart daily from the aurora lodge at 9 am");
  await expect(pdf.getByRole("link", { name: "My Drive" })).toHaveAttribute("href", "/drive");

  // Every word must match; quotes ask for a phrase.
  await box.fill('"glacier hiking"');
  await box.press("Enter");
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("brochure.pdf");
  await expect(results.first().locator("mark")).toHaveText(["Glacier", "hiking"]);

  await box.fill("aurora fjord");
  await box.press("Enter");
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("trip-notes.txt");

  await box.fill("volcano");
  await box.press("Enter");
  await expect(page.getByRole("heading", { name: "No files contain “volcano”" })).toBeVisible();

  // Another user, signed in beside the first, searches for the same words and finds nothing.
  const other = await createAccount();
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": "198.18.250.7" },
  });
  const otherPage = await context.newPage();
  await logIn(otherPage, other.email, other.password);
  await expect(otherPage).toHaveURL(/\/home$/);
  await otherPage.goto("/drive/search?q=aurora");
  await expect(otherPage.getByTestId("search-index-status")).toHaveText("Indexed 0 files");
  await expect(otherPage.getByRole("heading", { name: "No files contain “aurora”" })).toBeVisible();
  await context.close();

  const shots = process.env.SEARCH_SHOTS_DIR;
  if (shots) {
    await box.fill("aurora");
    await box.press("Enter");
    await expect(results).toHaveCount(2);
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
        await page.screenshot({ path: `${shots}/search-${width}-${scheme}.png`, fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/drive");
    await page.screenshot({ path: `${shots}/drive-header-1440.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${shots}/drive-header-390.png` });
  }
});
