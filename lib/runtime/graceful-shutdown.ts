import { closeDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/observability/logger";
import { markShuttingDown } from "@/lib/observability/readiness";

/** Server start (instrumentation.ts): how a production server leaves on SIGTERM. */
export function handleShutdownSignal(): void {
  const env = getEnv();
  if (env.isBuild) return;
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
        void Promise.all([import("@/lib/db/replicas"), import("@/lib/observability/error-tracker")])
          .then(([{ closeReplicas }, { flushErrorTracker }]) => Promise.allSettled([closeReplicas(), closeDb(), flushErrorTracker()]))
          .finally(() => process.exit(0));
      }, env.SHUTDOWN_DRAIN_SECONDS * 1000).unref();
    });
  }
}
