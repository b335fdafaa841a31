import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, test, PASSWORD, linkFromMailbox, login, signUp, uniqueEmail } from "./fixtures";
import { appConfig } from "../lib/app-config";

// Sessions and account safety (docs/security.md): signing out ends that session on the server, a password reset ends
// every other one, an unverified account mails nobody, and deleting an organization takes the owner's password and
// can be undone during the grace period.

async function signUpOwner(page: Page, name: string, email: string): Promise<string> {
  await page.goto("/sign-up");
  await signUp(page, { name, email });
  await expect(page.getByRole("heading", { level: 1, name: `${name}'s workspace` })).toBeVisible();
  return new URL(page.url()).pathname;
}

/** A browser that holds nothing but a copy of these cookies: what someone who stole them would have. */
async function browserWithCopiedCookies(browser: Browser, from: BrowserContext): Promise<Page> {
  const thief = await browser.newContext();
  await thief.addCookies(await from.cookies());
  return thief.newPage();
}

test("signing out ends that session on the server: a copied cookie is refused, the user's other sessions stay", async ({ page, browser }) => {
  const email = uniqueEmail("signout");
  const orgPath = await signUpOwner(page, "Sid", email);
  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await login(other, email);

  // The copy works while the session lives...
  const thief = await browserWithCopiedCookies(browser, page.context());
  await thief.goto(orgPath);
  await expect(thief.getByRole("heading", { level: 1, name: "Sid's workspace" })).toBeVisible();

  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);

  // ...and not after: the copied cookie is turned away to sign in, page and server action alike.
  await thief.goto(orgPath);
  await expect(thief).toHaveURL(/\/sign-in/);
  const later = await browserWithCopiedCookies(browser, thief.context());
  await later.goto(`${orgPath}/settings`);
  await expect(later).toHaveURL(/\/sign-in/);

  // The other session of the same user is untouched.
  await other.goto(orgPath);
  await expect(other.getByRole("heading", { level: 1, name: "Sid's workspace" })).toBeVisible();
  await Promise.all([thief.context().close(), later.context().close(), laptop.close()]);
});

test("pre-account hijack: the attacker who registered the victim's address cannot invite, and loses the account at the victim's reset", async ({ page, browser }) => {
  const victimEmail = uniqueEmail("victim");
  // The attacker signs up first with the victim's address.
  const orgPath = await signUpOwner(page, "Mallory", victimEmail);
  await page.goto(`${orgPath}/members`);
  await page.getByLabel("Email address").fill(uniqueEmail("accomplice"));
  await page.getByLabel("Role").selectOption("owner");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(/Verify your email address before inviting anyone/)).toBeVisible();
  await expect(page.getByText("Invitation sent.")).toHaveCount(0);

  // The victim, in their own browser, resets the password through the link sent to their inbox.
  const victimContext = await browser.newContext();
  const victim = await victimContext.newPage();
  await victim.goto("/forgot-password");
  await victim.getByLabel("Email").fill(victimEmail);
  await victim.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(victim.getByText(/we sent it a link to reset the password/)).toBeVisible();
  await victim.goto(await linkFromMailbox(victim, victimEmail, `Reset your ${appConfig.name} password`, { timeout: 30_000 }));
  await victim.getByLabel("New password").fill("the real owner's password");
  await victim.getByRole("button", { name: "Set new password" }).click();
  await expect(victim).toHaveURL(/\/sign-in\?reset=1/);
  await login(victim, victimEmail, "the real owner's password");

  // The attacker's session ended with the reset; their password no longer works either.
  await page.goto(orgPath);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(victimEmail);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Incorrect email or password.")).toBeVisible();

  // The victim owns the workspace now (the reset proved the address), invitations included.
  await victim.goto(`${orgPath}/members`);
  await victim.getByLabel("Email address").fill(uniqueEmail("colleague"));
  await victim.getByRole("button", { name: "Send invitation" }).click();
  await expect(victim.getByText("Invitation sent.")).toBeVisible();
  await victimContext.close();
});

test("deleting an organization takes the owner's password, hides it, and the owner can undo it", async ({ page }, testInfo) => {
  const email = uniqueEmail("deleter");
  const orgPath = await signUpOwner(page, "Dora", email);
  await page.goto(`${orgPath}/settings`);
  await expect(page.getByText(/You can undo it for 14 days/)).toBeVisible();
  await screenshots(page, testInfo, "settings");

  // A wrong password changes nothing.
  await page.getByLabel("Your password").fill("not my password");
  await page.getByRole("button", { name: "Delete organization" }).click();
  await expect(page.getByText("Your password is not correct.").first()).toBeVisible();
  await page.goto(orgPath);
  await expect(page.getByRole("heading", { level: 1, name: "Dora's workspace" })).toBeVisible();

  await page.goto(`${orgPath}/settings`);
  await page.getByLabel("Your password").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete organization" }).click();
  await expect(page).toHaveURL(/\/app\/deleted$/);
  await expect(page.getByRole("heading", { level: 1, name: "Scheduled for deletion" })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Dora's workspace" }).getByText(/^Erased on /)).toBeVisible();
  await screenshots(page, testInfo, "scheduled-for-deletion");

  // Gone from its pages meanwhile, even for its owner.
  await page.goto(orgPath);
  await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();

  await page.goto("/app/deleted");
  await page.getByRole("button", { name: "Undo the deletion of Dora's workspace" }).click();
  await expect(page).toHaveURL(new RegExp(`${orgPath}\\?restored=1$`));
  await expect(page.getByRole("heading", { level: 1, name: "Dora's workspace" })).toBeVisible();
  await page.goto("/app/deleted");
  await expect(page.getByText("None of your organizations is scheduled for deletion.")).toBeVisible();
});

/** Desktop and a 375 px phone, kept with the test's results for a look. */
async function screenshots(page: Page, testInfo: { outputPath: (name: string) => string }, name: string) {
  const size = page.viewportSize();
  await page.screenshot({ path: testInfo.outputPath(`${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  await page.screenshot({ path: testInfo.outputPath(`${name}-375.png`), fullPage: true });
  if (size) await page.setViewportSize(size);
}
