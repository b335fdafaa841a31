import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { clearDatabaseUnavailable, markDatabaseUnavailable } from "@/lib/db/availability";
import { proxy } from "@/proxy";

// The proxy's answer while the database is marked unavailable (lib/db/availability.ts; the pool gate sets the mark,
// lib/db/pool-gate.test.ts). Called as Next calls it, without a server.

afterEach(() => clearDatabaseUnavailable());

const get = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
  proxy(new NextRequest(new URL(path, "http://localhost:3000"), { method: init.method ?? "GET", headers: { accept: "text/html", ...init.headers } }));

describe("proxy while the database is unavailable", () => {
  it("answers a page load 503 at once with a page of its own: retry after the window, not cached, the usual CSP", async () => {
    markDatabaseUnavailable("unavailable");
    const response = await get("/acme/projects", { headers: { "x-request-id": "req-unavailable-1" } });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("x-request-id")).toBe("req-unavailable-1");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(response.headers.get("x-middleware-next")).toBeNull(); // answered here, the page never renders
    const html = await response.text();
    expect(html).toContain("<h1");
    expect(html).toContain("Back in a moment");
    expect(html).toContain("ref req-unavailable-1");
    expect(html).not.toMatch(/<script|<link|src=/); // nothing to load, nothing to run
  });

  it("answers HEAD and RSC navigations the same way, a saturated pool too", async () => {
    markDatabaseUnavailable("saturated");
    const head = await get("/acme", { method: "HEAD" });
    expect(head.status).toBe(503);
    expect(await head.text()).toBe("");
    expect((await get("/acme/projects", { headers: { rsc: "1" } })).status).toBe(503);
  });

  it("lets route handlers (readiness, health) through, and page loads once the mark is lifted", async () => {
    markDatabaseUnavailable("unavailable");
    for (const path of ["/api/ready", "/api/health"]) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-middleware-next")).toBe("1");
    }
    // A saturated pool's mark lasts its window; an unreachable database's holds until the probe answers.
    clearDatabaseUnavailable();
    markDatabaseUnavailable("unavailable", { now: Date.now() - 5_000, held: true });
    const held = await get("/acme/projects");
    expect(held.status).toBe(503);
    expect(held.headers.get("retry-after")).toBe("1");
    clearDatabaseUnavailable();
    markDatabaseUnavailable("saturated", { now: Date.now() - 2_001 });
    const signedOut = await get("/acme/projects");
    expect(signedOut.status).toBe(307); // the usual way: signed out, to the sign-in page
    expect(signedOut.headers.get("location")).toContain("/sign-in");
  });
});
