import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createAccount, withConnection } from "./support/db";
import { expect, test } from "./support/fixtures";
import { createReplayTracker, submitReplayTracker, uploadToDrive } from "./support/pulse";

// Pulse end to end in Chromium: a file of posts uploaded to the Drive, a replay tracker on it, the
// dashboard filling live through listener → executor → consumer → live stream, a hashtag click
// filtering the posts, and the CSV exports.

const ROWS = 24;

/**
 * ROWS posts two seconds apart: about 46 s at 1×, so the dashboard is watched while it fills even
 * when a loaded machine takes 20-25 s to show it after the form (seen at load 25-29).
 */
function replayFile(): string {
  const start = Date.UTC(2025, 0, 1, 12, 0, 0);
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const text =
      i % 3 === 0
        ? `I love the new solar energy plan, wonderful news #solar #energy ${i}`
        : i % 3 === 1
          ? `This energy price hike is terrible and awful #prices ${i}`
          : `Energy report ${i} published today #wind`;
    return JSON.stringify({
      id: `post-${i}`,
      text,
      time: new Date(start + i * 2_000).toISOString(),
      author: `user${i % 4}.example`,
      lang: "en",
    });
  });
  const file = test.info().outputPath("energy-posts.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const csvRows = (text: string) => text.trim().split(/\r\n/);

test("a replay tracker fills the dashboard live; hashtags filter; CSV exports", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  test.setTimeout(240_000);
  await uploadToDrive(page, replayFile());
  const trackerId = await createReplayTracker(page, {
    name: "Energy",
    keywords: "energy",
    fileName: "energy-posts.ndjson",
    speed: "1×",
  });
  await expect(page.getByTestId("live-status")).toHaveText("Live", { timeout: 30_000 });

  // No reload happens while it fills: this marker would be gone.
  await page.evaluate(() => ((window as unknown as { pulseMarker: number }).pulseMarker = 1));
  const total = page.getByTestId("total-posts");
  // Watch the count climb: it passes through values between none and all (batches of ~1 s).
  const seen = new Set<number>();
  await expect
    .poll(
      async () => {
        const n = Number(await total.textContent());
        seen.add(n);
        return n;
      },
      { timeout: 120_000, intervals: [250] },
    )
    .toBe(ROWS);
  expect([...seen].some((n) => n > 0 && n < ROWS)).toBe(true);
  expect(
    await page.evaluate(() => (window as unknown as { pulseMarker?: number }).pulseMarker),
  ).toBe(1);

  await expect(page.getByTestId("post")).toHaveCount(ROWS);
  await expect(page.getByTestId("volume-chart").locator(".recharts-bar-rectangle")).not.toHaveCount(
    0,
  );
  await expect(page.getByTestId("sentiment-chart").locator(".recharts-line-curve")).not.toHaveCount(
    0,
  );
  await expect(page.getByTestId("total-positive")).toHaveText(/^\d+%$/);

  // Top hashtags: #energy appears in a third of the posts, #prices and #wind likewise.
  const tags = page.getByTestId("top-hashtags");
  await expect(tags.getByRole("button", { name: /#solar\s*8/ })).toBeVisible();
  await tags.getByRole("button", { name: /#solar/ }).click();
  await expect(page.getByTestId("post-filter")).toHaveText("#solar");
  await expect(page.getByTestId("post")).toHaveCount(ROWS / 3);
  // Every widget, not only the list: the totals and the top hashtags count #solar's posts alone.
  await expect(page.getByTestId("filter-banner")).toContainText(
    "Every chart and list shows only posts with",
  );
  await expect(total).toHaveText(String(ROWS / 3));
  await expect(page.getByTestId("total-positive")).toHaveText("100%");
  await expect(tags.getByRole("button", { name: /#energy/ })).toBeVisible();
  await expect(tags).not.toContainText("#prices");
  for (const text of await page.getByTestId("post").allTextContents())
    expect(text).toContain("#solar");
  // Tabs narrow further; clearing the filter shows everything again.
  await page.getByRole("tab", { name: "Negative" }).click();
  await expect(page.getByTestId("post")).toHaveCount(0);
  await page.getByRole("tab", { name: "All" }).click();
  await page.getByRole("button", { name: "Clear the filter" }).click();
  await expect(page.getByTestId("post")).toHaveCount(ROWS);
  await expect(total).toHaveText(String(ROWS));
  await expect(tags).toContainText("#prices");

  // CSV exports through the dashboard's links.
  const [posts] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Posts CSV" }).click(),
  ]);
  expect(posts.suggestedFilename()).toBe("pulse-Energy-posts-1h.csv");
  const postLines = csvRows(readFileSync(await posts.path(), "utf8"));
  expect(postLines[0]).toBe(
    "id,source,posted_at_utc,author,lang,language,label,score,confidence,hashtags,text,url",
  );
  expect(postLines).toHaveLength(ROWS + 1);
  // The replay file's own ids, every one of them.
  expect(
    postLines
      .slice(1)
      .map((l) => l.split(",")[0])
      .sort(),
  ).toEqual(Array.from({ length: ROWS }, (_, i) => `post-${i}`).sort());
  expect(postLines.filter((l) => l.includes(",positive,"))).toHaveLength(ROWS / 3);
  expect(postLines.some((l) => l.includes(",2025-01-01T12:00:00.000Z,"))).toBe(true);

  const [aggregates] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Aggregates CSV" }).click(),
  ]);
  const aggLines = csvRows(readFileSync(await aggregates.path(), "utf8"));
  expect(aggLines[0]).toBe("minute_utc,posts,positive,negative,neutral,unscored,mean_score");
  const sum = aggLines.slice(1).reduce((s, l) => s + Number(l.split(",")[1]), 0);
  expect(sum).toBe(ROWS);

  // A reload shows the same data, and the replay as finished once its cursor says so.
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("replay-state").textContent();
      },
      { timeout: 20_000 },
    )
    .toBe(`Replay of energy-posts.ndjson finished. ${ROWS} posts from ${ROWS} rows.`);
  await expect(page.getByTestId("tracker-status")).toHaveText("Replay finished");
  await expect(total).toHaveText(String(ROWS));

  // The tracker lists with its day's count.
  await page.goto("/pulse");
  await expect(page.getByRole("link", { name: "Energy", exact: true })).toBeVisible();
  await expect(page.getByText(`${ROWS} posts in the last 24 h`)).toBeVisible();
  const count = await withConnection(async (c) => {
    const [row] = (await c.query("SELECT COUNT(*) AS n FROM PulsePost WHERE trackerId = ?", [
      trackerId,
    ])) as { n: bigint }[];
    return Number(row?.n);
  });
  expect(count).toBe(ROWS);
});

test("another user's tracker answers like a missing one", async ({ page, signedIn }) => {
  void signedIn;
  // Its own other user: borrowing an existing one put "Secret" into a parallel spec's list.
  const owner = await createAccount();
  const theirs = await withConnection(async (c) => {
    const id = `e2ep${Date.now().toString(36)}`;
    await c.query(
      `INSERT INTO PulseTracker (id, ownerId, name, keywords, hashtags, languages, sources, scorer, status, updatedAt)
       VALUES (?, ?, 'Secret', '["x"]', '[]', '[]', '["replay"]', 'wink', 'paused', NOW(3))`,
      [id, owner.id],
    );
    return id;
  });
  try {
    const res = await page.goto(`/pulse/${theirs}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This tracker does not exist" })).toBeVisible();
    await expect(page.getByText("Secret")).toHaveCount(0);
    for (const sub of ["export?kind=posts", "posts", "stream", "snapshot"]) {
      const r = await page.request.get(`/api/pulse/${theirs}/${sub}`);
      expect(r.status(), sub).toBe(404);
    }
    await page.goto("/pulse");
    await expect(page.getByText("Secret")).toHaveCount(0);
  } finally {
    await withConnection((c) => c.query("DELETE FROM PulseTracker WHERE id = ?", [theirs]));
  }
});

test("a file without posts is refused when the tracker is made, with what was read", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  // In the test's own folder: this file's shared one may be gone when another worker ends.
  const sales = test.info().outputPath("sales.csv");
  writeFileSync(
    sales,
    "order_id,region,product,amount\n1001,EU,Widget,19.90\n1002,US,Gadget,5.00\n1003,EU,Gizmo,7.25\n1004,APAC,Widget,19.90\n",
  );
  await uploadToDrive(page, sales);
  await submitReplayTracker(page, {
    name: "Sales",
    keywords: "widget",
    fileName: "sales.csv",
    speed: "As fast as possible",
  });
  await expect(page).toHaveURL(/\/pulse\/new$/);
  await expect(page.locator("#replayFileId-error")).toHaveText(
    "“sales.csv” has no posts to replay: it lacks a text column and a time column. Each row needs text (or content, body, full_text, message) and time (or created_at, timestamp, date, datetime, posted_at).",
  );
  const sample = page.getByTestId("replay-sample");
  await expect(sample).toContainText("Columns read: order_id, region, product, amount");
  await expect(sample.locator("pre")).toHaveText(
    "1001,EU,Widget,19.90\n1002,US,Gadget,5.00\n1003,EU,Gizmo,7.25",
  );
  // Nothing was made.
  await page.goto("/pulse");
  await expect(page.getByRole("link", { name: "Sales", exact: true })).toHaveCount(0);

  // Screenshots for review (desktop, phone, dark), written to test-results.
  await submitReplayTracker(page, {
    name: "Sales",
    keywords: "widget",
    fileName: "sales.csv",
    speed: "As fast as possible",
  });
  await expect(sample).toBeVisible();
  const shots = test.info().outputPath();
  await sample.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "refused-desktop.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await sample.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "refused-phone.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: path.join(shots, "refused-phone-dark.png") });
  await page.setViewportSize({ width: 1440, height: 900 });
  await sample.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "refused-desktop-dark.png") });
});
