import { date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Append-only, range-partitioned by month on created_at. Created by the custom migration
// drizzle/0001_activity_events.sql, not by drizzle-kit (see drizzle.config.ts). Keep the two in step.
export const activityEvents = pgTable(
  "activity_events",
  {
    id: uuid("id").notNull().defaultRandom(),
    orgId: uuid("org_id").notNull(),
    actorId: uuid("actor_id"),
    type: text("type").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: uuid("subject_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.createdAt] }),
    // Declared as ("org_id", "created_at" DESC) in the migration: the dashboard feed, newest first.
    index("activity_events_org_created_idx").on(t.orgId, t.createdAt),
  ],
);

// Events per organization and UTC day, kept by a statement trigger on activity_events (custom migration
// drizzle/0007_task_counts_and_search.sql): the dashboard's 30-day chart reads 30 rows instead of a month's partition.
export const activityDailyCounts = pgTable(
  "activity_daily_counts",
  {
    orgId: uuid("org_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day] }), index("activity_daily_counts_day_idx").on(t.day)],
);
