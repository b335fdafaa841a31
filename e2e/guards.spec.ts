import { expect, test, login, PASSWORD, signUp, uniqueEmail } from "./fixtures";

test("wrong password and malformed input get clear messages, not errors", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("nobody@example.test");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect" })).toHaveText("Incorrect email or password.");

  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Shorty");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  // What the user typed is kept, the password is not echoed back by the server.
  await expect(page.getByLabel("Your name")).toHaveValue("Shorty");
});

test("other organizations and malformed ids are a 404, never a 500", async ({ page, browser }) => {
  // Org B exists and has a project.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto("/sign-up");
  await signUp(otherPage, { name: "Brenda", email: uniqueEmail("brenda") });
  await expect(otherPage.getByRole("heading", { level: 1, name: "Brenda's workspace" })).toBeVisible();
  const orgB = new URL(otherPage.url()).pathname;
  await otherPage.goto(`${orgB}/projects`);
  await otherPage.getByLabel("New project name").fill("Secret plans");
  await otherPage.getByRole("button", { name: "Create project" }).click();
  await otherPage.getByRole("link", { name: "Secret plans" }).click();
  await expect(otherPage).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  const projectB = new URL(otherPage.url()).pathname;
  await other.close();

  await page.goto("/sign-up");
  await signUp(page, { name: "Alice", email: uniqueEmail("alice") });
  await expect(page.getByRole("heading", { level: 1, name: "Alice's workspace" })).toBeVisible();
  const orgA = new URL(page.url()).pathname;

  for (const path of [orgB, `${orgB}/members`, projectB, `${orgA}/projects/not-a-uuid`, `${orgA}${projectB.slice(orgB.length)}`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByText("Secret plans")).toHaveCount(0);
  }
  const badCursor = await page.goto(`${orgA}/projects?view=archived&cursor=%%%`);
  expect(badCursor?.status()).toBe(200);
});

test("changing the password signs out the other sessions but keeps this one", async ({ page, browser }) => {
  const email = uniqueEmail("rotator");
  await page.goto("/sign-up");
  await signUp(page, { name: "Rita", email });
  await expect(page.getByRole("heading", { level: 1, name: "Rita's workspace" })).toBeVisible();
  const orgPath = new URL(page.url()).pathname;

  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await login(other, email);
  await expect(other).toHaveURL(new RegExp(`${orgPath}$`));

  await page.goto(`${orgPath}/settings`);
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Your other sessions were signed out.")).toBeVisible();

  await page.goto(orgPath);
  await expect(page.getByRole("heading", { level: 1, name: "Rita's workspace" })).toBeVisible();
  await other.goto(orgPath);
  await expect(other).toHaveURL(/\/sign-in/);
  await laptop.close();
});
