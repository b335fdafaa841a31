import { timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";
import { getOutboxBacklog } from "@/lib/jobs/outbox";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";

// Prometheus scrape endpoint, behind a bearer token (METRICS_TOKEN). Without a configured token it refuses all.
export const dynamic = "force-dynamic";

function authorized(header: string | null, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function GET(request: Request) {
  const token = getEnv().METRICS_TOKEN;
  if (!token || !authorized(request.headers.get("authorization"), token)) {
    return Response.json(
      { error: token ? "A valid bearer token is required." : "Metrics are disabled: set METRICS_TOKEN." },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"', "cache-control": "no-store" } },
    );
  }
  const metrics = getMetrics();
  // The outbox gauges describe the shared database, so they are read at scrape time (one indexed query).
  try {
    const backlog = await getOutboxBacklog();
    metrics.outboxBacklog.set(backlog.pending);
    metrics.outboxOldestPending.set(backlog.oldestSeconds);
    metrics.outboxDeadLetter.set(backlog.dead);
  } catch (error) {
    logger.warn({ err: error, module: "metrics" }, "could not read the outbox backlog");
  }
  const { registry } = metrics;
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
