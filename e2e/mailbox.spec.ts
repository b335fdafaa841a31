import { expect, linkFromMailbox, signUp, test, uniqueEmail } from "./fixtures";

// Mail leaves in a job that starts once the response that caused it has been sent (the outbox dispatches in `after()`),
// so a test that opens the dev mailbox as soon as the page says "Invitation sent." may load it before the mail exists.
// Read once, that mailbox never shows the mail: the flake of sessions-and-limits.spec.ts under load. Here the mailbox
// is certainly read first, and the mail must still be found.
test("a mail sent after the dev mailbox was opened is found by the mailbox fixture", async ({ page, browser }) => {
  const email = uniqueEmail("late");
  const context = await browser.newContext();
  const other = await context.newPage();
  const firstLoad = page.waitForResponse((r) => new URL(r.url()).pathname === "/dev/mailbox");
  const signUpOnceTheMailboxWasRead = async () => {
    // Rendered before the account exists: no mail to it yet.
    expect(await (await firstLoad).text()).not.toContain(email);
    await other.goto("/sign-up");
    await signUp(other, { name: "Lena Late", email });
    await expect(other.getByRole("heading", { level: 1, name: "Lena Late's workspace" })).toBeVisible();
  };
  // The fixture's wait covers the sign-up in the other browser too, hence the longer budget.
  const [link] = await Promise.all([linkFromMailbox(page, email, "Verify your email", { timeout: 30_000 }), signUpOnceTheMailboxWasRead()]);
  expect(link).toMatch(/\/verify-email\?token=/);
  await context.close();
});
