import { closeDb, getDbHandle } from "@/lib/db/client";
import { ensureActivityPartitions, migrateDatabase } from "@/lib/db/migrate";
import { assertProductionConfig, getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { markShuttingDown } from "@/lib/observability/readiness";

/** Server start (instrumentation.ts): configuration check, tracing, database, graceful shutdown. */
export async function registerNode(): Promise<void> {
  const env = getEnv();
  if (env.isBuild) return;
  // Fail fast, naming the missing variable, rather than serving errors later.
  assertProductionConfig(env);

  if (env.ANATOMY_INSTRUMENTATION === "1") {
    // Traces: exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; request spans also feed the Prometheus
    // request metrics and the access log (lib/observability/request-spans.ts).
    const { registerOTel } = await import("@vercel/otel");
    const { RequestMetricsSpanProcessor } = await import("@/lib/observability/request-spans");
    // "auto" adds @vercel/otel's OTLP exporter, which would otherwise post to localhost:4318 even when nothing is
    // configured: only with an endpoint. Request metrics and the access log never depend on exporting.
    const exporters = env.OTEL_EXPORTER_OTLP_ENDPOINT ? (["auto"] as const) : [];
    const { MetricsOnlySampler, RecordAllSampler, samplerFromEnv } = await import("@/lib/observability/record-all-sampler");
    registerOTel({
      serviceName: env.OTEL_SERVICE_NAME,
      spanProcessors: [...exporters, new RequestMetricsSpanProcessor()],
      traceSampler: env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? new RecordAllSampler(samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG))
        : new MetricsOnlySampler(),
    });
    const { startSystemSampler } = await import("@/lib/observability/system-overview");
    startSystemSampler();
  }

  const { flushErrorTracker, initErrorTracker } = await import("@/lib/observability/error-tracker");
  await initErrorTracker();

  const handle = getDbHandle();
  if (handle.kind === "pglite") {
    // Zero-setup mode: the embedded database is migrated at start. A real Postgres is migrated by the deploy step
    // (`npm run db:migrate`), never by a booting instance racing the others.
    await migrateDatabase(handle);
  } else {
    await ensureActivityPartitions(handle);
  }

  // Graceful shutdown (needs NEXT_MANUAL_SIG_HANDLE=true, set by `npm start`, so Next leaves SIGTERM to us):
  // readiness turns 503 at once so the load balancer stops sending traffic, requests in flight finish during the
  // drain period, then the pool closes and the process exits.
  if (env.isProduction) {
    process.once("SIGTERM", () => {
      markShuttingDown();
      logger.info({ signal: "SIGTERM", drainSeconds: env.SHUTDOWN_DRAIN_SECONDS }, "shutting down: readiness is now 503");
      setTimeout(() => {
        // Errors reported during the drain still reach the tracker before the process goes.
        void Promise.allSettled([closeDb(), flushErrorTracker()]).finally(() => process.exit(0));
      }, env.SHUTDOWN_DRAIN_SECONDS * 1000).unref();
    });
  }
}
