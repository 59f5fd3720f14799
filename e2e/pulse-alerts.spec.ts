import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/fixtures";
import { waitForMail } from "./support/mail";
import { createReplayTracker, uploadToDrive } from "./support/pulse";

// Pulse's tracker form and alerts in Chromium: no source ticked for you, every error at once, a
// boolean query's parse error, the replay format with its sample; then a spike rule on a replay
// tracker that fires (in the background, every minute), lands in the history and in the mailbox,
// and is edited and deleted.

const SHOTS = process.env.PULSE_SHOTS_DIR;

test("the tracker form: nothing pre-ticked, all errors at once, query errors, the format", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  await page.goto("/pulse/new");
  for (const source of [/Bluesky/, /Mastodon/, /^X/, /Replay a file/])
    await expect(page.getByLabel(source)).not.toBeChecked();

  await page.getByLabel("Keywords").fill('climate AND (policy OR "carbon tax"');
  await page.getByRole("button", { name: "Create tracker" }).click();
  await expect(page.getByText("Name the tracker")).toBeVisible();
  await expect(page.getByText("Pick at least one source")).toBeVisible();
  await expect(
    page.getByText(
      'In “climate AND (policy OR "carbon tax"”: At position 36: expected “)” or an operator (AND, OR, NOT), found the end.',
    ),
  ).toBeVisible();

  await page.getByLabel(/Replay a file/).check();
  await page.getByText("File format").click();
  const format = page.getByTestId("replay-format");
  await expect(format).toContainText("ISO 8601");
  const href = await format.getByRole("link", { name: "CSV" }).getAttribute("href");
  const sample = await page.request.get(href!);
  expect(sample.status()).toBe(200);
  expect(await sample.text()).toMatch(/^id,time,author,lang,text\nsample-1,/);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "form.png"), fullPage: true });
});

test("a spike rule fires in the background, is mailed, edited and deleted", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(240_000);
  const start = Date.UTC(2025, 0, 1, 12, 0, 0);
  const rows = Array.from({ length: 30 }, (_, i) =>
    JSON.stringify({
      id: `a-${i}`,
      text: `Storm warning ${i}: the wind is terrible #storm`,
      time: new Date(start + i * 1_000).toISOString(),
      lang: "en",
    }),
  );
  const file = test.info().outputPath("storm.ndjson");
  writeFileSync(file, `${rows.join("\n")}\n`);
  await uploadToDrive(page, file);
  const trackerId = await createReplayTracker(page, {
    name: "Storm",
    keywords: "storm OR wind",
    fileName: "storm.ndjson",
    speed: "As fast as possible",
  });
  await expect(page.getByTestId("total-posts")).toHaveText("30", { timeout: 90_000 });

  // The live dashboard keeps re-rendering under load; the link is checked, then followed.
  await expect(page.getByRole("link", { name: "Alerts" })).toHaveAttribute(
    "href",
    `/pulse/${trackerId}/alerts`,
  );
  await page.goto(`/pulse/${trackerId}/alerts`);
  await expect(page.getByTestId("alerts-empty")).toBeVisible();
  await expect(page.getByTestId("alert-history-empty")).toBeVisible();

  const form = page.getByRole("form", { name: "New alert rule" });
  await form.getByLabel("Times the usual volume").fill("2");
  await form.getByLabel("Over the last").selectOption("5");
  await form.getByLabel("Compared with the").selectOption("30");
  await form.getByLabel("Only with at least (posts)").fill("10");
  await form.getByRole("button", { name: "Add rule" }).click();
  const rule = page.getByTestId("alert-rule");
  await expect(rule).toContainText("Volume at 2× the usual, over 5 min against the 30 min before");

  // Evaluated every minute by the worker: wait for the history to show it.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("alert-history")).toContainText("Volume spike", {
      timeout: 2_000,
    });
  }).toPass({ timeout: 150_000 });
  await expect(page.getByTestId("alert-history")).toContainText("30 posts in the last 5 min");
  const mail = await waitForMail(signedIn.email, `/pulse/${trackerId}/alerts`, 60_000);
  expect(mail).toContain("30 posts in the last 5 min");
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, "alerts.png"), fullPage: true });

  await rule.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit alert rule" });
  await edit.getByLabel("Times the usual volume").fill("5");
  await edit.getByLabel("Enabled").uncheck();
  await edit.getByRole("button", { name: "Save rule" }).click();
  await expect(page.getByTestId("alert-rule")).toContainText("Volume at 5× the usual");
  await expect(page.getByTestId("alert-rule")).toContainText("Off");

  page.once("dialog", (d) => void d.accept());
  await page.getByTestId("alert-rule").getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("alerts-empty")).toBeVisible();
});
