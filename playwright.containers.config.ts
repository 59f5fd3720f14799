import { defineConfig, devices } from "@playwright/test";

// The container smoke test (npm run test:containers): a stack that scripts/deploy/test-containers.sh
// has already started, reached through its nginx. No web servers of its own.
const baseURL = `http://localhost:${Number(process.env.STRATUS_HTTP_PORT ?? 18080)}`;

export default defineConfig({
  testDir: "e2e/containers",
  testMatch: "**/*.smoke.ts",
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 900_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: ".data/test-reports/containers-playwright.json" }]],
  outputDir: ".data/test-results-containers",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        // As in playwright.config.ts: Debian's Chromium, with its background traffic off.
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
