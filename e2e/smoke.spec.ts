import { expect, signUp, test, uniqueEmail } from "./fixtures";

// The smoke subset: what a deploy checks on a deployment before (and after) it takes traffic. It runs in the local
// suite against the built app, and on its own against any URL (the deploy workflows):
//   E2E_BASE_URL=https://… npx playwright test --project smoke
// It changes nothing unless SMOKE_SIGN_UP=1 (previews, which have a database of their own): then it also signs a user up.

test("the landing page, sign-in and sign-up answer with the app, with its security headers", async ({ page }) => {
  const landing = await page.goto("/");
  expect(landing?.status()).toBe(200);
  expect(landing?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  await expect(page.getByRole("link", { name: "Get started" })).toBeVisible();
  for (const [path, button] of [["/sign-in", "Sign in"], ["/sign-up", "Create account"]] as const) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByRole("button", { name: button })).toBeVisible();
  }
});

test("health and readiness answer 200: the database, the cache and the jobs are reachable", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  const ready = await request.get("/api/ready");
  expect(ready.status(), await ready.text()).toBe(200);
});

test("a new user can sign up and lands in their workspace", async ({ page }) => {
  test.skip(Boolean(process.env.E2E_BASE_URL) && process.env.SMOKE_SIGN_UP !== "1", "a deployed production is not written to (SMOKE_SIGN_UP=1 on previews)");
  await page.goto("/sign-up");
  await signUp(page, { name: "Sam Smoke", email: uniqueEmail("smoke") });
  await expect(page.getByRole("heading", { level: 1, name: "Sam Smoke's workspace" })).toBeVisible();
});
