import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "./support/fixtures";
import { createReplayTracker, uploadToDrive } from "./support/pulse";

// A mixed-language replay: every post shows the language read from its text and a score or an
// explicit "unscored"; the languages card counts them and filters the posts by language.

// [text, platform tag or none, the language the dashboard should show]
const POSTS: [string, string | undefined, string][] = [
  ["I love the new solar plan, wonderful news #solar", "en", "English"],
  ["This solar panel price hike is terrible #solar", undefined, "English"],
  ["Que dia maravilhoso, adoro a energia solar #solar", "en", "Portuguese"],
  ["Odio el precio de la energía solar, es horrible #solar", undefined, "Spanish"],
  ["Die neue Solaranlage auf dem Dach ist wunderbar #solar", "de", "German"],
  ["C'est vraiment nul, je déteste ce projet solaire #solar", undefined, "French"],
  ["太陽光発電の新しい計画はとても良いです #solar", "en", "Japanese"],
  ["Новый солнечный проект просто отличный #solar", undefined, "Russian"],
  ["😍😍 #solar", undefined, "Unknown language"],
];

function replayFile(): string {
  const start = Date.UTC(2025, 0, 1, 12, 0, 0);
  const lines = POSTS.map(([text, lang], i) =>
    JSON.stringify({
      id: `lang-${i}`,
      text,
      time: new Date(start + i * 1_000).toISOString(),
      ...(lang ? { lang } : {}),
    }),
  );
  const file = test.info().outputPath("mixed-languages.ndjson");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

test("a mixed-language replay: every post has a language and a score or unscored", async ({
  page,
  signedIn,
}) => {
  void signedIn;
  test.setTimeout(600_000); // a cap for a loaded machine, not an expectation
  await uploadToDrive(page, replayFile());
  // The trained model is the default scorer.
  await page.goto("/pulse/new");
  await expect(page.getByLabel("Sentiment scorer")).toHaveValue("model");
  await createReplayTracker(page, {
    name: "Solar worldwide",
    keywords: "#solar",
    fileName: "mixed-languages.ndjson",
    speed: "As fast as possible",
  });
  await expect(page.getByTestId("total-posts")).toHaveText(String(POSTS.length), {
    timeout: 60_000,
  });

  const posts = page.getByTestId("post");
  await expect(posts).toHaveCount(POSTS.length);
  const shown = new Map<string, { language: string; label: string }>();
  for (const post of await posts.all()) {
    const text = (await post.locator("p").textContent()) ?? "";
    shown.set(text, {
      language: (await post.getByTestId("post-language").textContent()) ?? "",
      label: (await post.getByTestId("post-label").textContent()) ?? "",
    });
  }
  for (const [text, , language] of POSTS) {
    const s = shown.get(text);
    expect(s?.language, text).toBe(language);
    // A label with its score ("positive +4.2", "negative -1.3", "neutral +0.3"), or "unscored".
    expect(s?.label, text).toMatch(/^((positive|negative|neutral)( [+-][\d.]+)?|unscored)$/);
    // The model knows eight languages; Japanese and Russian are honestly unscored.
    if (language === "Japanese" || language === "Russian") expect(s?.label).toBe("unscored");
    else expect(s?.label, text).not.toBe("unscored");
  }

  const card = page.getByTestId("languages");
  await expect(card.getByRole("button")).toHaveCount(8);
  await expect(page.getByTestId("language-summary")).toContainText("unscored 22%");
  await expect(page.getByTestId("model-confidence")).toHaveText(/^\d+%$/);
  await expect(
    page.getByTestId("language-chart").locator(".recharts-bar-rectangle"),
  ).not.toHaveCount(0);
  await card.getByRole("button", { name: /Japanese/ }).click();
  await expect(page.getByTestId("post-filter")).toHaveText("Japanese");
  await expect(posts).toHaveCount(1);
  await expect(posts.first()).toContainText("太陽光発電");
  await page.getByRole("button", { name: "Clear the filter" }).click();
  await expect(posts).toHaveCount(POSTS.length);

  // Screenshots for review (desktop, phone, dark), written to test-results.
  const shots = test.info().outputPath();
  await page.getByTestId("language-summary").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "languages-desktop.png"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "languages-phone.png"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(shots, "languages-dark.png"), fullPage: true });
});
