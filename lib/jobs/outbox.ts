import "server-only";
import { and, asc, desc, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { after } from "next/server";
import { outboxEvents } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { afterCommit } from "@/lib/db/transaction";
import { getEnv } from "@/lib/env";
import type { EventData } from "@/lib/jobs/define-event";
import { logger } from "@/lib/observability/logger";
import { getMetrics } from "@/lib/observability/metrics";
import type { z } from "zod";
import { processState } from "@/lib/runtime/process-state";

// The transactional outbox. A service that causes background work writes the event here, in the transaction of its
// change, so the change and the promise of the work commit together. After commit the event is handed to Inngest (in
// the background of the response: Next's `after()`), and marked dispatched. If that fails, or the process dies first,
// the row stays pending and the scheduled re-dispatcher (functions/redispatch-outbox.ts) sends it a minute later. The
// row id is the Inngest event id: Inngest drops an id it has seen in the last 24 hours, so a re-send runs nothing twice.

const log = logger.child({ module: "outbox" });

export type OutboxEvent = { id: string; name: string; data: Record<string, unknown> };
export type EventSender = (events: OutboxEvent[]) => Promise<void>;

type Schema = { name: string; schema: z.ZodType<Record<string, unknown>> };

/** Writes the event in `tx` (it must be the transaction of the change); dispatches it once that commits. */
export async function enqueueEvent<E extends Schema>(tx: Db, event: E, data: EventData<E>, opts: { orgId?: string } = {}): Promise<string> {
  const parsed = event.schema.parse(data);
  const [row] = await tx
    .insert(outboxEvents)
    .values({ name: event.name, data: parsed, orgId: opts.orgId ?? null })
    .returning({ id: outboxEvents.id });
  const id = row!.id;
  await afterCommit(tx, () => scheduleDispatch([id]));
  return id;
}

// After the response when inside a request (the user does not wait for the queue), right away otherwise.
function scheduleDispatch(ids: string[]): void {
  // Dispatch off (benchmarks, incidents): rows wait for the re-dispatcher or for dispatch to be turned back on.
  if (getEnv().ANATOMY_JOB_DISPATCH === "0") return;
  const task = () => {
    const dispatch = dispatchOutboxEvents(ids)
      .catch((error: unknown) => log.error({ err: error }, "outbox dispatch failed"))
      .finally(() => inFlight.delete(dispatch));
    inFlight.add(dispatch);
    return dispatch;
  };
  try {
    after(task);
  } catch {
    void task();
  }
}

// Dispatches started and not yet finished, so tests and shutdown can wait for them.
const inFlight = processState("jobs.outbox.dispatches", () => new Set<Promise<unknown>>());

/** How many dispatches are under way (tests drain them). */
export function dispatchesInFlight(): number {
  return inFlight.size;
}

/** Resolves once every dispatch started so far has finished (the events reached Inngest or the executor, or failed). */
export async function settleDispatches(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}

/** Sends these pending rows and marks them dispatched; on failure records the attempt and leaves them pending. */
export async function dispatchOutboxEvents(ids: string[], db: Db = getDb()): Promise<number> {
  if (ids.length === 0) return 0;
  const send = getEventSender();
  if (!send) return 0;
  const rows = await db
    .select({ id: outboxEvents.id, name: outboxEvents.name, data: outboxEvents.data })
    .from(outboxEvents)
    .where(and(inArray(outboxEvents.id, ids), isNull(outboxEvents.dispatchedAt)))
    .orderBy(asc(outboxEvents.createdAt), asc(outboxEvents.id));
  if (rows.length === 0) return 0;
  try {
    await send(rows);
    await markDispatched(db, rows.map((r) => r.id));
    return rows.length;
  } catch (error) {
    if (rows.length === 1) {
      await recordFailedAttempt(db, [rows[0]!.id], error);
      return 0;
    }
  }
  // The batch failed: one event Inngest rejects must not hold back the others, so each goes on its own.
  let dispatched = 0;
  for (const row of rows) {
    try {
      await send([row]);
      await markDispatched(db, [row.id]);
      dispatched++;
    } catch (error) {
      await recordFailedAttempt(db, [row.id], error);
    }
  }
  return dispatched;
}

async function markDispatched(db: Db, ids: string[]) {
  await db
    .update(outboxEvents)
    .set({ dispatchedAt: new Date(), attempts: sql`${outboxEvents.attempts} + 1`, lastError: null })
    .where(inArray(outboxEvents.id, ids));
}

async function recordFailedAttempt(db: Db, ids: string[], error: unknown) {
  const maxAttempts = getEnv().OUTBOX_MAX_ATTEMPTS;
  const rows = await db
    .update(outboxEvents)
    .set({
      attempts: sql`${outboxEvents.attempts} + 1`,
      lastError: error instanceof Error ? error.message.slice(0, 500) : "send failed",
      // The last allowed attempt failed: dead-lettered, no longer picked up by the re-dispatcher.
      deadAt: sql`case when ${outboxEvents.attempts} + 1 >= ${maxAttempts} then now() else null end`,
    })
    .where(inArray(outboxEvents.id, ids))
    .returning({ id: outboxEvents.id, name: outboxEvents.name, deadAt: outboxEvents.deadAt });
  const dead = rows.filter((row) => row.deadAt);
  if (dead.length > 0) {
    getMetrics().outboxDeadLettered.inc(dead.length);
    log.error(
      { err: error, events: dead.map(({ id, name }) => ({ id, name })), maxAttempts },
      "outbox events dead-lettered after their last attempt: retry them from /admin/jobs once the cause is fixed",
    );
  }
  if (rows.length > dead.length) {
    log.warn({ err: error, events: rows.length - dead.length }, "could not hand events to Inngest; they stay pending for the re-dispatcher");
  }
}

/** Pending rows older than `olderThanMs` (their after-commit dispatch failed or never ran), oldest first. */
export async function listStuckOutboxEvents({ olderThanMs = 60_000, limit = 500, now = new Date() } = {}, db: Db = getDb()) {
  const rows = await db
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(isNull(outboxEvents.dispatchedAt), isNull(outboxEvents.deadAt), lt(outboxEvents.createdAt, new Date(now.getTime() - olderThanMs))))
    .orderBy(asc(outboxEvents.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Backlog figures for metrics and readiness: pending rows (not dead-lettered) and the age of the oldest, and the
 * dead-lettered ones, in one query on the partial indexes.
 */
export async function getOutboxBacklog(db: Db = getDb(), now = new Date()): Promise<{ pending: number; oldestSeconds: number; dead: number }> {
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${outboxEvents.deadAt} is null)::int`,
      oldest: sql<string | null>`min(${outboxEvents.createdAt}) filter (where ${outboxEvents.deadAt} is null)`,
      dead: sql<number>`count(*) filter (where ${outboxEvents.deadAt} is not null)::int`,
    })
    .from(outboxEvents)
    .where(isNull(outboxEvents.dispatchedAt));
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return {
    pending: Number(row?.pending ?? 0),
    oldestSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    dead: Number(row?.dead ?? 0),
  };
}

export type DeadOutboxEvent = { id: string; name: string; orgId: string | null; attempts: number; lastError: string | null; createdAt: Date; deadAt: Date };

/** Dead-lettered events, newest first (the admin's jobs page). */
export async function listDeadOutboxEvents({ limit = 100 } = {}, db: Db = getDb()): Promise<DeadOutboxEvent[]> {
  const rows = await db
    .select({
      id: outboxEvents.id,
      name: outboxEvents.name,
      orgId: outboxEvents.orgId,
      attempts: outboxEvents.attempts,
      lastError: outboxEvents.lastError,
      createdAt: outboxEvents.createdAt,
      deadAt: outboxEvents.deadAt,
    })
    .from(outboxEvents)
    .where(and(isNotNull(outboxEvents.deadAt), isNull(outboxEvents.dispatchedAt)))
    .orderBy(desc(outboxEvents.deadAt))
    .limit(limit);
  return rows.map((row) => ({ ...row, deadAt: row.deadAt! }));
}

/**
 * Gives dead-lettered events (these ids, or all of them) their attempts back and dispatches them now; the
 * re-dispatcher takes over from there if Inngest still refuses. Returns how many were revived.
 */
export async function retryDeadOutboxEvents(which: { ids: string[] } | "all", db: Db = getDb()): Promise<number> {
  const revived = await db
    .update(outboxEvents)
    .set({ deadAt: null, attempts: 0, lastError: null })
    .where(and(isNotNull(outboxEvents.deadAt), isNull(outboxEvents.dispatchedAt), which === "all" ? undefined : inArray(outboxEvents.id, which.ids)))
    .returning({ id: outboxEvents.id });
  const ids = revived.map((row) => row.id);
  if (ids.length > 0) {
    log.info({ events: ids.length }, "dead-lettered outbox events retried");
    scheduleDispatch(ids);
  }
  return ids.length;
}

/** Dispatched rows older than the retention are deleted by the maintenance job (the event lives on in Inngest). */
export async function deleteDispatchedOutboxEvents({ before }: { before: Date }, db: Db = getDb()): Promise<number> {
  const deleted = await db
    .delete(outboxEvents)
    .where(lt(outboxEvents.dispatchedAt, before))
    .returning({ id: outboxEvents.id });
  return deleted.length;
}

// The sender (the Inngest client, or the in-process executor) is installed at start-up by the job layer
// (lib/inngest/start.ts: instrumentation.ts, the seed, the test setup): the outbox imports nothing above it.
const holder = processState("jobs.outbox", (): { eventSender?: EventSender; noSenderWarned?: boolean } => ({}));

/** Installs how events leave the outbox (undefined: none; rows then wait for a process that has one). */
export function setEventSender(sender: EventSender | undefined): void {
  holder.eventSender = sender;
}

function getEventSender(): EventSender | undefined {
  const sender = holder.eventSender;
  if (!sender && !holder.noSenderWarned) {
    holder.noSenderWarned = true;
    log.warn("no event sender installed in this process (lib/inngest/start.ts): events stay pending for the re-dispatcher of a server");
  }
  return sender;
}
