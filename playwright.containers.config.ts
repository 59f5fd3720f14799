import { defineConfig } from "@playwright/test";
import { chromium } from "./e2e/support/chromium";

// The container smoke test (npm run test:containers): a stack that scripts/deploy/test-containers.sh
// has already started, reached through its nginx. No web servers of its own.
const baseURL = `http://localhost:${Number(process.env.STRATUS_HTTP_PORT ?? 18080)}`;

export default defineConfig({
  testDir: "e2e/containers",
  testMatch: "**/*.smoke.ts",
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 1_800_000,
  expect: { timeout: 60_000 },
  reporter: [["list"], ["json", { outputFile: ".data/test-reports/containers-playwright.json" }]],
  outputDir: ".data/test-results-containers",
  use: {
    baseURL,
    // A control that never appears fails its step in 3 min, not at the 30-min test timeout.
    actionTimeout: 180_000,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [chromium],
});
