import { expect, test } from "./support/fixtures";
import { addFile } from "./support/drive";
import type { Page } from "@playwright/test";

// A task that fails its first attempt and succeeds on the retry: the job succeeds, and the task's
// log dialog has one tab per attempt, each with that attempt's own stderr. Screenshots of the
// dialog at 1440 and 390 px, light and dark (SHOTS_DIR, default the test's output folder).

/** Fails its first attempt (Hadoop numbers attempts from 0), then counts words. */
const FLAKY_MAPPER = `import os
import re
import sys

if os.environ["mapreduce_task_attempt_id"].endswith("_0"):
    print("flaky: failing on purpose in the first attempt", file=sys.stderr)
    sys.exit(2)
print("flaky: the retry runs", file=sys.stderr)
for line in sys.stdin:
    for word in re.findall(r"[A-Za-z0-9]+", line):
        print(f"{word.lower()}\\t1")
`;

async function writeCode(page: Page, label: string, code: string) {
  const editor = page.getByRole("textbox", { name: label });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(code);
  await expect(editor).toContainText(code.split("\n")[0]!);
}

test("a task that fails once is retried: one log tab per attempt", async ({ page, signedIn }) => {
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  await addFile(signedIn.id, "words.txt", { body: "alpha beta\nalpha gamma\n" });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/mapreduce/new");
  await page.getByRole("radio", { name: "Your own programs" }).click();
  await page.getByRole("button", { name: "Choose from Drive" }).first().click();
  const picker = page.getByRole("dialog");
  await picker.getByRole("checkbox", { name: /words\.txt/ }).check();
  await picker.getByRole("button", { name: /^Done/ }).click();
  await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
    "words.txt",
  );
  await writeCode(page, "Mapper code", FLAKY_MAPPER);
  await page.getByLabel("Name (optional)").fill("Flaky words");
  await page.getByRole("button", { name: "Run job" }).click();
  await expect(page.getByRole("heading", { name: "Flaky words" })).toBeVisible({
    timeout: 60_000,
  });
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "succeeded", {
    timeout: 300_000,
  });
  await expect(page.getByTestId("output-preview")).toContainText("alpha\t2");

  // The map task's log: two tabs, the last (the attempt that succeeded) open first.
  await page
    .getByRole("button", { name: /^Log of task m-/ })
    .first()
    .click();
  const dialog = page.getByRole("dialog");
  const tabs = dialog.getByRole("tab");
  await expect(tabs).toHaveCount(2);
  // Attempts made against those allowed, said once; the tabs and the heading number an attempt
  // alone (the heading once said "Attempt 1 of 3" above tabs saying "Attempt 1 of 2").
  await expect(dialog.getByTestId("attempts-made")).toHaveText("2 attempts made of the 3 allowed");
  await expect(tabs.nth(0)).toHaveText(/^Attempt 1\b/);
  await expect(tabs.nth(0)).not.toContainText(" of ");
  await expect(tabs.nth(0)).toContainText("failed");
  await expect(tabs.nth(1)).toHaveText(/^Attempt 2\b/);
  await expect(tabs.nth(1)).toContainText("succeeded");
  await expect(tabs.nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(dialog.getByTestId("attempt-summary")).toHaveText("Attempt 2: succeeded");
  const log = dialog.getByTestId("task-log");
  await expect(log).toContainText("flaky: the retry runs");
  await expect(log).not.toContainText("failing on purpose");

  const shots = process.env.SHOTS_DIR ?? test.info().outputPath();
  await page.screenshot({ path: `${shots}/attempts-retry-1440.png` });

  await tabs.nth(0).click();
  await expect(tabs.nth(0)).toHaveAttribute("aria-selected", "true");
  await expect(log).toContainText("flaky: failing on purpose in the first attempt");
  await expect(dialog.getByTestId("attempt-summary")).toHaveText(
    /^Attempt 1 of up to 3: The mapper exited with status 2/,
  );
  await expect(log).not.toContainText("the retry runs");
  await page.screenshot({ path: `${shots}/attempts-first-1440.png` });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: `${shots}/attempts-first-1440-dark.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${shots}/attempts-first-390-dark.png` });
  await page.emulateMedia({ colorScheme: "light" });
  await page.screenshot({ path: `${shots}/attempts-first-390.png` });
});
