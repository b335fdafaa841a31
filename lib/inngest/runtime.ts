import "server-only";
import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { getEnv } from "@/lib/env";
import { getJobMode, inngest, setLocalEventFetch } from "@/lib/jobs/client";
import { jobFunctions } from "@/lib/inngest/functions";
import { claimCronTick } from "@/lib/jobs/cron-ticks";
import { createLocalExecutor, localExecutorSlot, type LocalExecutor } from "@/lib/inngest/local-executor/executor";
import type { EventSender } from "@/lib/jobs/outbox";
import { logger } from "@/lib/observability/logger";

// Where the job functions meet their runner: the serve() handler (Inngest Cloud or the dev server call it over HTTP at
// /api/inngest) and, in zero-setup mode, the in-process executor that calls the same handler directly.

// With APP_URL given, the URL Inngest is told to call (on registration) is APP_URL's, never one built from the Host
// header of the request that triggered the sync: a forged Host would point Inngest, and every event, elsewhere.
const env = getEnv();
export const inngestHandlers = serve({
  client: inngest,
  functions: jobFunctions,
  serveOrigin: env.INNGEST_SERVE_ORIGIN ? new URL(env.INNGEST_SERVE_ORIGIN).origin : env.hasAppUrl ? new URL(env.APP_URL).origin : undefined,
});

const holder = localExecutorSlot();

/** The in-process executor (local mode), one per process. */
export function getLocalExecutor(): LocalExecutor {
  holder.localExecutor ??= createLocalExecutor({
    appId: inngest.id,
    functions: jobFunctions,
    handler: (request) => inngestHandlers.POST(request as NextRequest, undefined),
    log: logger.child({ module: "jobs" }),
    // Several instances sharing a database each run the schedules: one of them claims each tick.
    claimCronTick: (functionId, scheduledAt) => claimCronTick(functionId, scheduledAt),
    // Jobs get at most half the database pool: requests served beside them keep the rest.
    maxConcurrentSteps: Math.max(1, Math.floor(getEnv().DATABASE_POOL_MAX / 2)),
  });
  const executor = holder.localExecutor;
  // step.sendEvent inside functions reaches the executor through the client's fetch.
  setLocalEventFetch((input, init) => executor.fetch(input, init));
  return executor;
}

/** How the outbox hands events over: to Inngest (Cloud or dev server), or to the in-process executor. */
export function createEventSender(): EventSender {
  if (getJobMode() === "local") {
    const executor = getLocalExecutor();
    return async (events) => {
      await executor.send(events.map(({ id, name, data }) => ({ id, name, data })));
    };
  }
  return async (events) => {
    await inngest.send(events.map(({ id, name, data }) => ({ id, name, data })));
  };
}
