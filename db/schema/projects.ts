import { sql } from "drizzle-orm";
import { date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./organizations";

export const projects = pgTable(
  "projects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The projects list: WHERE org_id = ? ORDER BY created_at DESC, id DESC, read backwards. (Not declared DESC:
    // drizzle emits DESC NULLS LAST, which no longer matches ORDER BY … DESC; query-budget.test.ts checks the plans.)
    index("projects_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("projects_created_by_idx").on(t.createdById),
  ],
);

export const taskStatus = pgEnum("task_status", ["todo", "in_progress", "done"]);

export const tasks = pgTable(
  "tasks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    status: taskStatus("status").notNull().default("todo"),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    dueOn: date("due_on", { mode: "string" }),
    // Stable key from an import source, so a re-run import updates instead of duplicating.
    externalKey: text("external_key"),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The task list (keyset): WHERE project_id = ? [AND status = ?] ORDER BY created_at DESC, id DESC.
    index("tasks_project_created_idx").on(t.projectId, t.createdAt, t.id),
    index("tasks_project_status_created_idx").on(t.projectId, t.status, t.createdAt, t.id),
    // The org's tasks in creation order: the CSV export's keyset pages (WHERE org_id = ? AND (created_at, id) > cursor),
    // and the org's cascade delete. (Counts by status come from task_counts, so (org_id, status) went.)
    index("tasks_org_created_idx").on(t.orgId, t.createdAt, t.id),
    index("tasks_assignee_idx").on(t.assigneeId),
    index("tasks_created_by_idx").on(t.createdById),
    uniqueIndex("tasks_org_external_key_idx").on(t.orgId, t.externalKey).where(sql`${t.externalKey} is not null`),
    // Title search (ILIKE '%…%'): trigrams, so a search in a project of a million tasks does not read them all.
    index("tasks_title_trgm_idx").using("gin", t.title.op("gin_trgm_ops")).with({ fastupdate: false }),
  ],
);

/**
 * How many tasks each project has in each status, kept exact by statement triggers on `tasks` in the writing
 * transaction (drizzle/0007_task_counts_and_search.sql), whatever writes them: the app, an import, a cascade. The
 * dashboard and the projects list read these few rows instead of counting a million tasks.
 */
export const taskCounts = pgTable(
  "task_counts",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull(),
    status: taskStatus("status").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.status] }), index("task_counts_org_idx").on(t.orgId)],
);
