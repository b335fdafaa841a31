import "server-only";
import { getEnv } from "@/lib/env";
import { getJobMode } from "@/lib/jobs/client";
import { logger } from "@/lib/observability/logger";

/**
 * Server start in zero-setup mode: the in-process executor runs the scheduled functions (outbox re-dispatch,
 * maintenance) on their crons, as Inngest would. With Inngest Cloud or a dev server, they schedule them.
 */
export async function startLocalJobs(): Promise<void> {
  const env = getEnv();
  if (env.isBuild || env.NODE_ENV === "test" || getJobMode() !== "local") return;
  const { getLocalExecutor } = await import("@/lib/jobs/runtime");
  getLocalExecutor().startCrons();
  logger.info({ module: "jobs" }, "in-process job executor started (no INNGEST_EVENT_KEY or INNGEST_DEV)");
}
