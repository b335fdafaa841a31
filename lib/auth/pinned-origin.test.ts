import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError, getEnv, resetEnvForTests } from "@/lib/env";

// With APP_URL set, no link the app or Auth.js generates may come from the Host or X-Forwarded-Host header of the
// request: an attacker sending `Host: evil.example` must not get (or make someone else get) a link to their host.

const APP_URL = "https://app.example.test";
const forged = { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" };
beforeAll(() => {
  vi.stubEnv("APP_URL", APP_URL);
  vi.stubEnv("AUTH_URL", undefined);
  resetEnvForTests();
  getEnv();
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

const request = (path: string) => new NextRequest(`http://evil.example${path}`, { headers: forged });

describe("links with a forged Host header", () => {
  it("Auth.js is pinned to APP_URL: provider URLs and redirects name the app's origin", async () => {
    expect((import.meta.env as unknown as Record<string, string | undefined>).AUTH_URL).toBe(APP_URL);
    const { handlers } = await import("@/lib/auth/auth");

    const providers = (await (await handlers.GET(request("/api/auth/providers"))).json()) as Record<string, { signinUrl: string; callbackUrl: string }>;
    expect(providers.credentials).toMatchObject({
      signinUrl: `${APP_URL}/api/auth/signin/credentials`,
      callbackUrl: `${APP_URL}/api/auth/callback/credentials`,
    });
    expect(JSON.stringify(providers)).not.toContain("evil.example");

    // The sign-in redirect resolves the callback URL (and remembers it in a cookie) against the app's origin.
    const signIn = await handlers.GET(request("/api/auth/signin?callbackUrl=%2Fapp"));
    const location = new URL(signIn.headers.get("location") ?? "", APP_URL);
    expect(location.origin).toBe(APP_URL);
    expect(location.searchParams.get("callbackUrl")).toBe(`${APP_URL}/app`);
    expect(signIn.headers.getSetCookie().find((c) => c.includes("callback-url"))).toContain(encodeURIComponent(`${APP_URL}/app`));
    expect(JSON.stringify([...signIn.headers])).not.toContain("evil.example");
  });

  it("the in-app links (password reset, verification, invitations) are built from APP_URL", async () => {
    const { resetPasswordMessage } = await import("@/lib/email/templates");
    const message = resetPasswordMessage("someone@example.test", "a-token-of-forty-characters-0123456789ab");
    expect(message.text).toContain(`${APP_URL}/reset-password?token=`);
    expect(message.text + message.html).not.toContain("evil.example");
  });

  it("Inngest is told to call APP_URL, whatever Host the request that asked for the sync carried", async () => {
    vi.resetModules(); // the serve handler reads APP_URL when it is created
    const { inngestHandlers } = await import("@/lib/inngest/runtime");
    const { setLocalEventFetch } = await import("@/lib/jobs/client");
    const registered: string[] = [];
    setLocalEventFetch(async (_input, init) => {
      const body = JSON.parse(String(init?.body ?? "{}")) as { url?: string };
      if (body.url) registered.push(body.url);
      return Response.json({ ok: true, modified: true });
    });
    await inngestHandlers.PUT(request("/api/inngest"), undefined);
    expect(registered).toEqual([`${APP_URL}/api/inngest`]);
  });

  it("an AUTH_URL on another origin than APP_URL is a startup error", () => {
    vi.stubEnv("AUTH_URL", "https://elsewhere.example");
    resetEnvForTests();
    try {
      expect(() => getEnv()).toThrow(ConfigError);
      expect(() => getEnv()).toThrow(/AUTH_URL: must be on APP_URL's origin/);
    } finally {
      vi.stubEnv("AUTH_URL", APP_URL);
      resetEnvForTests();
    }
  });
});
