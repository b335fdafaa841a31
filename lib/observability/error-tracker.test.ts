import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureError, flushErrorTracker, initErrorTracker, resetErrorTrackerForTests } from "@/lib/observability/error-tracker";

// A stand-in for Sentry's ingest endpoint: the real SDK posts envelopes to it, and we read what would reach Sentry.
const received: string[] = [];
let server: Server;
let dsn: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      received.push(req.headers["content-encoding"] === "gzip" ? gunzipSync(body).toString() : body.toString());
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  dsn = `http://public@127.0.0.1:${port}/42`;
});

afterAll(async () => {
  resetErrorTrackerForTests();
  await new Promise((resolve) => server.close(resolve));
});

describe("error tracker", () => {
  it("does nothing without a DSN", async () => {
    expect(await initErrorTracker(undefined)).toBe(false);
    captureError(new Error("nobody hears this"));
    await flushErrorTracker(500);
    expect(received).toHaveLength(0);
  });

  it("with a DSN, an unexpected error reaches the tracker with its request id, route and user id, and no PII", async () => {
    expect(await initErrorTracker(dsn)).toBe(true);
    captureError(new Error("the database went away"), { requestId: "req-123", route: "/[org]/projects", userId: "user-9" });
    await flushErrorTracker(5000);
    const envelope = received.join("\n");
    expect(envelope).toContain("the database went away");
    expect(envelope).toContain("req-123");
    expect(envelope).toContain("/[org]/projects");
    expect(envelope).toContain("user-9");
    expect(envelope).not.toMatch(/"ip_address"\s*:\s*"(?!\{\{)/);
  });
});
