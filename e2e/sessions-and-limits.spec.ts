import { type Page } from "@playwright/test";
import { expect, test, PASSWORD, linkFromMailbox, login, signUp, uniqueEmail, verifyEmail } from "./fixtures";

// The cached hot path must never serve yesterday's answer: a role change made in one browser shows on the member's next
// page load in another, "sign out of all devices" ends every session, and rate limits stop password guessing.

async function changeRole(page: Page, role: string) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.ok()),
    page.getByLabel("Role of Pat Promoted").selectOption(role),
  ]);
}

test("a role change made by the owner shows on the member's next page load", async ({ page, browser }) => {
  const memberEmail = uniqueEmail("promoted");
  await page.goto("/sign-up");
  const ownerEmail = uniqueEmail("owner");
  await signUp(page, { name: "Owen Owner", email: ownerEmail });
  await expect(page.getByRole("heading", { level: 1, name: "Owen Owner's workspace" })).toBeVisible();
  const orgPath = new URL(page.url()).pathname;
  await verifyEmail(page, ownerEmail);
  await page.goto(`${orgPath}/members`);
  await page.getByLabel("Email address").fill(memberEmail);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  const inviteLink = await linkFromMailbox(page, memberEmail, "invited you");

  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await member.goto(inviteLink);
  await member.getByRole("link", { name: "Create an account to accept" }).click();
  await signUp(member, { name: "Pat Promoted", email: memberEmail });
  await member.getByRole("button", { name: "Join Owen Owner's workspace" }).click();
  await expect(member).toHaveURL(new RegExp(`${orgPath}$`));
  // Load the members page twice as a member: the second load is served from a warm cache.
  for (let i = 0; i < 2; i++) {
    await member.goto(`${orgPath}/members`);
    await expect(member.getByRole("listitem", { name: "Pat Promoted" })).toBeVisible();
    await expect(member.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  }

  await page.goto(`${orgPath}/members`);
  await changeRole(page, "admin");

  await member.reload();
  await expect(member.getByRole("button", { name: "Send invitation" })).toBeVisible();

  await page.goto(`${orgPath}/members`);
  await changeRole(page, "member");
  await member.reload();
  await expect(member.getByRole("button", { name: "Send invitation" })).toHaveCount(0);

  // Without JavaScript a change of the select submits nothing by itself: a Save button next to it does.
  const noScriptContext = await browser.newContext({ javaScriptEnabled: false });
  const noScript = await noScriptContext.newPage();
  await login(noScript, ownerEmail);
  await noScript.goto(`${orgPath}/members`);
  await noScript.getByLabel("Role of Pat Promoted").selectOption("admin");
  await noScript.getByRole("button", { name: "Save the new role for Pat Promoted" }).click();
  await expect(noScript.getByRole("button", { name: "Save the new role for Pat Promoted" })).toBeVisible();
  await member.reload();
  await expect(member.getByRole("button", { name: "Send invitation" })).toBeVisible();
  await noScriptContext.close();
  await memberContext.close();
});

test("sign out of all devices ends this session and every other one", async ({ page, browser }) => {
  const email = uniqueEmail("everywhere");
  await page.goto("/sign-up");
  await signUp(page, { name: "Eve", email });
  await expect(page.getByRole("heading", { level: 1, name: "Eve's workspace" })).toBeVisible();
  const orgPath = new URL(page.url()).pathname;

  const phoneContext = await browser.newContext();
  const phone = await phoneContext.newPage();
  await login(phone, email);
  await phone.goto(orgPath);
  await expect(phone.getByRole("heading", { level: 1, name: "Eve's workspace" })).toBeVisible();

  await page.goto(`${orgPath}/settings`);
  await page.getByRole("button", { name: "Sign out of all devices" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signedOut=everywhere/);
  await expect(page.getByText("You were signed out on every device.")).toBeVisible();
  await page.goto(orgPath);
  await expect(page).toHaveURL(/\/sign-in/);
  await phone.goto(orgPath);
  await expect(phone).toHaveURL(/\/sign-in/);

  // Signing in again works and starts a fresh session.
  await login(page, email);
  await page.goto(orgPath);
  await expect(page.getByRole("heading", { level: 1, name: "Eve's workspace" })).toBeVisible();
  await phoneContext.close();
});

test("password guessing is stopped after ten wrong tries for one account, with a clear message", async ({ browser }) => {
  // The limit that stops this is per account (never scaled for e2e runs), so a fresh account is a fresh allowance.
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = uniqueEmail("target");
  await page.goto("/sign-up");
  await signUp(page, { name: "Tara", email });
  await expect(page.getByRole("heading", { level: 1, name: "Tara's workspace" })).toBeVisible();
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto("/sign-in");
  const alert = page.getByRole("alert").filter({ hasText: /\S/ }); // not Next's empty route announcer
  const attempt = async (password: string) => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
  };
  // Only failures count (the sign-up's own sign-in did not): ten wrong guesses use up the account's allowance.
  for (let i = 1; i <= 10; i++) {
    await attempt(`wrong guess ${i}`);
    await expect(alert).toHaveText("Incorrect email or password.");
  }
  // Now even the right password is refused until the window passes, and nothing says whether it was right.
  await attempt(PASSWORD);
  await expect(alert).toHaveText("Too many sign-in attempts. Wait a few minutes, then try again.");
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});
