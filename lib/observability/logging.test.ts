import { describe, expect, it } from "vitest";
import { getMetrics } from "@/lib/observability/metrics";
import { captureLogs } from "@/lib/testing/log-capture";

describe("logger redaction", () => {
  it("never writes passwords, tokens, secrets, cookies or authorization headers", () => {
    const { logger, lines } = captureLogs();
    logger.info(
      {
        email: "a@example.test",
        password: "hunter2-password",
        credentials: { password: "hunter2-nested", token: "tok-123" },
        newPassword: "n3w-secret-pw",
        headers: { authorization: "Bearer sk_live_abc", cookie: "authjs.session-token=eyJhbGciOi" },
        secret: "AUTH_SECRET_VALUE",
      },
      "sign-in attempt",
    );
    const output = JSON.stringify(lines);
    for (const secret of ["hunter2-password", "hunter2-nested", "tok-123", "n3w-secret-pw", "sk_live_abc", "eyJhbGciOi", "AUTH_SECRET_VALUE"]) {
      expect(output).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({ email: "a@example.test", password: "[redacted]" });
  });
});

describe("database query metrics", () => {
  it("times every statement by operation", async () => {
    const { getDb } = await import("@/lib/db/client");
    const { sql } = await import("drizzle-orm");
    const read = async () =>
      (await getMetrics().dbQueryDuration.get()).values.find(
        (v) => v.metricName === "db_query_duration_seconds_count" && v.labels.operation === "select",
      )?.value ?? 0;
    const before = await read();
    await getDb().execute(sql`select 1`);
    await getDb().execute(sql`select 2`);
    expect(await read()).toBe(before + 2);
  });
});

describe("logged errors", () => {
  it("never carry a failed query's parameters", () => {
    const { logger, lines } = captureLogs();
    const error = Object.assign(new Error("Failed query: update users set password_hash = $1 where email = $2\nparams: $argon2id$v=19$abc,victim@example.test"), {
      params: ["$argon2id$v=19$abc", "victim@example.test"],
    });
    logger.error({ err: new Error("wrapper", { cause: error }) }, "server action failed");
    logger.error({ err: error }, "server action failed");
    const output = JSON.stringify(lines);
    expect(output).not.toContain("victim@example.test");
    expect(output).not.toContain("argon2id");
    expect(output).toContain("Failed query: update users");
  });
});
