import "server-only";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { jobRuns } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { captureError } from "@/lib/observability/error-tracker";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";

// The job_runs table: one row per run, kept by the jobs middleware and the failure handler. Writes here never fail a
// job: a bookkeeping error is logged and the job goes on.

const log = logger.child({ module: "jobs" });

export type RunRef = { runId: string; functionId: string; eventId?: string | null; eventName: string; orgId?: string | null };

function orgIdOf(data: unknown): string | null {
  const orgId = (data as { orgId?: unknown } | undefined)?.orgId;
  return typeof orgId === "string" ? orgId : null;
}

export function runRefFrom(ctx: { runId: string; event: { id?: string; name: string; data?: unknown } }, functionId: string): RunRef {
  return { runId: ctx.runId, functionId, eventId: ctx.event.id ?? null, eventName: ctx.event.name, orgId: orgIdOf(ctx.event.data) };
}

async function safely(what: string, run: RunRef, fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (error) {
    log.error({ err: error, runId: run.runId, function: run.functionId }, `could not record ${what}`);
  }
}

export function recordRunStarted(run: RunRef, db: Db = getDb()) {
  log.info({ runId: run.runId, function: run.functionId, eventId: run.eventId, orgId: run.orgId }, "job started");
  return safely("job start", run, () =>
    db
      .insert(jobRuns)
      .values({ ...run, status: "running", attempts: 1 })
      .onConflictDoNothing({ target: jobRuns.runId }),
  );
}

export function recordRunCompleted(run: RunRef, db: Db = getDb()) {
  return safely("job completion", run, async () => {
    const [row] = await db
      .update(jobRuns)
      .set({ status: "completed", error: null, finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(jobRuns.runId, run.runId))
      .returning({ startedAt: jobRuns.startedAt, attempts: jobRuns.attempts });
    const metrics = getMetrics();
    metrics.jobRuns.inc({ function: run.functionId, status: "completed" });
    if (row) metrics.jobRunDuration.observe({ function: run.functionId, status: "completed" }, (Date.now() - row.startedAt.getTime()) / 1000);
    log.info({ runId: run.runId, function: run.functionId, attempts: row?.attempts }, "job completed");
  });
}

/** An attempt failed and will be retried. */
export function recordRunRetrying(run: RunRef, error: Error, db: Db = getDb()) {
  return safely("job retry", run, async () => {
    await db
      .insert(jobRuns)
      .values({ ...run, status: "retrying", attempts: 2, error: error.message.slice(0, 1000) })
      .onConflictDoUpdate({
        target: jobRuns.runId,
        set: { status: "retrying", attempts: sql`${jobRuns.attempts} + 1`, error: error.message.slice(0, 1000), updatedAt: new Date() },
      });
    getMetrics().jobRuns.inc({ function: run.functionId, status: "retried" });
    log.warn({ err: error, runId: run.runId, function: run.functionId }, "job attempt failed; it will be retried");
  });
}

/** Retries are exhausted (or the error is not retriable): the run failed for good. From inngest/function.failed. */
export function recordRunFailed(run: RunRef, error: { name?: string; message?: string }, db: Db = getDb()) {
  return safely("job failure", run, async () => {
    const message = `${error.name ?? "Error"}: ${error.message ?? "unknown error"}`.slice(0, 1000);
    const [row] = await db
      .insert(jobRuns)
      .values({ ...run, status: "failed", error: message, finishedAt: new Date() })
      .onConflictDoUpdate({ target: jobRuns.runId, set: { status: "failed", error: message, finishedAt: new Date(), updatedAt: new Date() } })
      .returning({ startedAt: jobRuns.startedAt });
    const metrics = getMetrics();
    metrics.jobRuns.inc({ function: run.functionId, status: "failed" });
    if (row) metrics.jobRunDuration.observe({ function: run.functionId, status: "failed" }, (Date.now() - row.startedAt.getTime()) / 1000);
    log.error({ runId: run.runId, function: run.functionId, eventId: run.eventId, orgId: run.orgId, error: message }, "job failed");
    captureError(Object.assign(new Error(error.message ?? "job failed"), { name: error.name ?? "Error" }), {
      job: run.functionId,
      runId: run.runId,
      orgId: run.orgId ?? undefined,
    });
  });
}

export type JobRunRow = typeof jobRuns.$inferSelect;

/** The most recent runs (all, or failed only), newest first; for the operators' page. */
export function listRecentJobRuns({ status, limit = 50 }: { status?: "failed"; limit?: number } = {}, db: Db = getDb()) {
  return db
    .select()
    .from(jobRuns)
    .where(status ? eq(jobRuns.status, status) : undefined)
    .orderBy(desc(jobRuns.startedAt))
    .limit(Math.min(Math.max(limit, 1), 200));
}

/** Failed runs since `since` (operators' overview). */
export async function countFailedRunsSince(since: Date, db: Db = getDb()): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(jobRuns)
    .where(and(eq(jobRuns.status, "failed"), sql`${jobRuns.startedAt} >= ${since.toISOString()}::timestamptz`));
  return Number(row?.n ?? 0);
}

/** Runs finished before `before` are deleted by the maintenance job. */
export async function deleteJobRunsBefore(before: Date, db: Db = getDb()): Promise<number> {
  const deleted = await db.delete(jobRuns).where(lt(jobRuns.startedAt, before)).returning({ runId: jobRuns.runId });
  return deleted.length;
}

/**
 * Runs recorded as running that have not moved since `before`: their process died (the in-process executor keeps
 * runs in memory; Inngest would have retried or failed them). Marked failed so that nothing shows "running" for ever.
 */
export async function failLostJobRuns(before: Date, db: Db = getDb()): Promise<number> {
  const lost = await db
    .update(jobRuns)
    .set({ status: "failed", error: "Lost: no progress since the process running it stopped.", finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(jobRuns.status, "running"), lt(jobRuns.updatedAt, before)))
    .returning({ runId: jobRuns.runId });
  return lost.length;
}
