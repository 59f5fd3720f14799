import { expect, test } from "./support/fixtures";
import type { Page } from "@playwright/test";

// Search inside files in other scripts, end to end: Japanese and Chinese (no spaces: character
// bigrams), Cyrillic and Greek (case and accents folded), accented Latin — through the worker's
// MapReduce inverted index and the results page's marked snippets. Screenshots at 1440 and 390 px,
// light and dark (SHOTS_DIR, default the test's output folder).

const FILES = [
  { name: "東京メモ.txt", text: "私は東京都に住んでいます。毎朝コーヒーを飲みます。" },
  { name: "北京.txt", text: "我在北京大学学习中文。" },
  { name: "москва.txt", text: "Привет из Москвы! Красная площадь зимой." },
  { name: "αθήνα.txt", text: "Καλημέρα από την Αθήνα. Η Ακρόπολη." },
  { name: "zürich.txt", text: "Grüße aus Zürich: die Straße am See, crème brûlée." },
];

async function search(page: Page, q: string, found?: number) {
  const box = page.getByRole("searchbox", { name: "Search inside files" });
  await box.fill(q);
  await box.press("Enter");
  // The page for this query, not the last one (a form GET: spaces may come as "+").
  await expect.poll(() => new URL(page.url()).searchParams.get("q"), { timeout: 60_000 }).toBe(q);
  if (found === 1)
    await expect(page.getByTestId("search-count")).toHaveText(`1 file contains “${q}”`);
}

test("find words in Japanese, Chinese, Cyrillic, Greek and accented Latin", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  await page.goto("/drive");
  await page
    .getByTestId("upload-input")
    .setInputFiles(
      FILES.map((f) => ({ name: f.name, mimeType: "text/plain", buffer: Buffer.from(f.text) })),
    );
  await expect(page.getByTestId("upload-panel")).toContainText(`${FILES.length} files uploaded`);

  await search(page, "東京都");
  await expect(page.getByTestId("search-index-status")).toHaveText(
    `Indexed ${FILES.length} files`,
    { timeout: 300_000 },
  );
  // Asked again once the index is done (the page's own refresh is not what this spec tests).
  await search(page, "東京都", 1);
  const results = page.getByTestId("search-results").getByRole("listitem");
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("東京メモ.txt");
  await expect(results.first().locator("mark")).toHaveText(["東京都"]);

  await search(page, "北京大学", 1);
  await expect(results).toHaveCount(1);
  await expect(results.first().locator("mark")).toHaveText(["北京大学"]);

  await search(page, "ПЛОЩАДЬ красная", 1);
  await expect(results).toHaveCount(1);
  await expect(results.first()).toContainText("москва.txt");
  await expect(results.first().locator("mark")).toHaveText(["Красная", "площадь"]);

  await search(page, "αθηνα", 1);
  await expect(results).toHaveCount(1);
  await expect(results.first().locator("mark")).toHaveText(["Αθήνα"]);

  await search(page, "strasse zurich", 1);
  await expect(results).toHaveCount(1);
  await expect(results.first().locator("mark")).toHaveText(["Zürich", "Straße"]);

  await search(page, "東京 北京");
  await expect(page.getByRole("heading", { name: "No files contain “東京 北京”" })).toBeVisible();

  await search(page, "東京都", 1);
  await expect(results).toHaveCount(1);
  const shots = process.env.SHOTS_DIR ?? test.info().outputPath();
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
      await page.screenshot({ path: `${shots}/search-cjk-${width}-${scheme}.png`, fullPage: true });
    }
  }
});
