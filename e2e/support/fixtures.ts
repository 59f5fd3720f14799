import { test as base, expect, type Page } from "@playwright/test";
import { createAccount, type TestAccount } from "./db";
import { hydrating } from "./hydration";
import { waitForMail } from "./mail";

// Every test gets its own account and its own client address: sign-in throttling counts
// failures per IP, and the e2e server trusts one proxy (TRUSTED_PROXY_HOPS=1 in
// playwright.config.ts), which the tests play by sending X-Forwarded-For, so tests never throttle
// each other. The address is only a header value; no traffic goes there.
function randomTestNetIp(): string {
  const n = () => Math.floor(Math.random() * 254) + 1;
  return `198.18.${n()}.${n()}`;
}

type Fixtures = { account: TestAccount; clientIp: string; signedIn: TestAccount };

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => {
    await use(hydrating(page));
  },
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

/**
 * Signs up through the form and confirms the address with the link from the mail the e2e mail
 * sink received, as a new user would. Leaves `page` on the confirmation page, signed out.
 */
export async function signUpAndVerify(
  page: Page,
  account: { name: string; email: string; password: string },
  typedEmail = account.email,
) {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Email").fill(typedEmail);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(
    page.getByText(`Check your e-mail: we sent a message to ${account.email}.`),
  ).toBeVisible();
  const link = await verificationLink(account.email);
  await page.goto(link);
  await expect(page.getByText("Address confirmed")).toBeVisible();
}

/** The verification link in the newest confirmation mail to `email`. */
export async function verificationLink(email: string): Promise<string> {
  const mail = await waitForMail(email, "verify-email?token=");
  const link = /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]{43}/.exec(mail)?.[0];
  if (!link) throw new Error(`no verification link in the mail to ${email}`);
  return link;
}
