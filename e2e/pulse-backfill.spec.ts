import { expect, test } from "./support/fixtures";
import { BACKFILL_POSTS } from "./support/backfill-posts";

// Historical backfill: a Bluesky tracker made now is empty (the e2e listener's Jetstream goes
// nowhere); "Backfill the last 24 h" searches the loopback stand-in of Bluesky's post search
// (e2e/support/bluesky-search-server.ts, the worker's PULSE_BSKY_SEARCH_URL), and the posts of the
// last day that match fill the dashboard, scored; older and unrelated posts stay out. The
// dashboard moves to the 24 h range, since the posts count in the hours they were written (in the
// default 1 h range they never showed). A second backfill adds nothing twice. Screenshots at 1440
// and 390 px, light and dark (SHOTS_DIR, default the test's output folder).

test("backfill the last day of a new Bluesky tracker from the search stand-in", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/pulse/new");
  await page.getByLabel("Name").fill("Heat");
  await page.getByLabel("Keywords").fill("heatwave");
  await page.getByLabel(/Bluesky/).check();
  await page.getByRole("button", { name: "Create tracker" }).click();
  await expect(page).toHaveURL(/\/pulse\/(?!new$)[a-z0-9]+$/);
  await expect(page.getByTestId("total-posts")).toHaveText("0");

  const backfill = page.getByTestId("backfill");
  await expect(backfill).toHaveAttribute("data-state", "none");
  await backfill.getByRole("combobox").selectOption("24");
  await backfill.getByRole("button", { name: "Backfill" }).click();
  // The range that reaches back a day, chosen for the user.
  await expect(page).toHaveURL(/[?&]range=24h$/);
  await expect(page.getByRole("link", { name: "24 h" })).toHaveAttribute("aria-current", "page");
  await expect(backfill).toHaveAttribute("data-state", "done", { timeout: 300_000 });
  await expect(page.getByTestId("backfill-status")).toContainText(
    `${BACKFILL_POSTS} matching posts found in the last 24 h`,
  );
  await expect(page.getByTestId("total-posts")).toHaveText(String(BACKFILL_POSTS));
  const posts = page.getByTestId("post");
  await expect(posts).toHaveCount(BACKFILL_POSTS);
  // Newest on top, named by the source users know (not "jetstream").
  await expect(posts.first()).toContainText("Heatwave 0");
  await expect(posts.last()).toContainText(`Heatwave ${BACKFILL_POSTS - 1}`);
  await expect(posts.first().getByTestId("post-source")).toHaveText("Bluesky");
  const texts = (await posts.allTextContents()).join("\n");
  expect(texts).toContain("Heatwave 0");
  expect(texts).not.toContain("two days ago");
  expect(texts).not.toContain("Snow");
  // Scored like live posts: the glad ones and the angry ones.
  await expect(page.getByTestId("total-positive")).not.toHaveText("0%");
  await expect(page.getByTestId("total-negative")).not.toHaveText("0%");

  const shots = process.env.SHOTS_DIR ?? test.info().outputPath();
  await page.screenshot({ path: `${shots}/backfill-1440.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/backfill-1440-dark.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/backfill-390-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: `${shots}/backfill-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // Again: the same posts are found and none is stored twice.
  const first = await backfill.getAttribute("data-at");
  await backfill.getByRole("button", { name: "Backfill" }).click();
  await expect(backfill).not.toHaveAttribute("data-at", first!);
  await expect(backfill).toHaveAttribute("data-state", "done", { timeout: 300_000 });
  await page.reload();
  await expect(page.getByTestId("total-posts")).toHaveText(String(BACKFILL_POSTS));
  await expect(page.getByTestId("post")).toHaveCount(BACKFILL_POSTS);
});
