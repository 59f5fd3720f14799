import { writeFileSync } from "node:fs";
import { expect, test } from "./support/fixtures";
import { createReplayTracker, uploadToDrive } from "./support/pulse";

// Compare shows sentiment as well as volume: two replay trackers on one file (one keyword finds
// the glad posts, the other the angry ones); on the first one's dashboard, "Compare with" the
// second adds its dashed volume line, its positive and negative lines in the sentiment chart and
// a table of both trackers' posts and shares. Screenshots at 1440 and 390 px, light and dark.

const EACH = 8;

function replayFile(): string {
  const start = Date.UTC(2025, 0, 1, 12, 0, 0);
  const lines = Array.from({ length: EACH * 2 }, (_, i) =>
    JSON.stringify({
      id: `post-${i}`,
      text:
        i % 2 === 0
          ? `I love the wonderful new solar plan, great news ${i}`
          : `These energy prices are terrible, awful and sad ${i}`,
      time: new Date(start + i * 1_000).toISOString(),
      author: `user${i % 3}.example`,
      lang: "en",
    }),
  );
  const file = test.info().outputPath("mood-posts.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const percent = (s: string | null) => Number((s ?? "").replace("%", ""));

test("compare with another tracker: volume and sentiment side by side", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  await page.setViewportSize({ width: 1440, height: 900 });
  await uploadToDrive(page, replayFile());
  const form = { fileName: "mood-posts.ndjson", speed: "As fast as possible" } as const;
  await createReplayTracker(page, { ...form, name: "Prices", keywords: "prices" });
  await expect(page.getByTestId("total-posts")).toHaveText(String(EACH), { timeout: 180_000 });
  await createReplayTracker(page, { ...form, name: "Solar", keywords: "solar" });
  await expect(page.getByTestId("total-posts")).toHaveText(String(EACH), { timeout: 180_000 });

  const sentiment = page.getByTestId("sentiment-chart");
  const lines = sentiment.locator(".recharts-line-curve");
  await expect(lines).not.toHaveCount(0);
  const alone = await lines.count();

  await page.getByRole("combobox", { name: /^Compare with/ }).selectOption({ label: "Prices" });
  const table = page.getByTestId("compare-table");
  const rows = table.locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).locator("td").nth(0)).toHaveText("Solar");
  await expect(rows.nth(1).locator("td").nth(0)).toHaveText("Prices");
  await expect(rows.nth(1).locator("td").nth(1)).toHaveText(String(EACH));
  // Sentiment, not only volume: the glad tracker is mostly positive, the angry one negative.
  const cell = (r: number, c: number) => rows.nth(r).locator("td").nth(c).textContent();
  await expect.poll(async () => percent(await cell(0, 2))).toBeGreaterThan(50);
  await expect.poll(async () => percent(await cell(1, 3))).toBeGreaterThan(50);
  expect(percent(await cell(1, 2))).toBeLessThan(percent(await cell(0, 2)));
  // The other tracker's positive and negative shares join the sentiment chart, in its legend.
  await expect(lines).toHaveCount(alone + 2);
  await expect(sentiment).toContainText("Prices: positive");
  await expect(sentiment).toContainText("Prices: negative");
  await expect(page.getByTestId("volume-chart")).toContainText("Prices");

  const shots = process.env.SHOTS_DIR ?? test.info().outputPath();
  await page.screenshot({ path: `${shots}/compare-1440.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/compare-1440-dark.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(rows).toHaveCount(2);
  await page.screenshot({ path: `${shots}/compare-390-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: `${shots}/compare-390.png`, fullPage: true });

  // The alerts form: in each row of three fields the controls line up, at every width where the
  // row is three columns, though one label wraps or one field has a hint.
  const trackerId = new URL(page.url()).pathname.split("/").pop()!;
  await page.goto(`/pulse/${trackerId}/alerts`);
  const top = async (label: string) =>
    Math.round((await page.getByLabel(label, { exact: true }).first().boundingBox())!.y);
  for (const width of [1440, 1100, 800]) {
    await page.setViewportSize({ width, height: 900 });
    await expect(page.getByLabel("Over the last", { exact: true }).first()).toBeVisible();
    const row1 = await top("Times the usual volume");
    expect(await top("Over the last")).toBe(row1);
    expect(await top("Compared with the")).toBe(row1);
    const row2 = await top("Only with at least (posts)");
    expect(await top("Then stay quiet for")).toBe(row2);
    await page.screenshot({ path: `${shots}/alerts-form-${width}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/alerts-form-800-dark.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/alerts-form-390-dark.png`, fullPage: true });
});
