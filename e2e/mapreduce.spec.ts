import { expect, test } from "./support/fixtures";
import { waitForMail } from "./support/mail";

// Word count from the browser: upload a text in the new-job form, watch the map and reduce
// phases move, read the output preview, and get the e-mail whose link downloads the results.

/** ~250 KB of text (4 KiB map splits in the e2e worker: some 60 map tasks): 4,000 numbered lines over a small vocabulary, so counts are easy to check. */
function corpus() {
  const words = ["alpha", "Bravo", "charlie", "delta", "echo", "FOXTROT", "golf", "hotel"];
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const line: string[] = [`line${i % 50}`];
    for (let j = 0; j < 8; j++) line.push(words[(i * 7 + j * 3) % words.length]!);
    lines.push(`${line.join(" ")}, and the end.`);
  }
  return `${lines.join("\n")}\n`;
}

/** The job's rule: maximal runs of ASCII letters and digits, lowercased. */
function countWords(text: string) {
  const counts = new Map<string, number>();
  for (const w of text.match(/[A-Za-z0-9]+/g) ?? []) {
    const k = w.toLowerCase();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

test("word count from the browser: live phases, output preview, e-mailed link", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  const text = corpus();
  const expected = countWords(text);

  await page.goto("/mapreduce");
  await expect(page.getByRole("heading", { name: "No jobs yet" })).toBeVisible();
  await page.getByRole("link", { name: "New job" }).click();
  await expect(page).toHaveURL(/\/mapreduce\/new$/);
  await expect(page.getByRole("radio", { name: "Word count" })).toHaveAttribute(
    "aria-checked",
    "true",
  );

  // Submitting without input explains what is missing and starts nothing.
  await page.getByRole("button", { name: "Run job" }).click();
  await expect(page.getByText("Choose at least one input file.")).toBeVisible();

  // Run job while the input is still uploading: the button waits and says why, then runs the job
  // on the uploaded file. The upload is held at its last step (the Drive's completion call) so
  // the test sees it in flight, whatever the load.
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/api/drive/uploads/*/complete", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId("inputs-upload").setInputFiles({
    name: "letters.txt",
    mimeType: "text/plain",
    buffer: Buffer.from(text),
  });
  const run = page.getByRole("button", { name: /Run job|Waiting for uploads/ });
  await expect(run).toHaveText("Waiting for uploads…");
  await expect(run).toBeDisabled();
  await expect(page.getByTestId("run-waits")).toHaveText(
    "The job can run once the upload has finished and its file is in your Drive.",
  );
  // Screenshots for review (desktop, phone, dark), written to test-results.
  const shots = test.info().outputPath();
  await run.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/run-waits-desktop.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await run.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/run-waits-phone.png` });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/run-waits-phone-dark.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await run.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/run-waits-desktop-dark.png` });
  await page.emulateMedia({ colorScheme: "light" });
  // A click does nothing meanwhile: no submit, no "choose a file" error (the upload hid the old one).
  await run.click({ force: true });
  await expect(page).toHaveURL(/\/mapreduce\/new$/);
  await expect(page.getByText("Choose at least one input file.")).toHaveCount(0);
  release();
  const chosen = page.getByRole("list", { name: "Input files: chosen files" });
  await expect(chosen).toContainText("letters.txt", { timeout: 30_000 });
  await expect(page.getByText("Choose at least one input file.")).toHaveCount(0);
  await expect(run).toHaveText("Run job");
  await expect(run).toBeEnabled();
  await expect(page.getByTestId("run-waits")).toHaveCount(0);
  await page.unroute("**/api/drive/uploads/*/complete");
  await page.getByLabel("Name (optional)").fill("Letters");
  await page.getByRole("button", { name: "Run job" }).click();

  await expect(page).toHaveURL(/\/mapreduce\/[A-Za-z0-9_-]+$/, { timeout: 20_000 });
  await expect(page.getByRole("heading", { name: "Letters" })).toBeVisible();

  // The map card moves through several values before the job ends.
  const map = page.getByTestId("phase-map");
  const seen = new Set<string>();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const status = await page.locator("[data-status]").first().getAttribute("data-status");
    const figure = (await map.locator("p").first().textContent()) ?? "";
    seen.add(figure.replace(/\s+/g, " ").trim());
    if (status === "succeeded" || status === "failed") break;
    await page.waitForTimeout(150);
  }
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "succeeded");
  const total = Number(/\/ (\d+)/.exec([...seen].pop() ?? "")?.[1]);
  expect(total).toBeGreaterThanOrEqual(30);
  // Seen without a reload: at least one state in the middle of the map phase, and the end.
  const partial = [...seen].filter((s) => /^(\d+) \/ (\d+)/.test(s) && !s.startsWith(`${total} /`));
  expect(partial.length, [...seen].join(" | ")).toBeGreaterThanOrEqual(1);
  expect(seen.size).toBeGreaterThanOrEqual(3);
  await expect(map).toContainText(`${total} / ${total}`);
  await expect(page.getByTestId("phase-reduce")).toContainText("2 / 2");
  await expect(page.getByTestId("phase-shuffle")).toContainText("part 1");
  await expect(page.getByTestId("progress-chart").locator("svg").first()).toBeVisible();
  await expect(page.getByTestId("combiner-saving")).toBeVisible();

  // The preview lists the first lines of part-00000, each with its exact count.
  const preview = page.getByTestId("output-preview");
  await expect(preview).toBeVisible();
  const lines = ((await preview.textContent()) ?? "").split("\n").filter(Boolean);
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) {
    const [word, count] = line.split("\t");
    expect(Number(count), line).toBe(expected.get(word!));
  }
  await expect(page.getByRole("list", { name: "Output files" })).toContainText("part-00001");

  // The e-mail's link is no bearer link: it downloads both part files as a zip for the signed-in
  // owner only, and for nobody without a session.
  const mail = await waitForMail(signedIn.email, "Letters");
  expect(mail).toContain("finished");
  expect(mail).not.toMatch(/X-Amz-/);
  const link = /https?:\/\/\S+\/api\/drive\/zip\?files=\S+/.exec(mail)?.[0];
  expect(link).toBeDefined();
  expect((await fetch(link!)).status).toBe(401);
  const res = await page.request.get(link!);
  expect(res.status()).toBe(200);
  const zip = Buffer.from(await res.body());
  expect(zip.subarray(0, 2).toString()).toBe("PK");
  expect(zip.includes(Buffer.from("part-00000"))).toBe(true);
  expect(zip.includes(Buffer.from("part-00001"))).toBe(true);

  // The list shows the finished job; Clone and edit starts from its values.
  await page.goto("/mapreduce");
  await expect(page.getByRole("link", { name: "Letters" })).toBeVisible();
  await expect(page.locator("[data-status=succeeded]")).toBeVisible();
  await page.getByRole("link", { name: "Letters" }).click();
  await page.getByRole("link", { name: "Clone and edit" }).click();
  await expect(page.getByLabel("Name (optional)")).toHaveValue("Letters (copy)");
  await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
    "letters.txt",
  );
});

test("the old /jobs URLs land on MapReduce, which the navigation names", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  await page.goto("/jobs");
  await expect(page).toHaveURL(/\/mapreduce$/);
  await expect(page.getByRole("heading", { name: "MapReduce jobs" })).toBeVisible();
  await page.goto("/jobs/new");
  await expect(page).toHaveURL(/\/mapreduce\/new$/);
  await page.goto("/jobs/no-such-job");
  await expect(page).toHaveURL(/\/mapreduce\/no-such-job$/);
  await expect(page.getByRole("heading", { name: "This job does not exist" })).toBeVisible();
  await expect(page.getByRole("link", { name: "MapReduce" }).first()).toHaveAttribute(
    "href",
    "/mapreduce",
  );
});
