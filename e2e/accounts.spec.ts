import { countLoginAttempts, findUserByEmail, uniqueEmail } from "./support/db";
import { attemptSignIn, expect, formAlert, logIn, logOut, test } from "./support/fixtures";

const INCORRECT = "Email or password is incorrect.";

test("sign up, log out and in, rename, change password, delete the account", async ({ page }) => {
  const email = uniqueEmail("journey");
  const password = "first-password-1";
  const newPassword = "second-password-2";

  await page.goto("/");
  await page.getByRole("link", { name: "Sign up" }).first().click();
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email").fill(`  ${email.toUpperCase()} `);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByRole("heading", { name: "Welcome, Grace" })).toBeVisible();
  // Stored normalised: trimmed and lower-cased.
  expect(await findUserByEmail(email)).not.toBeNull();

  await logOut(page);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/home$/);

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

test("signing up with an email that has an account is refused", async ({ page, account }) => {
  await page.goto("/signup");
  await page.getByLabel("Name").fill("Someone Else");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill("another-password-3");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists")).toBeVisible();
  // The form keeps what was typed, and the existing account is untouched.
  await expect(page.getByLabel("Name")).toHaveValue("Someone Else");
  expect((await findUserByEmail(account.email))?.name).toBe(account.name);
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

test("five failures for one email lock it for 15 minutes, even with the right password", async ({
  page,
  account,
}) => {
  for (let i = 0; i < 5; i++) {
    await logIn(page, account.email, `wrong-password-${i}`);
    await expect(formAlert(page)).toHaveText(INCORRECT);
  }
  await logIn(page, account.email, account.password);
  await expect(formAlert(page)).toContainText(
    "Too many failed sign-in attempts. Try again in 15 minutes",
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
  const res = await request.get("/api/ready");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body).toMatchObject({
    status: "ok",
    checks: { database: { ok: true }, storage: { ok: true }, worker: { ok: true } },
  });
});
