import { expect, test } from "./support/fixtures";

// Issue 14 item 4: with the Content-Security-Policy enforced, every page still runs (a blocked
// script or style would be reported as a violation) and carries the headers.
const PAGES = [
  "/home",
  "/drive",
  "/drive/trash",
  "/images",
  "/mapreduce",
  "/mapreduce/new",
  "/pulse",
  "/profile",
];

test("every app page loads under the CSP without a violation", async ({ page, signedIn }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  expect(signedIn.email).toBeTruthy();
  for (const path of PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    const headers = res?.headers() ?? {};
    expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"], path).toBe("DENY");
    await expect(page.locator("main")).toBeVisible();
  }
  // The theme toggle's script (next-themes) ran: the html element has a theme class.
  await expect(page.locator("html")).toHaveClass(/light|dark/);
  expect(violations).toEqual([]);
});

test("signed-out pages and the share page carry the headers too", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  for (const path of ["/", "/login", "/signup", "/s/no-such-token"]) {
    const res = await page.goto(path);
    const headers = res?.headers() ?? {};
    expect(headers["content-security-policy"], path).toMatch(/script-src 'self' 'nonce-/);
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
  }
  expect(violations).toEqual([]);
});
