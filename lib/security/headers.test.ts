import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce, staticSecurityHeaders } from "./headers";

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(";").map((d) => d.trim().split(/\s+/)).map(([name = "", ...values]) => [name, values]));
}

describe("contentSecurityPolicy", () => {
  it("allows inline scripts only by nonce or hash, never 'unsafe-inline' or eval in production", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123==", scriptHashes: ["sha256-xyz"], isDevelopment: false, isHttps: true }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'sha256-xyz'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("adds 'unsafe-eval' in development only, and upgrades requests only on https", () => {
    const dev = directives(contentSecurityPolicy({ nonce: "n", isDevelopment: true, isHttps: false }));
    expect(dev.get("script-src")).toContain("'unsafe-eval'");
    expect(dev.has("upgrade-insecure-requests")).toBe(false);
  });

  it("lets forms reach the configured OAuth providers", () => {
    const policy = directives(contentSecurityPolicy({ isDevelopment: false, isHttps: false, formActionOrigins: ["https://github.com"] }));
    expect(policy.get("form-action")).toEqual(["'self'", "https://github.com"]);
  });
});

describe("createNonce", () => {
  it("is 128 random bits in base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("staticSecurityHeaders", () => {
  it("sends HSTS in production only", () => {
    const names = (isProduction: boolean) => staticSecurityHeaders({ isProduction }).map((h) => h.key);
    expect(names(true)).toContain("Strict-Transport-Security");
    expect(names(false)).not.toContain("Strict-Transport-Security");
    expect(names(false)).toEqual(expect.arrayContaining(["X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy"]));
  });
});
