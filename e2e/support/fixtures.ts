import { test as base, expect, type Page } from "@playwright/test";
import { createAccount, type TestAccount } from "./db";

// Every test gets its own account and its own client address: sign-in throttling counts
// failures per IP, and Stratus reads the client IP from X-Forwarded-For (TRUSTED_PROXY_HOPS=0),
// so tests never throttle each other. The address is only a header value; no traffic goes there.
function randomTestNetIp(): string {
  const n = () => Math.floor(Math.random() * 254) + 1;
  return `198.18.${n()}.${n()}`;
}

type Fixtures = { account: TestAccount; clientIp: string; signedIn: TestAccount };

export const test = base.extend<Fixtures>({
  clientIp: async ({}, use) => {
    await use(randomTestNetIp());
  },
  extraHTTPHeaders: async ({ clientIp }, use) => {
    await use({ "x-forwarded-for": clientIp });
  },
  account: async ({}, use) => {
    await use(await createAccount());
  },
  // A fresh account, already signed in on `page`.
  signedIn: async ({ page, account }, use) => {
    await logIn(page, account.email, account.password);
    await expect(page).toHaveURL(/\/home$/);
    await use(account);
  },
});

export { expect };

export async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

// The message a form shows after submitting (Next's route announcer is an alert too).
export function formAlert(page: Page) {
  return page.locator("form [role=alert]");
}

// Signs in through next-auth's own endpoint over HTTP, as the login form does, for tests that
// need many attempts quickly. Shares the page's cookies and headers (so the same client IP).
export async function attemptSignIn(page: Page, email: string, password: string) {
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as {
    csrfToken: string;
  };
  return page.request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
  });
}
