import { describe, expect, it } from "vitest";
import { assertProductionConfig, ConfigError, isDevMailboxAllowed, type Env } from "@/lib/env";

const upstash = {
  UPSTASH_REDIS_REST_URL: "https://redis.example",
  UPSTASH_REDIS_REST_TOKEN: "token",
  INNGEST_EVENT_KEY: "event-key",
  INNGEST_SIGNING_KEY: "signkey-prod-123",
};
const base = { NODE_ENV: "production", isProduction: true, ANATOMY_EMBEDDED: false, hasAppUrl: false } as unknown as Env;

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
  const embedded = { ...base, ANATOMY_EMBEDDED: true, ANATOMY_DEV_MAILBOX: true, APP_URL: "http://localhost:3551" } as Env;

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
