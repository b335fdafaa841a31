import "server-only";
import { and, asc, eq, inArray, isNotNull, lte } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import {
  activityEvents,
  invitations,
  memberships,
  organizations,
  projects,
  reports,
  storedFiles,
  taskComments,
  taskImports,
  tasks,
} from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";

// Erasing an organization past its grace period (lib/orgs/delete-organization.ts schedules it). One big cascading
// DELETE would hold locks and write WAL for as long as the largest tenant takes; instead the job deletes a bounded batch
// at a time, children before parents (the tables that reference others first), then the organization row. Every call
// re-reads what is left, so a retried or repeated run simply continues: idempotent by construction.

type OrgChild = { name: string; table: PgTable; id: PgColumn; orgId: PgColumn };

const children: OrgChild[] = [
  { name: "task_comments", table: taskComments, id: taskComments.id, orgId: taskComments.orgId },
  { name: "tasks", table: tasks, id: tasks.id, orgId: tasks.orgId },
  { name: "activity_events", table: activityEvents, id: activityEvents.id, orgId: activityEvents.orgId },
  { name: "task_imports", table: taskImports, id: taskImports.id, orgId: taskImports.orgId },
  { name: "reports", table: reports, id: reports.id, orgId: reports.orgId },
  { name: "stored_files", table: storedFiles, id: storedFiles.id, orgId: storedFiles.orgId },
  { name: "projects", table: projects, id: projects.id, orgId: projects.orgId },
  { name: "invitations", table: invitations, id: invitations.id, orgId: invitations.orgId },
  { name: "memberships", table: memberships, id: memberships.id, orgId: memberships.orgId },
];

export const PURGE_BATCH_SIZE = 1000;

const isPurgeable = (now: Date) => and(isNotNull(organizations.deletedAt), lte(organizations.purgeAfter, now));

/** Deleted organizations whose grace period is over, longest overdue first. */
export async function listOrganizationsToPurge({ now = new Date(), limit = 20 }: { now?: Date; limit?: number } = {}, db: Db = getDb()) {
  const rows = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(isPurgeable(now))
    .orderBy(asc(organizations.purgeAfter))
    .limit(limit);
  return rows.map((r) => r.id);
}

export type PurgeBatch = { done: boolean; table: string | null; deleted: number };

/**
 * Deletes one batch of what is left of an organization past its grace period: up to `batchSize` rows of the first
 * child table that still has some, or, once none has, the organization itself (done). An organization that is not
 * (or no longer) purgeable is left alone and reported done.
 */
export async function purgeOrganizationBatch(
  { orgId, now = new Date(), batchSize = PURGE_BATCH_SIZE }: { orgId: string; now?: Date; batchSize?: number },
  db: Db = getDb(),
): Promise<PurgeBatch> {
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(and(eq(organizations.id, orgId), isPurgeable(now)));
  if (!org) return { done: true, table: null, deleted: 0 };
  for (const child of children) {
    const batch = db.select({ id: child.id }).from(child.table).where(eq(child.orgId, orgId)).limit(batchSize);
    const deleted = await db
      .delete(child.table)
      .where(and(eq(child.orgId, orgId), inArray(child.id, batch)))
      .returning({ id: child.id });
    if (deleted.length > 0) return { done: false, table: child.name, deleted: deleted.length };
  }
  const deleted = await db.delete(organizations).where(and(eq(organizations.id, orgId), isPurgeable(now))).returning({ id: organizations.id });
  return { done: true, table: "organizations", deleted: deleted.length };
}
