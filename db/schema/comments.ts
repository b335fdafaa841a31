import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { organizations } from "./organizations";
import { tasks } from "./projects";

// Comments on tasks (lib/comments). A comment goes with its task and its org; its author may leave, the comment stays.
export const taskComments = pgTable(
  "task_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    taskId: uuid("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    // The members the body @mentions, resolved when it was written (lib/comments/mentions.ts): who was emailed, and
    // whom an edit must not email again.
    mentionedUserIds: uuid("mentioned_user_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
  },
  (t) => [
    // A task's comments, oldest first, in keyset pages: WHERE task_id = ? AND (created_at, id) > cursor.
    index("task_comments_task_created_idx").on(t.taskId, t.createdAt, t.id),
    // The dashboard's count of the org's recent comments (an index-only range), and the org's cascade delete.
    index("task_comments_org_created_idx").on(t.orgId, t.createdAt),
    index("task_comments_author_idx").on(t.authorId),
  ],
);
