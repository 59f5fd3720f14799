import { expect, test } from "./support/fixtures";
import { addFile, addFolder } from "./support/drive";
import { withConnection } from "./support/db";
import type { Page } from "@playwright/test";

// The job form's code editor and dry run: write a mapper in the editor (the reducer is the
// template), test it on the first 100 lines — map output, sorted groups and reduce output —
// see a syntax error explained, then run the real job on the whole file and read its result. And
// the input picker: folders browsed, files filtered by type, uploads into the folder chosen.

/** 200 lines: every line has "alpha", even lines "beta", odd lines "gamma". */
const CORPUS =
  Array.from({ length: 200 }, (_, i) => `alpha ${i % 2 ? "gamma" : "beta"}`).join("\n") + "\n";

const UPPER_MAPPER = `import re
import sys

for line in sys.stdin:
    for word in re.findall(r"[a-z]+", line):
        print(f"{word.upper()}\\t1")
`;

async function writeCode(page: Page, label: string, code: string) {
  const editor = page.getByRole("textbox", { name: label });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
  await expect(editor).toContainText(code.split("\n")[0]!);
}

async function filesIn(ownerId: string, folderId: string) {
  return withConnection(async (c) => {
    const rows: { name: string }[] = await c.query(
      "SELECT name FROM `File` WHERE ownerId = ? AND folderId = ? AND trashedAt IS NULL ORDER BY name",
      [ownerId, folderId],
    );
    return rows.map((r) => r.name);
  });
}

test("write a mapper in the editor, test it on the first 100 lines, then run the job", async ({
  page,
  signedIn,
}) => {
  test.setTimeout(240_000);
  const corpora = await addFolder(signedIn.id, "Corpora");
  const year = await addFolder(signedIn.id, "2026", corpora.id);
  await addFile(signedIn.id, "words.txt", { folderId: year.id, body: CORPUS });
  await addFile(signedIn.id, "photo.png", {
    folderId: year.id,
    body: "not really a png",
    contentType: "image/png",
  });
  const programs = await addFolder(signedIn.id, "Programs");

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/mapreduce/new");
  await expect(page.locator("form[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("radio", { name: "Your own programs" }).click();

  // The input picker browses folders and lists text files only, unless asked for all.
  await page.getByRole("button", { name: "Choose from Drive" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Corpora" }).click();
  await dialog.getByRole("button", { name: "2026" }).click();
  await expect(dialog.getByRole("navigation", { name: "Folder" })).toContainText("Corpora");
  await expect(dialog.getByText("words.txt")).toBeVisible();
  await expect(dialog.getByText("photo.png")).toHaveCount(0);
  await expect(dialog.getByText("1 other file here is not text and data files.")).toBeVisible();
  await dialog.getByRole("button", { name: "Show all files" }).click();
  await expect(dialog.getByText("photo.png")).toBeVisible();
  await dialog.getByRole("checkbox", { name: /words\.txt/ }).check();
  await dialog.getByRole("button", { name: /^Done/ }).click();
  await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
    "words.txt",
  );

  // The editor starts with word count in Python 3; the mapper is rewritten to shout.
  await expect(page.getByText("Python 3 (.py). Python 2 code").first()).toBeVisible();
  await writeCode(page, "Mapper code", UPPER_MAPPER);
  await page
    .getByLabel("Uploads and saved programs go to")
    .selectOption({ label: "My Drive / Programs" });

  // The dry run: three panes over the first 100 lines.
  const dry = page.getByTestId("dry-run");
  await dry.getByRole("button", { name: "Test on the first 100 lines" }).click();
  await expect(page.getByTestId("dry-run-summary")).toHaveText("Read 100 lines of words.txt.");
  await expect(page.getByTestId("dry-run-map")).toContainText("200 records");
  await expect(page.getByTestId("dry-run-map").locator("pre").first()).toContainText(
    "ALPHA\t1\nBETA\t1\nALPHA\t1\nGAMMA\t1",
  );
  const groups = page.getByTestId("dry-run-groups");
  await expect(groups).toContainText("3 keys");
  await expect(groups.locator("li").first()).toContainText("ALPHA");
  await expect(groups.locator("li").nth(1)).toContainText("BETA");
  const reduce = page.getByTestId("dry-run-reduce");
  await expect(reduce.locator("pre").first()).toHaveText("ALPHA\t100\nBETA\t50\nGAMMA\t50\n");

  // Screenshots for review: desktop and phone, light and dark.
  const shots = test.info().outputPath();
  await dry.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/editor-dry-run-desktop.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/editor-dry-run-desktop-dark.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/editor-dry-run-phone-dark.png`, fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: `${shots}/editor-dry-run-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });

  // A syntax error: the dry run says so and shows the traceback; no reducer runs.
  await writeCode(page, "Mapper code", "import sys\nfor line in sys.stdin:\n    print(line\n");
  await dry.getByRole("button", { name: "Test on the first 100 lines" }).click();
  await expect(page.getByTestId("dry-run-map").getByRole("alert")).toContainText(
    "The mapper exited with status 1",
  );
  await expect(page.getByTestId("dry-run-map")).toContainText("SyntaxError");
  await expect(reduce).toContainText("Not run: the mapper failed.");
  await page.screenshot({ path: `${shots}/editor-dry-run-error-desktop.png`, fullPage: true });

  // Fixed again, the real job runs the programs saved to the chosen folder.
  await writeCode(page, "Mapper code", UPPER_MAPPER);
  await page.getByLabel("Name (optional)").fill("Shouting words");
  await page.getByRole("button", { name: "Run job" }).click();
  // The programs are saved first, then the job's page opens.
  await expect(page.getByRole("heading", { name: "Shouting words" })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "succeeded", {
    timeout: 180_000,
  });
  const preview = ((await page.getByTestId("output-preview").textContent()) ?? "")
    .split("\n")
    .filter(Boolean);
  // The whole file now: 200 lines.
  expect(preview).toContain("ALPHA\t200");
  expect(await filesIn(signedIn.id, programs.id)).toEqual(["mapper.py", "reducer.py"]);
});

test("uploads from the job form go to the folder the user picks", async ({ page, signedIn }) => {
  const inbox = await addFolder(signedIn.id, "Inbox");
  await page.goto("/mapreduce/new");
  // Hydration resets a choice made before it (the upload then went to My Drive, at load 12).
  await expect(page.locator("form[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
  await page
    .getByLabel("Uploads and saved programs go to")
    .selectOption({ label: "My Drive / Inbox" });
  await page.getByTestId("inputs-upload").setInputFiles({
    name: "notes.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("one two two\n"),
  });
  await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
    "notes.txt",
  );
  // Listed while it still uploads: the file is in the folder once the upload completes.
  await expect.poll(() => filesIn(signedIn.id, inbox.id)).toEqual(["notes.txt"]);
  // The picker finds it in that folder.
  await page.getByRole("button", { name: "Choose from Drive" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Inbox" }).click();
  await expect(dialog.getByRole("checkbox", { name: /notes\.txt/ })).toBeChecked();
  // A search looks through every folder and names the file's folder.
  await dialog.getByRole("button", { name: "My Drive" }).click();
  await dialog.getByLabel("Search files by name").fill("notes");
  await expect(dialog.getByText("My Drive / Inbox")).toBeVisible();
});
