import { expect, test, type Page } from "@playwright/test";

// With Debian's fonts-noto-color-emoji installed (npm test installs it), a font stack that ends in
// "Noto Color Emoji" let Chromium draw ordinary spaces with the emoji font, about three times wide.
// Text must be drawn with text fonts only; emoji still find the emoji font by per-glyph fallback.

async function fontsOf(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root } = await cdp.send("DOM.getDocument");
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  return fonts.map((f) => f.familyName);
}

test("ordinary text and its spaces are drawn with a text font, emoji with the emoji font", async ({
  page,
}) => {
  await page.goto("/login");
  await page.evaluate(() => {
    const add = (id: string, text: string) => {
      const span = document.createElement("span");
      span.id = id;
      span.style.whiteSpace = "pre";
      span.textContent = text;
      document.body.append(span);
    };
    add("words", "Sign in to Stratus with your e-mail address");
    add("emoji", "🙂");
    add("n", "n");
    add("aa", "aa");
    add("a-a", "a a");
  });

  const words = await fontsOf(page, "#words");
  expect(words.length).toBeGreaterThan(0);
  expect(words.join(", ")).not.toMatch(/emoji/i);
  expect((await fontsOf(page, "#emoji")).join(", ")).toMatch(/emoji/i);

  // A space is about half an "n" in text fonts (DejaVu Sans: 0.32em against 0.63em).
  const width = (id: string) =>
    page.locator(`#${id}`).evaluate((el) => el.getBoundingClientRect().width);
  const space = (await width("a-a")) - (await width("aa"));
  expect(space / (await width("n"))).toBeLessThan(0.75);
});
