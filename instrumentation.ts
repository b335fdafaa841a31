import type { Instrumentation } from "next";

// Runs once when a server instance starts (not during `next build`). The Node-only work lives in the modules it
// imports, so the edge compilation of this file stays free of Node APIs.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  try {
    // First, before any request: completed renders must not pin each other in memory (see the module).
    const { releaseAbortStacks } = await import("@/lib/runtime/release-abort-stacks");
    releaseAbortStacks();
    // Configuration check, client address, metrics, tracing, error tracker; the outbox's sender (before the database
    // step: a dev server that goes on after a failed start still sends events); then the database (PGlite migrated,
    // Postgres partitions ensured, replicas polled); then SIGTERM's drain; then the scheduled jobs.
    const { startObservability } = await import("@/lib/observability/start-observability");
    await startObservability();
    const { installEventSender, startJobs } = await import("@/lib/inngest/start");
    installEventSender();
    const { prepareDatabase } = await import("@/lib/db/prepare-database");
    await prepareDatabase();
    const { handleShutdownSignal } = await import("@/lib/runtime/graceful-shutdown");
    handleShutdownSignal();
    startJobs();
  } catch (error) {
    // `next dev` shows the error in the browser and keeps watching files: let it. A production server exits instead
    // of staying up and answering 500 (see the module).
    if (process.env.NODE_ENV !== "production") throw error;
    const { failStartup } = await import("@/lib/runtime/fail-startup");
    failStartup(error);
  }
}

// Every error Next catches while rendering or handling a request: logged once with the request id, and counted.
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger } = await import("@/lib/observability/logger");
  const { getMetrics } = await import("@/lib/observability/metrics");
  const headers = request.headers as Record<string, string | string[] | undefined>;
  const requestId = headers["x-request-id"];
  getMetrics().httpErrors.inc({ route: context.routePath, kind: "unhandled" });
  const { captureError } = await import("@/lib/observability/error-tracker");
  captureError(error, { requestId: typeof requestId === "string" ? requestId : undefined, route: context.routePath });
  logger.error(
    {
      err: error,
      digest: (error as { digest?: string }).digest,
      requestId,
      method: request.method,
      route: context.routePath,
      routeType: context.routeType,
    },
    "request failed",
  );
};
