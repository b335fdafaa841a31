import { expect, test, PASSWORD, uniqueEmail } from "./fixtures";

// `npm run dev` opened at http://127.0.0.1:<port> (the address many people type, and what tools print) instead of
// localhost. Next's dev server refuses its scripts to origins it does not know, so the page never hydrated and a
// click on "Create account" went out as a plain GET with the password in the URL. Runs against `next dev`
// (playwright.config.ts, project "dev-server").
test("the dev server at 127.0.0.1 hydrates and signs a user up through the server action", async ({ page }) => {
  test.setTimeout(180_000); // the dev server compiles each page on its first request
  const refused: string[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/_next/") && response.status() >= 400) refused.push(`${response.status()} ${response.url()}`);
  });
  const actionPosts: { hasActionHeader: boolean; url: string }[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") actionPosts.push({ hasActionHeader: Boolean(request.headers()["next-action"]), url: request.url() });
    expect(request.url(), "no secret in a URL").not.toMatch(/password/i);
  });

  await page.goto("/sign-up", { waitUntil: "networkidle", timeout: 150_000 });
  await page.getByLabel("Your name").fill("Devi Developer");
  await page.getByLabel("Email").fill(uniqueEmail("dev"));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Devi Developer's workspace" })).toBeVisible({ timeout: 120_000 });

  expect(refused, "dev assets refused to 127.0.0.1").toEqual([]);
  // Hydrated: React sent the action itself (a Next-Action request), not the browser's fallback form post.
  expect(actionPosts.some((post) => post.hasActionHeader)).toBe(true);
});
