import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Transactional outbox: an event is written in the same transaction as the change that causes it, then dispatched to
// Inngest after commit. The row id is the Inngest event id, so a re-dispatch is deduplicated by Inngest.
export const outboxEvents = pgTable(
  "outbox_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    orgId: uuid("org_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // Dead-lettered: handing it over failed OUTBOX_MAX_ATTEMPTS times; kept and shown, retried only on request.
    deadAt: timestamp("dead_at", { withTimezone: true }),
  },
  (t) => [
    // The re-dispatcher and the backlog gauge read only pending rows, oldest first.
    index("outbox_events_pending_idx").on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    index("outbox_events_dispatched_idx").on(t.dispatchedAt),
    index("outbox_events_dead_idx").on(t.deadAt).where(sql`${t.deadAt} is not null`),
  ],
);

// One row per function run, written by the jobs middleware (start, completion, each failed attempt) and the
// inngest/function.failed handler (final failure). What org admins and operators see of the background work.
export const jobRuns = pgTable(
  "job_runs",
  {
    runId: text("run_id").primaryKey(),
    functionId: text("function_id").notNull(),
    eventId: text("event_id"),
    eventName: text("event_name").notNull(),
    orgId: uuid("org_id"),
    status: text("status", { enum: ["running", "retrying", "completed", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(1),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("job_runs_started_idx").on(t.startedAt),
    index("job_runs_status_started_idx").on(t.status, t.startedAt),
    index("job_runs_org_started_idx").on(t.orgId, t.startedAt),
  ],
);

// Scheduled ticks claimed by the in-process executor (no Inngest): with several instances, each fires every schedule;
// the one whose insert of (function, scheduled time) succeeds runs that tick. Trimmed nightly by maintain-database.
export const jobCronTicks = pgTable(
  "job_cron_ticks",
  {
    functionId: text("function_id").notNull(),
    scheduledAt: timestamp("scheduled_at", { withTimezone: true }).notNull(),
    claimedBy: text("claimed_by").notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.functionId, t.scheduledAt] }), index("job_cron_ticks_claimed_idx").on(t.claimedAt)],
);
