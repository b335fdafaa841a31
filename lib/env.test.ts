import { afterEach, describe, expect, it, vi } from "vitest";
import { assertProductionConfig, ConfigError, getEnv, isDevMailboxAllowed, resetEnvForTests, type Env } from "@/lib/env";

const upstash = {
  UPSTASH_REDIS_REST_URL: "https://redis.example",
  UPSTASH_REDIS_REST_TOKEN: "token",
  INNGEST_EVENT_KEY: "event-key",
  INNGEST_SIGNING_KEY: "signkey-prod-123",
};
const base = {
  NODE_ENV: "production",
  isProduction: true,
  ANATOMY_EMBEDDED: false,
  hasAppUrl: false,
  clientAddressSource: { kind: "socket" },
} as unknown as Env;

describe("production configuration", () => {
  it("refuses to start without the real services, naming each missing variable", () => {
    expect(() => assertProductionConfig(base)).toThrow(ConfigError);
    expect(() => assertProductionConfig(base)).toThrow(/Missing required configuration: DATABASE_URL, AUTH_SECRET, SMTP_URL, APP_URL, INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY, UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN/);
    expect(() => assertProductionConfig({ ...base, ...upstash, DATABASE_URL: "postgres://x@y/z", SMTP_URL: "smtp://h", hasAppUrl: true })).toThrow(
      /Missing required configuration: AUTH_SECRET\./,
    );
  });

  it("starts when everything is set, or when the operator opted into the embedded services", () => {
    expect(() =>
      assertProductionConfig({ ...base, ...upstash, DATABASE_URL: "postgres://x@y/z", AUTH_SECRET: "s".repeat(32), SMTP_URL: "smtp://h", hasAppUrl: true }),
    ).not.toThrow();
    expect(() => assertProductionConfig({ ...base, ANATOMY_EMBEDDED: true })).not.toThrow();
  });

  it("does not apply outside production", () => {
    expect(() => assertProductionConfig({ ...base, NODE_ENV: "development", isProduction: false })).not.toThrow();
  });
});

// The dev mailbox shows every reset link to whoever opens /dev/mailbox: in production only for an embedded server that
// runs for this machine (playwright.config.ts: ANATOMY_EMBEDDED=1, ANATOMY_DEV_MAILBOX=1, APP_URL=http://localhost:<port>).
describe("dev mailbox in production", () => {
  const embedded = { ...base, ANATOMY_EMBEDDED: true, ANATOMY_DEV_MAILBOX: true, APP_URL: "http://localhost:3551", hasAppUrl: true } as Env;

  it("refuses to start when APP_URL was never set (its localhost default says nothing about where the server listens)", () => {
    const unset = { ...embedded, APP_URL: "http://localhost:3000", hasAppUrl: false };
    expect(isDevMailboxAllowed(unset)).toBe(false);
    expect(() => assertProductionConfig(unset)).toThrow(/ANATOMY_DEV_MAILBOX=1 shows every email/);
  });

  it("is allowed for an embedded server whose APP_URL is on this machine (the e2e setup)", () => {
    for (const APP_URL of ["http://localhost:3551", "http://127.0.0.1:3000", "http://127.1.2.3:80", "http://[::1]:3000"]) {
      expect(isDevMailboxAllowed({ ...embedded, APP_URL }), APP_URL).toBe(true);
      expect(() => assertProductionConfig({ ...embedded, APP_URL })).not.toThrow();
    }
  });

  it("refuses to start when others could reach it: a public APP_URL, or without the embedded mode", () => {
    for (const APP_URL of ["https://demo.example.com", "http://localhost.evil.example", "http://127.0.0.1.evil.example", "http://0.0.0.0:3000", "http://10.0.0.5:3000"]) {
      expect(isDevMailboxAllowed({ ...embedded, APP_URL }), APP_URL).toBe(false);
      expect(() => assertProductionConfig({ ...embedded, APP_URL }), APP_URL).toThrow(/ANATOMY_DEV_MAILBOX=1 shows every email/);
    }
    const configured = { ...base, ...upstash, DATABASE_URL: "postgres://x@y/z", AUTH_SECRET: "s".repeat(32), SMTP_URL: "smtp://h", hasAppUrl: true };
    expect(isDevMailboxAllowed({ ...configured, ANATOMY_DEV_MAILBOX: true, APP_URL: "http://localhost:3000" } as Env)).toBe(false);
    expect(() => assertProductionConfig({ ...configured, ANATOMY_DEV_MAILBOX: true, APP_URL: "http://localhost:3000" } as Env)).toThrow(ConfigError);
  });

  it("stays off without the flag, and is on outside production", () => {
    expect(isDevMailboxAllowed({ ...embedded, ANATOMY_DEV_MAILBOX: false })).toBe(false);
    expect(() => assertProductionConfig({ ...embedded, ANATOMY_DEV_MAILBOX: false, APP_URL: "https://demo.example.com" })).not.toThrow();
    expect(isDevMailboxAllowed({ ...base, NODE_ENV: "development", isProduction: false, ANATOMY_DEV_MAILBOX: false } as Env)).toBe(true);
  });
});

describe("where the client address comes from", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  function sourceWith(vars: Record<string, string | undefined>) {
    for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
    resetEnvForTests();
    return getEnv().clientAddressSource;
  }

  it("reads TRUSTED_PROXY_HOPS (0: the socket) or CLIENT_IP_SOURCE=vercel; development and tests default to the socket", () => {
    expect(sourceWith({ NODE_ENV: "test", TRUSTED_PROXY_HOPS: undefined, CLIENT_IP_SOURCE: undefined })).toEqual({ kind: "socket" });
    expect(sourceWith({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: "0" })).toEqual({ kind: "socket" });
    expect(sourceWith({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: "2" })).toEqual({ kind: "forwarded", hops: 2 });
    expect(sourceWith({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: "", CLIENT_IP_SOURCE: "vercel" })).toEqual({ kind: "vercel" });
    expect(sourceWith({ NODE_ENV: "production", TRUSTED_PROXY_HOPS: undefined, CLIENT_IP_SOURCE: undefined })).toBeUndefined();
  });

  it("refuses a value it cannot read, or both at once", () => {
    expect(() => sourceWith({ TRUSTED_PROXY_HOPS: "one" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => sourceWith({ TRUSTED_PROXY_HOPS: "-1" })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => sourceWith({ TRUSTED_PROXY_HOPS: undefined, CLIENT_IP_SOURCE: "cloudflare" })).toThrow(/CLIENT_IP_SOURCE/);
    expect(() => sourceWith({ TRUSTED_PROXY_HOPS: "1", CLIENT_IP_SOURCE: "vercel" })).toThrow(/set one of them/);
  });

  it("production refuses to start without it, embedded demos included, naming both variables", () => {
    const unset = { ...base, clientAddressSource: undefined };
    for (const env of [unset, { ...unset, ANATOMY_EMBEDDED: true }]) {
      expect(() => assertProductionConfig(env)).toThrow(ConfigError);
      expect(() => assertProductionConfig(env)).toThrow(/Missing required configuration: TRUSTED_PROXY_HOPS or CLIENT_IP_SOURCE/);
    }
    expect(() => assertProductionConfig({ ...unset, ANATOMY_EMBEDDED: true, clientAddressSource: { kind: "forwarded", hops: 1 } })).not.toThrow();
  });
});

describe("APP_URL on a Vercel preview", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  it("is the deployment's own address when none is set, and only on a preview", () => {
    vi.stubEnv("APP_URL", undefined);
    vi.stubEnv("VERCEL_ENV", "preview");
    vi.stubEnv("VERCEL_URL", "anatomy-git-feature-team.vercel.app");
    vi.stubEnv("AUTH_URL", undefined);
    resetEnvForTests();
    expect(getEnv().APP_URL).toBe("https://anatomy-git-feature-team.vercel.app");
    expect(getEnv().hasAppUrl).toBe(true);

    vi.stubEnv("VERCEL_ENV", "production");
    vi.stubEnv("AUTH_URL", undefined);
    resetEnvForTests();
    expect(getEnv().hasAppUrl).toBe(false);

    vi.stubEnv("VERCEL_ENV", "preview");
    vi.stubEnv("APP_URL", "https://preview.example.com");
    vi.stubEnv("AUTH_URL", undefined);
    resetEnvForTests();
    expect(getEnv().APP_URL).toBe("https://preview.example.com");
  });
});
