import "server-only";
import { getEnv } from "@/lib/env";
import { getJobMode } from "@/lib/jobs/client";
import { setEventSender } from "@/lib/jobs/outbox";
import { createEventSender, getLocalExecutor } from "@/lib/inngest/runtime";
import { logger } from "@/lib/observability/logger";

/**
 * Connects the outbox to the job runner in this process: events leave through the Inngest client (Cloud or a dev
 * server) or the in-process executor. Called by every process that enqueues events and wants them sent: the server
 * (startJobs), the seed script, the test setup.
 */
export function installEventSender(): void {
  setEventSender(createEventSender());
}

/**
 * Server start: installs the sender and, in zero-setup mode, runs the scheduled functions (outbox re-dispatch,
 * maintenance) on their crons in-process, as Inngest would. With Inngest Cloud or a dev server, they schedule them.
 */
export function startJobs(): void {
  const env = getEnv();
  if (env.isBuild) return;
  installEventSender();
  if (env.NODE_ENV === "test" || getJobMode() !== "local") return;
  getLocalExecutor().startCrons();
  logger.info({ module: "jobs" }, "in-process job executor started (no INNGEST_EVENT_KEY or INNGEST_DEV)");
}
