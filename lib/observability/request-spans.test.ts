import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";
import { RequestMetricsSpanProcessor } from "@/lib/observability/request-spans";

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger(stream);
  logger.level = "info";
  return { logger, lines };
}

let nextId = 1;
function span(attributes: Record<string, unknown>, parentSpanId?: string, millis = 120): ReadableSpan {
  const spanId = (nextId++).toString(16).padStart(16, "0");
  return {
    attributes,
    duration: [0, millis * 1e6],
    parentSpanContext: parentSpanId ? { spanId: parentSpanId, traceId: "t".repeat(32), traceFlags: 1 } : undefined,
    spanContext: () => ({ spanId, traceId: "a".repeat(32), traceFlags: 1 }),
  } as unknown as ReadableSpan;
}

async function countFor(labels: Record<string, string>): Promise<number> {
  const metric = await getMetrics().httpRequestDuration.get();
  const sample = metric.values.find(
    (v) => v.metricName === "http_server_request_duration_seconds_count" && Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  );
  return sample?.value ?? 0;
}

describe("request spans -> metrics and access log", () => {
  it("records each routed request once, by route pattern and status class, and logs it with its request id", async () => {
    const { logger, lines } = captureLogger();
    const processor = new RequestMetricsSpanProcessor(logger);
    const labels = { route: "/[org]/projects", method: "POST", status_class: "2xx" };
    const before = await countFor(labels);

    const root = "00000000000000aa";
    processor.onEnd(span({ "next.span_type": "Middleware.execute", "http.request_id": "req-abc-123" }, root));
    processor.onEnd(span({ "next.span_type": "BaseServer.handleRequest", "http.method": "POST" }, undefined)); // outer span: no route
    processor.onEnd(
      span({ "next.span_type": "BaseServer.handleRequest", "http.route": "/[org]/projects", "http.method": "POST", "http.status_code": 200 }, root),
    );
    processor.onEnd(span({ "next.span_type": "AppRender.getBodyResult" }, root)); // unrelated spans are ignored

    expect(await countFor(labels)).toBe(before + 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "request", requestId: "req-abc-123", route: "/[org]/projects", method: "POST", status: 200, durationMs: 120 });
  });

  it("counts 5xx responses as errors", async () => {
    const { logger } = captureLogger();
    const processor = new RequestMetricsSpanProcessor(logger);
    const read = async () =>
      (await getMetrics().httpErrors.get()).values.find((v) => v.labels.route === "/api/thing" && v.labels.kind === "5xx")?.value ?? 0;
    const before = await read();
    processor.onEnd(span({ "next.span_type": "BaseServer.handleRequest", "http.route": "/api/thing", "http.method": "GET", "http.status_code": 503 }));
    expect(await read()).toBe(before + 1);
    expect(await countFor({ route: "/api/thing", status_class: "5xx" })).toBe(1);
  });
});

describe("logger redaction", () => {
  it("never writes passwords, tokens, secrets, cookies or authorization headers", () => {
    const { logger, lines } = captureLogger();
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
    const { logger, lines } = captureLogger();
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
