import type { Page, Request } from "@playwright/test";
import { expect, test, linkFromMailbox, PASSWORD, uniqueEmail } from "./fixtures";

// Every form works before hydration and without JavaScript at all (a slow phone, a script that failed to load): the
// server action is the form's action, so the browser POSTs it, and no secret ever lands in a URL.
test.use({ javaScriptEnabled: false });

// Every password this test types: none of them may appear in any URL the browser requests.
const SECRETS = ["tiny7pw", PASSWORD, "not my password", "a brand new password", "wrong password here", "the reset password"];

/** Fails the test if any request of the page carries one of the typed passwords in its URL. */
function watchUrls(page: Page): () => void {
  const leaked: string[] = [];
  const check = (request: Request) => {
    const url = decodeURIComponent(request.url().replace(/\+/g, " "));
    if (SECRETS.some((secret) => url.includes(secret))) leaked.push(`${request.method()} ${request.url()}`);
  };
  page.on("request", check);
  return () => expect(leaked, "secrets in URLs").toEqual([]);
}

test("sign up, sign in, reset and change the password, create a project and a task, all without JavaScript", async ({ page, browser }) => {
  const email = uniqueEmail("nojs");
  const assertNoSecretsInUrls = watchUrls(page);

  // A failed sign-up keeps what was typed (but never the password) and says what is wrong.
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Nora NoScript");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("tiny7pw");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText(/at least 8 characters/i).first()).toBeVisible();
  await expect(page.getByLabel("Your name")).toHaveValue("Nora NoScript");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue("");
  expect(await page.content()).not.toContain("tiny7pw");

  // Then it succeeds and lands in the new workspace.
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Nora NoScript's workspace" })).toBeVisible();
  const orgPath = new URL(page.url()).pathname;

  // A project and a task in it.
  await page.goto(`${orgPath}/projects`);
  await page.getByLabel("New project name").fill("Offline launch");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("link", { name: "Offline launch" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Offline launch" })).toBeVisible();
  await page.getByLabel("Task title").fill("Works without scripts");
  // The assignee picker's options are rendered on the server from the page's member list (member-list.ts).
  await page.getByRole("combobox", { name: "Assignee" }).first().selectOption({ label: "Nora NoScript" });
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByRole("listitem", { name: "Works without scripts" })).toContainText("Nora NoScript");
  await page.getByLabel("Task title").fill("Second without scripts");
  await page.getByRole("button", { name: "Add task" }).click();
  await expect(page.getByRole("listitem", { name: "Second without scripts" })).toBeVisible();
  // The status select submits on change with JavaScript; without it, a Save button next to it does. The rows share one
  // form: the pressed button's row is saved, a select changed on another row is not.
  await page.getByLabel("Status of Second without scripts").selectOption("in_progress");
  await page.getByLabel("Status of Works without scripts").selectOption("done");
  await page.getByRole("button", { name: "Save the new status for Works without scripts" }).click();
  await expect(page.getByRole("button", { name: "Save the new status for Works without scripts" })).toBeVisible();
  await page.goto(new URL(page.url()).pathname);
  await expect(page.getByLabel("Status of Works without scripts")).toHaveValue("done");
  await expect(page.getByLabel("Status of Second without scripts")).toHaveValue("todo");
  // Delete posts without JavaScript too (no confirmation then): only that task goes.
  await page.getByRole("button", { name: "Delete Second without scripts" }).click();
  await expect(page.getByRole("listitem", { name: "Second without scripts" })).toHaveCount(0);
  await expect(page.getByRole("listitem", { name: "Works without scripts" })).toBeVisible();

  // Change the password: a wrong current one is refused, the right one works and keeps this browser signed in.
  await page.goto(`${orgPath}/settings`);
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your current password is not correct.").first()).toBeVisible();
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/password=changed/);
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();

  // Sign out from the account menu: its button needs JavaScript, so it is hidden and a <details> opens the items.
  await page.goto(orgPath);
  await expect(page.getByRole("heading", { level: 1, name: "Nora NoScript's workspace" })).toBeVisible();
  await expect(page.locator("button[aria-label^='Account menu']")).toBeHidden();
  // force: Playwright's hit-target check takes the <noscript> around the summary for something covering it; the
  // point it clicks is the summary's (document.elementFromPoint says so), as a user's click would be.
  await page.locator("summary[aria-label^='Account menu']").click({ force: true });
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.goto(orgPath);
  await expect(page).toHaveURL(/\/sign-in/);

  // Sign in from a fresh browser, also without JavaScript; a wrong password keeps the address.
  const other = await browser.newContext({ javaScriptEnabled: false });
  const second = await other.newPage();
  const assertSecondClean = watchUrls(second);
  await second.goto("/sign-in");
  await second.getByLabel("Email").fill(email);
  await second.getByLabel("Password").fill("wrong password here");
  await second.getByRole("button", { name: "Sign in" }).click();
  await expect(second.getByText("Incorrect email or password.")).toBeVisible();
  await expect(second.getByLabel("Email")).toHaveValue(email);
  await second.getByLabel("Password").fill("a brand new password");
  await second.getByRole("button", { name: "Sign in" }).click();
  await expect(second).not.toHaveURL(/\/sign-in/);
  await expect(second.getByRole("heading", { level: 1, name: "Nora NoScript's workspace" })).toBeVisible();
  assertSecondClean();
  await other.close();

  // Forgot the password: request a link, choose a new one, sign in with it.
  const third = await browser.newContext({ javaScriptEnabled: false });
  const reset = await third.newPage();
  const assertResetClean = watchUrls(reset);
  await reset.goto("/forgot-password");
  await reset.getByLabel("Email").fill(email);
  await reset.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(reset.getByText(/we sent it a link to reset the password/)).toBeVisible();
  await reset.goto(await linkFromMailbox(reset, email, /reset/i));
  await reset.getByLabel("New password").fill("the reset password");
  await reset.getByRole("button", { name: "Set new password" }).click();
  await expect(reset).toHaveURL(/\/sign-in\?reset=1/);
  await reset.getByLabel("Email").fill(email);
  await reset.getByLabel("Password").fill("the reset password");
  await reset.getByRole("button", { name: "Sign in" }).click();
  await expect(reset.getByRole("heading", { level: 1, name: "Nora NoScript's workspace" })).toBeVisible();
  assertResetClean();
  await third.close();

  assertNoSecretsInUrls();
});
