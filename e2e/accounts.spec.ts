import { countLoginAttempts, findUserByEmail, uniqueEmail } from "./support/db";
import {
  attemptSignIn,
  expect,
  formAlert,
  logIn,
  logOut,
  signUpAndVerify,
  test,
  verificationLink,
} from "./support/fixtures";
import { waitForMail } from "./support/mail";

const INCORRECT = "Email or password is incorrect.";

test("sign up, log out and in, rename, change password, delete the account", async ({ page }) => {
  const email = uniqueEmail("journey");
  const password = "first-password-1";
  const newPassword = "second-password-2";

  await page.goto("/");
  await page.getByRole("link", { name: "Sign up" }).first().click();
  await expect(page).toHaveURL(/\/signup/);
  // Typed with spaces and capitals; stored and mailed normalised: trimmed and lower-cased.
  await signUpAndVerify(
    page,
    { name: "Grace Hopper", email, password },
    `  ${email.toUpperCase()} `,
  );
  expect(await findUserByEmail(email)).not.toBeNull();

  await page.getByRole("link", { name: "Log in" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByRole("heading", { name: "Welcome, Grace" })).toBeVisible();
  // Confirmed: no banner asking for it.
  await expect(page.getByTestId("verify-banner")).toHaveCount(0);

  await page.getByRole("link", { name: "Profile" }).first().click();
  await page.getByLabel("Name", { exact: true }).fill("Grace B. Hopper");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText("Name saved.")).toBeVisible();
  await expect(page.getByTestId("user-name")).toHaveText("Grace B. Hopper");

  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill(newPassword);
  await page.getByLabel("Repeat the new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible();
  // This device stays signed in under the new session version.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();

  await logOut(page);
  await logIn(page, email, password);
  await expect(formAlert(page)).toHaveText(INCORRECT);
  await logIn(page, email, newPassword);
  await expect(page).toHaveURL(/\/home$/);

  await page.goto("/profile");
  await page.getByRole("button", { name: "Delete account…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(`Type ${email} to confirm`).fill("not my email");
  await dialog.getByLabel("Password").fill(newPassword);
  await dialog.getByRole("button", { name: "Delete my account" }).click();
  await expect(dialog.getByText(`Type your email address (${email}) to confirm`)).toBeVisible();
  expect(await findUserByEmail(email)).not.toBeNull();

  await dialog.getByLabel(`Type ${email} to confirm`).fill(email);
  await dialog.getByLabel("Password").fill(newPassword);
  await dialog.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await findUserByEmail(email)).toBeNull();
  expect(await countLoginAttempts(email)).toBe(0);

  await logIn(page, email, newPassword);
  await expect(formAlert(page)).toHaveText(INCORRECT);
});

test("attack: sign-up does not tell whether an address has an account", async ({
  page,
  account,
}) => {
  const answer = async (email: string) => {
    await page.goto("/signup");
    await page.getByLabel("Name").fill("Someone Else");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("another-password-3");
    await page.getByRole("button", { name: "Create account" }).click();
    const status = page.getByRole("status").filter({ hasText: "Check your e-mail" });
    await expect(status).toBeVisible();
    return (await status.innerText()).replace(email, "<address>");
  };
  const fresh = uniqueEmail("fresh");
  expect(await answer(account.email)).toBe(await answer(fresh));
  // The owner of the existing account hears about it; the account is untouched.
  await waitForMail(account.email, "Someone tried to create a Stratus account");
  expect((await findUserByEmail(account.email))?.name).toBe(account.name);
});

test("an unconfirmed user can use the apps, with a banner, until the link is followed", async ({
  page,
}) => {
  const email = uniqueEmail("unconfirmed");
  const password = "first-password-1";
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Ada");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("link", { name: "Log in" }).click();
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/home$/);
  const banner = page.getByTestId("verify-banner");
  await expect(banner).toContainText(`open the link we sent to ${email}`);
  await banner.getByRole("button", { name: "Send a new link" }).click();
  await expect(banner).toContainText("less than a minute ago");
  await page.goto(await verificationLink(email));
  await page.getByRole("link", { name: "Go to Stratus" }).click();
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByTestId("verify-banner")).toHaveCount(0);
});

test("attack: a copied session cookie stops working when its session signs out", async ({
  page,
  browser,
  signedIn,
}) => {
  const stolen = (await page.context().cookies()).filter((c) => c.name.includes("session-token"));
  expect(stolen).toHaveLength(1);
  await logOut(page);
  const thief = await browser.newContext();
  await thief.addCookies(stolen);
  const thiefPage = await thief.newPage();
  await thiefPage.goto("/profile");
  await expect(thiefPage).toHaveURL(/\/login/);
  await thief.close();
  expect(signedIn.email).toBeTruthy();
});

test("attack: sessions elsewhere end with 'Sign out everywhere' and with a password change", async ({
  page,
  browser,
  account,
}) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await logIn(otherPage, account.email, account.password);
  await expect(otherPage).toHaveURL(/\/home$/);

  await logIn(page, account.email, account.password);
  await expect(page).toHaveURL(/\/home$/);
  await page.goto("/profile");
  await page.getByLabel("Current password").fill(account.password);
  await page.getByLabel("New password", { exact: true }).fill("second-password-2");
  await page.getByLabel("Repeat the new password").fill("second-password-2");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed.")).toBeVisible();
  await otherPage.goto("/profile");
  await expect(otherPage).toHaveURL(/\/login/);

  await logIn(otherPage, account.email, "second-password-2");
  await expect(otherPage).toHaveURL(/\/home$/);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login/);
  await otherPage.goto("/profile");
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();
});

test("sign-up explains what is wrong with each field", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText(/Too short\. At least 10 characters/)).toBeVisible();

  await page.getByLabel("Password").fill("onlyletterslong");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(/Too weak\./)).toBeVisible();
});

test("a wrong password and an unknown email get the same answer", async ({ page, account }) => {
  await logIn(page, account.email, "wrong-password-0");
  await expect(formAlert(page)).toHaveText(INCORRECT);
  await logIn(page, uniqueEmail("nobody"), "wrong-password-0");
  await expect(formAlert(page)).toHaveText(INCORRECT);
  await expect(page).toHaveURL(/\/login/);
});

test("five failures for one email from one address delay it, even with the right password", async ({
  page,
  account,
}) => {
  for (let i = 0; i < 5; i++) {
    await logIn(page, account.email, `wrong-password-${i}`);
    await expect(formAlert(page)).toHaveText(INCORRECT);
  }
  await logIn(page, account.email, account.password);
  await expect(formAlert(page)).toContainText(
    "Too many failed sign-in attempts. Try again in 1 minute",
  );
  await expect(page).toHaveURL(/\/login/);
});

test("twenty failures from one address lock that address", async ({ page, account }) => {
  // 19 failures over HTTP (the form's own endpoint), the 20th and the check through the form.
  for (let i = 0; i < 19; i++) {
    const res = await attemptSignIn(page, uniqueEmail("spray"), "wrong-password-0");
    expect(res.status()).toBe(401);
    expect(((await res.json()) as { url: string }).url).toContain("error=CredentialsSignin");
  }
  await logIn(page, uniqueEmail("spray"), "wrong-password-0");
  await expect(formAlert(page)).toHaveText(INCORRECT);
  await logIn(page, account.email, account.password);
  await expect(formAlert(page)).toContainText("Too many failed sign-in attempts");
});

test("a signed-out visit to an app page goes to login and comes back", async ({
  page,
  account,
}) => {
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\?next=%2Fprofile$/);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
});

test("the login page never redirects to another site", async ({ page, account }) => {
  await page.goto("/login?next=//evil.example/steal");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/localhost:\d+\/home$/);
});

test("readiness reports the database, storage and the job worker", async ({ request }) => {
  // Anyone learns only up or down.
  expect(await (await request.get("/api/ready")).json()).toEqual({ status: "ok" });
  const res = await request.get("/api/ready", {
    headers: { "x-ready-token": process.env.READY_DETAILS_TOKEN ?? "" },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({
    status: "ok",
    checks: { database: { ok: true }, storage: { ok: true }, worker: { ok: true } },
  });
});
