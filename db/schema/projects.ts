import { sql } from "drizzle-orm";
import { date, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    // Dashboard counts by status for an org.
    index("tasks_org_status_idx").on(t.orgId, t.status),
    index("tasks_assignee_idx").on(t.assigneeId),
    index("tasks_created_by_idx").on(t.createdById),
    uniqueIndex("tasks_org_external_key_idx").on(t.orgId, t.externalKey).where(sql`${t.externalKey} is not null`),
  ],
);
