import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { logger } from "@/lib/observability/logger";
import { getMetrics, statusClass } from "@/lib/observability/metrics";
import { processState } from "@/lib/runtime/process-state";

// Request metrics and the access log, from Node's own HTTP server events (its `http.server.*` diagnostics channels):
// one observation and one log line per response, whatever answered it — a page, a server action, a route handler,
// a redirect from proxy.ts, a public file. Timed from the request's arrival to the response's last byte; a response
// the client abandoned first (closed tab, load balancer timeout) counts as status class `aborted`. Next's build
// assets (/_next/static: immutable, usually served by a CDN) are left out, as proxy.ts leaves them out.
//
// The route label is the pattern Next.js routed the request to (`/[org]/projects`), read from the request metadata
// Next keeps on the Node request (`Symbol.for("NextInternalRequestMeta")`, its `match`). That is Next's internals,
// so e2e/observability.spec.ts checks the labels a real server produces (a Next upgrade that moves it fails there),
// and a request Next did not route gets a fixed label, never its path. This replaced reading Next's OpenTelemetry
// request spans: with no trace exporter, registering a tracer provider just to read those spans cost 8% of the
// dashboard's CPU per request (docs/decisions/007-request-metrics-from-node-http.md).

const REQUEST_START = "http.server.request.start";
const RESPONSE_FINISH = "http.server.response.finish";
const NEXT_REQUEST_META = Symbol.for("NextInternalRequestMeta");
const STARTED_AT = Symbol.for("anatomy.requestStartedAt");
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type NextRequestMeta = { match?: { definition?: { pathname?: unknown } } };
type TimedRequest = IncomingMessage & { [STARTED_AT]?: number; [NEXT_REQUEST_META]?: NextRequestMeta };
type ServerMessage = { request: TimedRequest; response: ServerResponse };

/** The bounded route label of a finished request: Next's route pattern, else a fixed name for what answered it. */
export function routeLabelOf(request: IncomingMessage, status: number): string {
  const pattern = (request as TimedRequest)[NEXT_REQUEST_META]?.match?.definition?.pathname;
  if (typeof pattern === "string") return pattern;
  if ((request.url ?? "/").startsWith("/_next/image")) return "/_next/image";
  if (status === 404) return "(not found)";
  // Redirects from proxy.ts (signed-out visitors); files from public/.
  return REDIRECTS.has(status) ? "(redirect)" : "(unrouted)";
}

function onRequestStart(message: unknown): void {
  const { request, response } = message as ServerMessage;
  if (request.url?.startsWith("/_next/static/")) return;
  request[STARTED_AT] = performance.now();
  // Node emits close after finish (the next tick), so a response recorded at finish is skipped here; one that never
  // finished (the client left, or the socket failed before the last byte) is recorded as aborted.
  response.once("close", () => record(request, response, true));
}

function headerValue(value: number | string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

let accessLog: Logger = logger;

function record(request: TimedRequest, response: ServerResponse, aborted: boolean): void {
  const started = request[STARTED_AT];
  if (started === undefined) return;
  request[STARTED_AT] = undefined; // once per request, whichever of finish and close comes first
  const seconds = (performance.now() - started) / 1000;
  const status = response.statusCode;
  const route = routeLabelOf(request, status);
  const method = request.method ?? "GET";
  const metrics = getMetrics();
  metrics.httpRequestDuration.observe({ route, method, status_class: aborted ? "aborted" : statusClass(status) }, seconds);
  if (status >= 500 && !aborted) metrics.httpErrors.inc({ route, kind: "5xx" });
  accessLog.info(
    {
      requestId: headerValue(response.getHeader("x-request-id")),
      method,
      route,
      // An abandoned response may not have sent a status yet: statusCode would be Node's default 200.
      status: aborted && !response.headersSent ? undefined : status,
      durationMs: Math.round(seconds * 1000),
      ...(aborted ? { aborted: true } : {}),
    },
    aborted ? "request aborted by the client" : "request",
  );
}

function onResponseFinish(message: unknown): void {
  const { request, response } = message as ServerMessage;
  record(request, response, false);
}

// One subscription per process: Next.js may load this module in more than one module graph (and again on a dev
// reload), and each response must be counted once. Starting again replaces the earlier subscription.
type Subscription = { onRequestStart: (message: unknown) => void; onResponseFinish: (message: unknown) => void };
const registry = processState("observability.httpMetrics", (): { subscription?: Subscription } => ({}));

function unsubscribeCurrent(): void {
  const current = registry.subscription;
  if (!current) return;
  unsubscribe(REQUEST_START, current.onRequestStart);
  unsubscribe(RESPONSE_FINISH, current.onResponseFinish);
  delete registry.subscription;
}

/** Starts measuring every HTTP request this process serves (instrumentation.ts, once per server); returns the stop. */
export function startHttpMetrics(log?: Logger): () => void {
  accessLog = (log ?? logger).child({ module: "http" });
  unsubscribeCurrent();
  const subscription: Subscription = { onRequestStart, onResponseFinish };
  subscribe(REQUEST_START, subscription.onRequestStart);
  subscribe(RESPONSE_FINISH, subscription.onResponseFinish);
  registry.subscription = subscription;
  return () => {
    if (registry.subscription === subscription) unsubscribeCurrent();
  };
}
