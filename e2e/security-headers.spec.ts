import { createHash } from "node:crypto";
import type { APIResponse } from "@playwright/test";
import { expect, signUp, test, uniqueEmail } from "./fixtures";

// Every kind of response carries the security headers (lib/security/headers.ts), and the CSP lets the app's own
// scripts run — by nonce on pages rendered per request, by hash on prerendered ones — and nothing else.

function expectSecurityHeaders(response: APIResponse): string {
  const headers = response.headers();
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  // The suite runs the production build (next start).
  expect(headers["strict-transport-security"]).toMatch(/^max-age=\d{8}; includeSubDomains$/);
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/unsafe-inline[^;]*;.*script-src|script-src[^;]*unsafe-(inline|eval)/);
  return csp;
}

function scriptSrc(csp: string): string[] {
  return (/(?:^|; )script-src ([^;]+)/.exec(csp)?.[1] ?? "").split(" ");
}

function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs = ""]) => !/\bsrc=/.test(attrs)).map(([, , body = ""]) => body).filter(Boolean);
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

test("prerendered marketing pages keep CDN caching and allow exactly their inline scripts by hash", async ({ page, request }) => {
  for (const path of ["/", "/pricing"]) {
    const response = await request.get(path);
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("public, s-maxage=3600, stale-while-revalidate=86400");
    const sources = scriptSrc(expectSecurityHeaders(response));
    expect(sources.some((s) => s.startsWith("'nonce-")), "a cached page cannot carry a per-request nonce").toBe(false);
    const scripts = inlineScripts(await response.text());
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(sources, `hash of ${script.slice(0, 60)}`).toContain(sha256(script));
  }
  // And the browser agrees: the page hydrates (client-side navigation) without a CSP violation (see fixtures.ts).
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
});

test("pages rendered per request carry a fresh nonce on every script; route handlers, redirects, 404s and assets carry the headers", async ({ page, request }) => {
  await page.goto("/sign-up");
  await signUp(page, { name: "Nora", email: uniqueEmail("csp") });
  await expect(page.getByRole("heading", { level: 1, name: "Nora's workspace" })).toBeVisible();

  const dashboardPath = new URL(page.url()).pathname;
  const nonces = new Set<string>();
  for (let i = 0; i < 2; i++) {
    const dashboard = await page.request.get(dashboardPath);
    expect(dashboard.status()).toBe(200);
    const nonce = scriptSrc(expectSecurityHeaders(dashboard)).find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
    expect(nonce).toBeTruthy();
    nonces.add(nonce!);
    const tags = [...(await dashboard.text()).matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size, "a new nonce per response").toBe(2);

  // Route handler.
  expectSecurityHeaders(await request.get("/api/health"));
  // The proxy's redirect of a signed-out visitor.
  const redirect = await request.get("/app", { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expectSecurityHeaders(redirect);
  // The proxy's own refusal of a server action request React would never send (lib/security/action-request.ts).
  const refused = await request.post("/sign-in", { headers: { "next-action": "0".repeat(42), "content-type": "application/json" }, data: "{}" });
  expect(refused.status()).toBeGreaterThanOrEqual(400);
  expect(refused.status()).toBeLessThan(500);
  expectSecurityHeaders(refused);
  // A path no route matches: Next serves its prerendered 404, whose inline scripts every policy allows by hash.
  const missing = await page.request.get("/no/such/page/anywhere");
  expect(missing.status()).toBe(404);
  const sources = scriptSrc(expectSecurityHeaders(missing));
  for (const script of inlineScripts(await missing.text())) expect(sources).toContain(sha256(script));
  await page.goto("/no/such/page/anywhere");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  // A static asset: the headers and a policy that lets nothing run inside it.
  const html = await (await request.get("/")).text();
  const asset = /\/_next\/static\/[^"']+\.js/.exec(html)?.[0];
  expect(asset).toBeTruthy();
  const assetResponse = await request.get(asset!);
  expect(expectSecurityHeaders(assetResponse)).toContain("default-src 'none'");
});

test("settings cannot be framed and an injected inline script does not run", async ({ browser }) => {
  // A context of its own, outside the fixture that fails tests on CSP violations: here the violation is the point,
  // and the console message proves the fixture's listener would see one.
  const context = await browser.newContext();
  const page = await context.newPage();
  const messages: string[] = [];
  page.on("console", (message) => messages.push(message.text()));
  await page.goto("/sign-in");
  const ran = await page.evaluate(async () => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = true";
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => messages.some((m) => /Content Security Policy/.test(m))).toBe(true);

  // An attacker's page framing the app: the browser refuses to render it inside the frame.
  await page.setContent(`<iframe src="${new URL("/sign-in", page.url()).href}" title="victim"></iframe>`);
  await expect.poll(() => messages.filter((m) => /frame-ancestors|Refused to (display|frame)/i.test(m)).length).toBeGreaterThan(0);
  await context.close();
});
