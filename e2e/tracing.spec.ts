import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import { expect, test } from "./fixtures";
import { freePort } from "./ports";

// With OTEL_EXPORTER_OTLP_ENDPOINT set, the app exports its traces over OTLP. A second instance of the built app (the
// suite's web server built it) runs here with the endpoint pointing at a stand-in collector, as a real deployment
// would point at Grafana Tempo, Honeycomb or Datadog.

const DATA_DIR = ".data-e2e-tracing";

type Collected = { spans: { traceId: string; name: string; attributes: Record<string, unknown> }[] };

let collector: Server;
let collected: Collected;
let app: ChildProcess;
let appLog = "";
let PORT = 0;

function attributesOf(list: { key: string; value: Record<string, unknown> }[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, Object.values(value)[0]]));
}

test.beforeAll(async () => {
  collected = { spans: [] };
  collector = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.url === "/v1/traces") {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: { traceId: string; name: string; attributes: [] }[] }[] }[] };
        for (const resource of payload.resourceSpans)
          for (const scope of resource.scopeSpans)
            for (const span of scope.spans) collected.spans.push({ traceId: span.traceId, name: span.name, attributes: attributesOf(span.attributes) });
      }
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

  rmSync(DATA_DIR, { recursive: true, force: true });
  PORT = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    ANATOMY_EMBEDDED: "1",
    ANATOMY_DATA_DIR: DATA_DIR,
    APP_URL: `http://127.0.0.1:${PORT}`,
    TRUSTED_PROXY_HOPS: "0",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_SERVICE_NAME: "anatomy-e2e",
  };
  delete env.DATABASE_URL;
  delete env.UPSTASH_REDIS_REST_URL;
  delete env.UPSTASH_REDIS_REST_TOKEN;
  app = spawn("npx", ["next", "start", "--port", String(PORT)], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  app.stdout!.on("data", (chunk) => (appLog += chunk));
  app.stderr!.on("data", (chunk) => (appLog += chunk));
  await expect(async () => {
    expect(app.exitCode, `the traced server exited:\n${appLog.slice(-2000)}`).toBeNull();
    expect((await fetch(`http://127.0.0.1:${PORT}/api/health`)).ok).toBe(true);
  }).toPass({ timeout: 60_000 });
});

test.afterAll(async () => {
  if (app?.pid) {
    try {
      process.kill(-app.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => collector?.close(resolve));
  rmSync(DATA_DIR, { recursive: true, force: true });
});

test("with an OTLP endpoint, requests are exported as traces and their log lines carry the trace id", async () => {
  const requestId = `e2e-trace-${Date.now()}`;
  const res = await fetch(`http://127.0.0.1:${PORT}/sign-in`, { headers: { "x-request-id": requestId } });
  expect(res.status).toBe(200);

  // The request's server span (route pattern and status) and the proxy's span with the request id, in one trace.
  await expect(async () => {
    const proxySpan = collected.spans.find((s) => s.attributes["http.request_id"] === requestId);
    expect(proxySpan).toBeDefined();
    const trace = collected.spans.filter((s) => s.traceId === proxySpan!.traceId);
    expect(trace.find((s) => s.attributes["http.route"] === "/sign-in")).toMatchObject({ attributes: { "http.status_code": 200 } });
  }).toPass({ timeout: 20_000 });

  // The access-log line of that request names the same trace.
  const traceId = collected.spans.find((s) => s.attributes["http.request_id"] === requestId)!.traceId;
  const line = appLog
    .split("\n")
    .filter((l) => l.startsWith("{") && l.endsWith("}"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === "request" && l.requestId === requestId);
  expect(line).toMatchObject({ route: "/sign-in", status: 200, traceId });
});
