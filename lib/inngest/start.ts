import "server-only";
import { getEnv } from "@/lib/env";
import { getJobMode } from "@/lib/jobs/client";
import { setEventSender } from "@/lib/jobs/outbox";
import { createEventSender, getLocalExecutor } from "@/lib/inngest/runtime";
import { logger } from "@/lib/observability/logger";

/**
 * Connects the outbox to the job runner in this process: events leave through the Inngest client (Cloud or a dev
 * server) or the in-process executor. Called by every process that enqueues events and wants them sent: the server
 * (instrumentation.ts, before anything that can fail, so that a dev server whose database step failed still sends
 * once it is back), the seed scripts. Tests install the same sender (lib/testing/jobs.ts).
 */
export function installEventSender(): void {
  if (getEnv().isBuild) return;
  setEventSender(createEventSender());
}

/**
 * Server start, once the database is ready: in zero-setup mode the in-process executor runs the scheduled functions
 * (outbox re-dispatch, maintenance) on their crons, as Inngest would. With Inngest Cloud or a dev server, they
 * schedule them.
 */
export function startJobs(): void {
  const env = getEnv();
  if (env.isBuild || env.NODE_ENV === "test" || getJobMode() !== "local") return;
  getLocalExecutor().startCrons();
  logger.info({ module: "jobs" }, "in-process job executor started (no INNGEST_EVENT_KEY or INNGEST_DEV)");
}
