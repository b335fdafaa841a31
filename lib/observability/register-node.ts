import { closeDb, getDbHandle } from "@/lib/db/client";
import { ensureActivityPartitions } from "@/lib/db/activity-partitions";
import { migrateDatabase } from "@/lib/db/migrate";
import { assertProductionConfig, getEnv } from "@/lib/env";
import { installClientAddressStamp } from "@/lib/observability/client-address";
import { logger } from "@/lib/observability/logger";
import { markShuttingDown } from "@/lib/observability/readiness";

/** Server start (instrumentation.ts): configuration check, tracing, database, graceful shutdown. */
export async function registerNode(): Promise<void> {
  const env = getEnv();
  if (env.isBuild) return;
  // Fail fast, naming the missing variable, rather than serving errors later.
  assertProductionConfig(env);
  // Before the first request is handled: the socket's address, which rate limits count when no proxy is in front.
  installClientAddressStamp();

  if (env.ANATOMY_INSTRUMENTATION === "1") {
    // Request metrics and the access log: Node's HTTP server events, whether or not traces are exported.
    const { startHttpMetrics } = await import("@/lib/observability/http-metrics");
    startHttpMetrics();
    // Traces only when there is somewhere to send them: a registered tracer provider makes Next.js build its spans
    // for every request, which cost about 4% of the dashboard's CPU even when every span was dropped.
    if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
      const { registerOTel } = await import("@vercel/otel");
      const { samplerFromEnv } = await import("@/lib/observability/sampler");
      registerOTel({
        serviceName: env.OTEL_SERVICE_NAME,
        traceSampler: samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG),
      });
    }
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
    await ensureActivityPartitions(handle.db);
    // Read replicas (DATABASE_REPLICA_URLS): polled from start, so the first requests find them measured.
    const { pollReplicasNow } = await import("@/lib/db/replicas");
    await pollReplicasNow().catch((error: unknown) => logger.warn({ err: error }, "read replicas: first poll failed"));
  }

  // Graceful shutdown (needs NEXT_MANUAL_SIG_HANDLE=true, set by `npm start`, so Next leaves SIGTERM to us):
  // readiness turns 503 at once so the load balancer stops sending traffic, requests in flight finish during the
  // drain period, then the pool closes and the process exits.
  if (env.isProduction) {
    process.once("SIGTERM", () => {
      markShuttingDown();
      logger.info({ signal: "SIGTERM", drainSeconds: env.SHUTDOWN_DRAIN_SECONDS }, "shutting down: readiness is now 503");
      setTimeout(() => {
        // Errors reported during the drain still reach the tracker before the process goes. Closing may hang (a
        // database that went away keeps its pool reconnecting): five seconds at most, then the process goes anyway.
        setTimeout(() => process.exit(0), 5000).unref();
        void import("@/lib/db/replicas")
          .then(({ closeReplicas }) => Promise.allSettled([closeReplicas(), closeDb(), flushErrorTracker()]))
          .finally(() => process.exit(0));
      }, env.SHUTDOWN_DRAIN_SECONDS * 1000).unref();
    });
  }
}
