import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { logger } from "@/lib/observability/logger";
import { getMetrics, statusClass } from "@/lib/observability/metrics";


// Next.js wraps each request it routes (page, server action, route handler) in a span of this type, with the route
// pattern and status set when the response is done. Turning those spans into metrics and one access-log line each
// covers all three kinds of request with one mechanism and no per-request wrapper code.
const REQUEST_SPAN = "BaseServer.handleRequest";
// proxy.ts runs inside this span and records the request id on it; it shares its parent with the request span.
const PROXY_SPAN = "Middleware.execute";
const MAX_PENDING_IDS = 10_000;

function toSeconds([seconds, nanos]: [number, number]): number {
  return seconds + nanos / 1e9;
}

export class RequestMetricsSpanProcessor implements SpanProcessor {
  // parent span id -> request id, from the proxy span (which ends first) to the request span. Bounded: a request
  // that the proxy answered itself (a redirect) never claims its entry, so the oldest entries are evicted.
  private readonly requestIds = new Map<string, string>();

  constructor(private readonly log = logger.child({ module: "http" })) {}

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    const a = span.attributes;
    const parentId = span.parentSpanContext?.spanId;
    if (a["next.span_type"] === PROXY_SPAN) {
      const requestId = a["http.request_id"];
      if (parentId && typeof requestId === "string") {
        this.requestIds.set(parentId, requestId);
        if (this.requestIds.size > MAX_PENDING_IDS) this.requestIds.delete(this.requestIds.keys().next().value!);
      }
      return;
    }
    // Only the span that knows its route: Next also opens an outer span per request that never learns it.
    if (a["next.span_type"] !== REQUEST_SPAN || a["http.route"] === undefined) return;

    const route = String(a["http.route"]);
    const method = String(a["http.method"] ?? a["http.request.method"] ?? "GET");
    const status = Number(a["http.status_code"] ?? a["http.response.status_code"] ?? 0);
    const seconds = toSeconds(span.duration as [number, number]);
    const metrics = getMetrics();
    metrics.httpRequestDuration.observe({ route, method, status_class: statusClass(status) }, seconds);
    if (status >= 500) metrics.httpErrors.inc({ route, kind: "5xx" });

    const key = parentId && this.requestIds.has(parentId) ? parentId : span.spanContext().spanId;
    const requestId = this.requestIds.get(key);
    this.requestIds.delete(key);
    this.log.info(
      { requestId, traceId: span.spanContext().traceId, method, route, status, durationMs: Math.round(seconds * 1000) },
      "request",
    );
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
