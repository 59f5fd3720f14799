import { devices, type Project } from "@playwright/test";

// The browser of every Playwright config (playwright.config.ts, playwright.containers.config.ts).
// Playwright cannot download its browsers here; Debian's Chromium stands in, its background
// traffic off (the closed network refuses it).
export const chromium: Project = {
  name: "chromium",
  use: {
    ...devices["Desktop Chrome"],
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
};
