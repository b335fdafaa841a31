import { randomUUID } from "node:crypto";
import { test as base, expect, type Page } from "@playwright/test";

// Every test comes from one client address (the server counts the socket's peer, TRUSTED_PROXY_HOPS=0): the run
// raises the per-address limits with RATE_LIMIT_MULTIPLIER (playwright.config.ts), and tests use accounts of their own.
export const test = base.extend<{ failOnCspViolation: void }>({
  // Every test fails when a page of its browser context breaks the Content-Security-Policy (Chromium reports each
  // blocked script, style or frame on the console): a CSP that blocks the app's own code must never ship.
  failOnCspViolation: [
    async ({ context }, use) => {
      const violations: string[] = [];
      context.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(`${message.page()?.url() ?? ""}: ${message.text()}`);
      });
      await use();
      expect(violations, "CSP violations in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export const PASSWORD = "correct horse battery";

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

export async function signUp(page: Page, { name, email, password = PASSWORD }: { name: string; email: string; password?: string }) {
  await page.getByLabel("Your name").fill(name);
  const emailField = page.getByLabel("Email");
  if ((await emailField.inputValue()) !== email) await emailField.fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

export async function login(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/**
 * The newest dev-mailbox message to `to` whose subject contains `subject`, reloading the mailbox until it is there.
 * Mail is sent by a job that starts after the response which caused it (the outbox dispatches in `after()`), so a page
 * can show "Invitation sent." before the mail exists, and a mailbox loaded once then never shows it.
 */
export async function mailboxMessage(page: Page, to: string, subject: string | RegExp, { timeout = 10_000 } = {}) {
  const message = page.getByRole("article").filter({ hasText: `To: ${to}` }).filter({ hasText: subject }).first();
  await expect(async () => {
    await page.goto("/dev/mailbox");
    await expect(message).toBeVisible({ timeout: 1_000 });
  }, `a mail to ${to} about ${String(subject)} in /dev/mailbox`).toPass({ timeout });
  return message;
}

/** The first link in the newest dev-mailbox message to `to` whose subject contains `subject` (see mailboxMessage). */
export async function linkFromMailbox(page: Page, to: string, subject: string | RegExp, options?: { timeout?: number }): Promise<string> {
  const message = await mailboxMessage(page, to, subject, options);
  const href = await message.getByRole("link").first().getAttribute("href");
  expect(href).toBeTruthy();
  return href!;
}

/** Proves the address through the verification link in the dev mailbox (needed before inviting or assigning others). */
export async function verifyEmail(page: Page, email: string) {
  await page.goto(await linkFromMailbox(page, email, "Verify your email"));
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page).not.toHaveURL(/\/verify-email/);
}
