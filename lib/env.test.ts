import { describe, expect, it } from "vitest";
import { assertProductionConfig, ConfigError, type Env } from "@/lib/env";

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
