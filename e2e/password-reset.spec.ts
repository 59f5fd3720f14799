import { uniqueEmail } from "./support/db";
import { expect, formAlert, logIn, test } from "./support/fixtures";
import { MAIL_SINK_HTTP, mailText, waitForMail, type SunkMail } from "./support/mail";

// "Forgot password" end to end: the request, the mail as the SMTP sink received it, the new
// password, signing in with it, and what the used link and the old sessions are worth afterwards.

const SENT = /If .+ has a Stratus account, a link to reset its password is on its way/;

function resetLink(mail: string): string {
  const link = mail.match(/https?:\/\/\S+\/reset-password\?token=[A-Za-z0-9_-]+/)?.[0];
  if (!link) throw new Error(`no reset link in:\n${mail}`);
  return link;
}

test("forgot password: mail, new password, sign in; the link works once and old sessions end", async ({
  page,
  browser,
  account,
  clientIp,
}) => {
  test.setTimeout(420_000);
  // A session on another device, signed in with the old password.
  const other = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  const otherPage = await other.newPage();
  await logIn(otherPage, account.email, account.password);
  await expect(otherPage).toHaveURL(/\/home$/);

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(account.email.toUpperCase());
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("status")).toContainText(SENT);

  const mail = await waitForMail(account.email, "/reset-password?token=");
  const link = new URL(resetLink(mail));
  await page.goto(`${link.pathname}${link.search}`);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(`For ${account.email}.`)).toBeVisible();

  // The password rules hold here as at sign-up.
  await page.getByLabel("New password", { exact: true }).fill("short1");
  await page.getByLabel("Repeat the new password").fill("short1");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText(/Too short\. At least 10 characters/)).toBeVisible();

  const newPassword = "brand-new-password-7";
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password").fill(newPassword);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByRole("status")).toContainText("Password changed.");

  // The other device's session ended with the reset.
  await otherPage.goto("/home");
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();

  // The link is used up.
  await page.goto(`${link.pathname}${link.search}`);
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();

  await logIn(page, account.email, account.password);
  await expect(formAlert(page)).toHaveText("Email or password is incorrect.");
  await logIn(page, account.email, newPassword);
  await expect(page).toHaveURL(/\/home$/);
});

test("an address without an account gets the same answer and no mail", async ({
  page,
  account,
}) => {
  const nobody = uniqueEmail("nobody");
  const ask = async (email: string) => {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toContainText(SENT);
    return page.getByRole("status").innerText();
  };
  const unknown = await ask(nobody);
  const known = await ask(account.email);
  // Word for word the same but for the address itself.
  expect(unknown.replace(nobody, "@")).toBe(known.replace(account.email, "@"));
  // The known address's mail, asked for after, has arrived: the unknown one got none.
  await waitForMail(account.email, "/reset-password?token=");
  const res = await fetch(`${MAIL_SINK_HTTP}/messages?to=${encodeURIComponent(nobody)}`);
  const mails = (await res.json()) as SunkMail[];
  expect(mails.map((m) => mailText(m.raw))).toEqual([]);
});

test("attack: a made-up reset link is refused, and asking too often is throttled", async ({
  page,
  account,
}) => {
  await page.goto(`/reset-password?token=${"A".repeat(43)}`);
  await expect(page.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  await expect(page.getByLabel("New password", { exact: true })).toHaveCount(0);

  for (let i = 0; i < 3; i++) {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(account.email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toContainText(SENT);
  }
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(account.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(formAlert(page)).toHaveText(/Too many reset requests\. Try again in \d+ minutes?\./);
});
