import { expect, type Page, type Route } from "@playwright/test";

/**
 * Waits until React has hydrated the page (components/shared/hydration-mark.tsx) and the main
 * thread is idle once, so that the Suspense boundaries streamed with it are hydrated too. A click
 * or a file set before that reaches no handler: on a loaded machine `load` comes well before
 * hydration. Pages without the app's scripts (a JSON answer) pass at once. Best effort: a page
 * that navigates away meanwhile, or never hydrates, is left to the test's own expectations.
 */
export async function waitForHydration(page: Page) {
  try {
    await page.waitForFunction(
      () =>
        document.documentElement.dataset.hydrated === "true" ||
        !document.querySelector('script[src*="/_next/static/"]'),
      undefined,
      { timeout: 120_000 },
    );
    await page.evaluate(
      () => new Promise((resolve) => requestIdleCallback(() => resolve(null), { timeout: 5_000 })),
    );
  } catch {
    // See above: the test's next expectation says what is wrong, if anything is.
  }
}

// `goto` and `reload` wait for hydration unless the test asked for an earlier point itself.
export function hydrating(page: Page): Page {
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  page.goto = async (url, options) => {
    const response = await goto(url, options);
    if (!options?.waitUntil) await waitForHydration(page);
    return response;
  };
  page.reload = async (options) => {
    const response = await reload(options);
    if (!options?.waitUntil) await waitForHydration(page);
    return response;
  };
  return page;
}

/**
 * Opens `url` with the app's scripts held back: the page shows, React has not hydrated it. For
 * tests of what a user on a slow page does first (a file set on an input before its change
 * handler exists). `release` lets the scripts load.
 */
export async function gotoWithScriptsHeld(
  page: Page,
  url: string,
): Promise<{ release: () => Promise<void> }> {
  const held: Route[] = [];
  let holding = true;
  // Scripts only: an inline script waits for the stylesheets before it, and so would the page.
  await page.route("**/_next/static/chunks/*.js", async (route) => {
    if (holding) held.push(route);
    else await route.continue();
  });
  await page.goto(url, { waitUntil: "domcontentloaded" });
  await expect.poll(() => held.length).toBeGreaterThan(0);
  return {
    release: async () => {
      holding = false;
      for (const route of held.splice(0)) await route.continue();
    },
  };
}
