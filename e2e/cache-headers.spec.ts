import { expect, test, signUp, uniqueEmail } from "./fixtures";

// What a CDN in front of the app may keep: marketing pages and hashed assets, never a signed-in page.
test("marketing pages and assets are CDN-cacheable; signed-in pages are private", async ({ page, request }) => {
  for (const path of ["/", "/pricing"]) {
    const response = await request.get(path);
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("public, s-maxage=3600, stale-while-revalidate=86400");
  }

  const html = await (await request.get("/")).text();
  const asset = /\/_next\/static\/[^"']+\.(?:css|js)/.exec(html)?.[0];
  expect(asset).toBeTruthy();
  expect((await request.get(asset!)).headers()["cache-control"]).toBe("public, max-age=31536000, immutable");

  await page.goto("/sign-up");
  await signUp(page, { name: "Cass", email: uniqueEmail("cache") });
  await expect(page.getByRole("heading", { level: 1, name: "Cass's workspace" })).toBeVisible();
  const dashboard = await page.request.get(new URL(page.url()).pathname);
  expect(dashboard.status()).toBe(200);
  expect(dashboard.headers()["cache-control"]).toMatch(/private/);
  expect(dashboard.headers()["cache-control"]).toMatch(/no-store/);

  // The icon sprite: kept for a year at the address the page names (its content's digest), never under another one.
  const sprite = /\/icons\.svg\?v=[0-9a-f]+/.exec(await dashboard.text())?.[0];
  expect(sprite).toBeTruthy();
  const current = await page.request.get(sprite!);
  expect(current.headers()["content-type"]).toBe("image/svg+xml");
  expect(current.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect((await current.text()).match(/<symbol id="/g)?.length).toBeGreaterThan(5);
  expect((await page.request.get("/icons.svg?v=0000000000")).headers()["cache-control"]).toBe("no-store");
});
