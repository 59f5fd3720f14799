import type { Page } from "@playwright/test";

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
