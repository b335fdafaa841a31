import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpMetrics } from "@/lib/observability/http-metrics";
import { getMetrics } from "@/lib/observability/metrics";
import { captureLogs } from "@/lib/testing/log-capture";

// A real Node HTTP server, measured the way the app's is. Next.js's part (the route pattern it matched, kept on the
// request) is played by the handler here; e2e/observability.spec.ts checks the labels a real Next.js server gets.

const { logger: log, lines } = captureLogs();

function routedAs(req: IncomingMessage, pattern: string) {
  (req as unknown as Record<symbol, unknown>)[Symbol.for("NextInternalRequestMeta")] = { match: { definition: { pathname: pattern } } };
}

// Called when the server has the export request: the client gives up only then (a fixed delay raced a busy machine).
let exportReceived: (() => void) | undefined;

function handle(req: IncomingMessage, res: ServerResponse) {
  res.setHeader("x-request-id", req.headers["x-request-id"] ?? "generated-request-id");
  const path = req.url!.split("?")[0]!;
  if (path === "/acme/projects") {
    routedAs(req, "/[org]/projects");
    setTimeout(() => res.end("ok"), 30);
  } else if (path === "/api/broken") {
    routedAs(req, "/api/broken");
    res.statusCode = 503;
    res.end("down");
  } else if (path === "/acme/export") {
    routedAs(req, "/[org]/export");
    exportReceived?.();
    setTimeout(() => res.end("late"), 400); // the client gives up before this
  } else if (path === "/_next/static/chunks/app.js" || path === "/robots.txt") {
    res.statusCode = path === "/robots.txt" ? 304 : 200; // a public file the browser already has
    res.end();
  } else if (path === "/acme/settings") {
    res.statusCode = 307; // proxy.ts sending a signed-out visitor to sign in: Next routed nothing
    res.setHeader("location", "/sign-in");
    res.end();
  } else {
    res.statusCode = 404;
    res.end();
  }
}

let server: Server;
let base: string;
let stop: () => void;

beforeAll(async () => {
  stop = startHttpMetrics(log);
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  stop();
  await new Promise((resolve) => server.close(resolve));
});

async function count(labels: Record<string, string>): Promise<number> {
  const metric = await getMetrics().httpRequestDuration.get();
  return (
    metric.values.find(
      (v) => v.metricName === "http_server_request_duration_seconds_count" && Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
    )?.value ?? 0
  );
}

async function settled() {
  // "finish" is emitted after the client may already have the response.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("request metrics and access log from Node's HTTP server", () => {
  it("records each request once, by route pattern and status class, and logs it with its request id", async () => {
    const labels = { route: "/[org]/projects", method: "POST", status_class: "2xx" };
    const before = await count(labels);
    const res = await fetch(`${base}/acme/projects?tab=open`, { method: "POST", headers: { "x-request-id": "req-abc-12345" } });
    expect(res.status).toBe(200);
    await settled();

    expect(await count(labels)).toBe(before + 1);
    const line = lines.find((l) => l.requestId === "req-abc-12345");
    expect(line).toMatchObject({ msg: "request", module: "http", route: "/[org]/projects", method: "POST", status: 200 });
    expect(line!.durationMs).toBeGreaterThanOrEqual(25);
    // Never the path with the org's slug, nor the query.
    expect(JSON.stringify(await getMetrics().httpRequestDuration.get())).not.toContain("acme");
  });

  it("counts 5xx responses as errors", async () => {
    const read = async () => (await getMetrics().httpErrors.get()).values.find((v) => v.labels.route === "/api/broken" && v.labels.kind === "5xx")?.value ?? 0;
    const before = await read();
    expect((await fetch(`${base}/api/broken`)).status).toBe(503);
    await settled();
    expect(await read()).toBe(before + 1);
    expect(await count({ route: "/api/broken", status_class: "5xx" })).toBeGreaterThanOrEqual(1);
  });

  it("counts a response once when the metrics are started again (another module graph, a dev reload)", async () => {
    stop = startHttpMetrics(log);
    const labels = { route: "/[org]/projects", method: "GET", status_class: "2xx" };
    const before = await count(labels);
    await fetch(`${base}/acme/projects`);
    await settled();
    expect(await count(labels)).toBe(before + 1);
  });

  it("gives requests Next.js did not route a fixed label, never their path", async () => {
    const redirects = await count({ route: "(redirect)", status_class: "3xx" });
    const notFound = await count({ route: "(not found)", status_class: "4xx" });
    await fetch(`${base}/acme/settings`, { redirect: "manual" });
    await fetch(`${base}/no/such/page-4711`);
    await settled();
    expect(await count({ route: "(redirect)", status_class: "3xx" })).toBe(redirects + 1);
    expect(await count({ route: "(not found)", status_class: "4xx" })).toBe(notFound + 1);
    expect(JSON.stringify(await getMetrics().httpRequestDuration.get())).not.toContain("4711");
    // Not modified is not a redirect.
    const unrouted = await count({ route: "(unrouted)", status_class: "3xx" });
    await fetch(`${base}/robots.txt`);
    await settled();
    expect(await count({ route: "(unrouted)", status_class: "3xx" })).toBe(unrouted + 1);
  });

  it("counts a response the client abandoned as aborted, once", async () => {
    const labels = { route: "/[org]/export", status_class: "aborted" };
    const before = await count(labels);
    const controller = new AbortController();
    const received = new Promise<void>((resolve) => (exportReceived = resolve));
    const request = fetch(`${base}/acme/export`, { headers: { "x-request-id": "req-aborted-1" }, signal: controller.signal });
    void received.then(() => setTimeout(() => controller.abort(), 20));
    await expect(request).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 500)); // past the handler's own end()
    expect(await count(labels)).toBe(before + 1);
    expect(await count({ route: "/[org]/export", status_class: "2xx" })).toBe(0);
    expect(lines.filter((l) => l.route === "/[org]/export")).toEqual([
      expect.objectContaining({ msg: "request aborted by the client", aborted: true }),
    ]);
  });

  it("leaves Next's build assets out", async () => {
    const logged = lines.length;
    await fetch(`${base}/_next/static/chunks/app.js`);
    await settled();
    expect(lines.length).toBe(logged);
    expect(JSON.stringify(await getMetrics().httpRequestDuration.get())).not.toContain("_next/static");
  });
});
