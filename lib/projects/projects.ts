import "server-only";
import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { projects, taskCounts } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { orgDataTag, orgProjectsTag } from "@/lib/activity/org-cache-tags";
import { defineCache } from "@/lib/cache/define-cache";
import { getDb, type Db } from "@/lib/db/client";
import { isTransaction, withTx } from "@/lib/db/transaction";
import { AppError, parseOrThrow } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/projects/cursor";
import { type Actor, requirePermission, requirePermissionToRead } from "@/lib/orgs/require-permission";
import { archiveProjectInput, createProjectInput, renameProjectInput } from "@/lib/projects/schemas";
import { orgPermissions } from "@/lib/orgs/permissions";
import { projectPermissions } from "@/lib/projects/permissions";

export async function createProject({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, name } = parseOrThrow(createProjectInput, input);
  await requirePermission(actor, orgId, projectPermissions["project:create"], db);
  return withTx(async (tx) => {
    const [project] = await tx
      .insert(projects)
      .values({ orgId, name, createdById: actor.userId })
      .returning({ id: projects.id, name: projects.name });
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "project.created",
      subjectType: "project",
      subjectId: project!.id,
      data: { name },
    });
    return project!;
  }, db);
}

export async function renameProject({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, projectId, name } = parseOrThrow(renameProjectInput, input);
  await requirePermission(actor, orgId, projectPermissions["project:update"], db);
  await withTx(async (tx) => {
    const [before] = await tx
      .select({ name: projects.name })
      .from(projects)
      .where(and(eq(projects.id, projectId), eq(projects.orgId, orgId)))
      .for("update");
    if (!before) throw new AppError("not_found", "Project not found.");
    await tx.update(projects).set({ name, updatedAt: new Date() }).where(eq(projects.id, projectId));
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "project.renamed",
      subjectType: "project",
      subjectId: projectId,
      data: { from: before.name, to: name },
    });
  }, db);
}

export async function setProjectArchived({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, projectId, archived } = parseOrThrow(archiveProjectInput, input);
  await requirePermission(actor, orgId, projectPermissions["project:archive"], db);
  await withTx(async (tx) => {
    const [project] = await tx
      .update(projects)
      .set({ archivedAt: archived ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(projects.id, projectId), eq(projects.orgId, orgId)))
      .returning({ name: projects.name });
    if (!project) throw new AppError("not_found", "Project not found.");
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: archived ? "project.archived" : "project.unarchived",
      subjectType: "project",
      subjectId: projectId,
      data: { name: project.name },
    });
  }, db);
}

export type ProjectSummary = {
  id: string;
  name: string;
  archivedAt: Date | null;
  createdAt: Date;
  taskCount: number;
  openTaskCount: number;
  /** Keyset cursor that continues the list after this project. */
  cursor: string;
};

export const PROJECT_PAGE_SIZE = 50;

/**
 * A page of the org's projects, newest first, with their task counts: one query whatever the page size (the counts
 * are per-row subqueries on tasks_project_created_idx, bounded by the page). Keyset-paged by `cursor`.
 */
export async function listProjects(
  {
    actor,
    orgId,
    archived = false,
    cursor,
    limit = PROJECT_PAGE_SIZE,
  }: { actor: Actor; orgId: string; archived?: boolean; cursor?: string; limit?: number },
  db: Db = getDb(),
): Promise<ProjectSummary[]> {
  await requirePermissionToRead(actor, orgId, projectPermissions["project:read"]);
  const conditions = [eq(projects.orgId, orgId), archived ? isNotNull(projects.archivedAt) : isNull(projects.archivedAt)];
  if (cursor) {
    const c = decodeCursor(cursor);
    conditions.push(sql`(${projects.createdAt}, ${projects.id}) < (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await db
    .select({
      id: projects.id,
      name: projects.name,
      archivedAt: projects.archivedAt,
      createdAt: projects.createdAt,
      createdAtText: sql<string>`${projects.createdAt}::text`,
      // Written out: drizzle leaves column names unqualified inside sql``, which would bind "id" to tasks here.
      // From task_counts (kept by triggers on tasks): at most three rows per project, however many tasks it has.
      taskCount: sql<number>`(select coalesce(sum(c.count), 0)::int from task_counts c where c.project_id = "projects"."id")`,
      openTaskCount: sql<number>`(select coalesce(sum(c.count), 0)::int from task_counts c where c.project_id = "projects"."id" and c.status <> 'done')`,
    })
    .from(projects)
    .where(and(...conditions))
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(Math.min(Math.max(limit, 1), 200));
  return rows.map(({ createdAtText, ...p }) => ({ ...p, cursor: encodeCursor(createdAtText, p.id) }));
}

export type ProjectHeader = { id: string; name: string; archivedAt: Date | null; createdAt: Date };

// The project page's header: renames and archiving record project activity, which ends the org's project tag (a
// write to a task does not).
const projectHeaders = defineCache<ProjectHeader | null>({
  name: "project",
  ttlSeconds: 900,
  tagOf: (id) => orgProjectsTag(id.split(":")[0]!),
});

/** The project, or not_found; from the cache outside a transaction. */
export async function getProjectOrThrow(
  { actor, orgId, projectId }: { actor: Actor; orgId: string; projectId: string },
  db: Db = getDb(),
): Promise<ProjectHeader> {
  await requirePermissionToRead(actor, orgId, projectPermissions["project:read"]);
  const project = isTransaction(db)
    ? await selectProject(db, orgId, projectId)
    : await projectHeaders.getOrSet(`${orgId}:${projectId}`, () => selectProject(db, orgId, projectId));
  if (!project) throw new AppError("not_found", "Project not found.");
  return project;
}

async function selectProject(db: Db, orgId: string, projectId: string): Promise<ProjectHeader | null> {
  const [project] = await db
    .select({ id: projects.id, name: projects.name, archivedAt: projects.archivedAt, createdAt: projects.createdAt })
    .from(projects)
    .where(and(eq(projects.id, projectId), eq(projects.orgId, orgId)))
    .limit(1);
  return project ?? null;
}

/** Dashboard figures for an org, in one round trip. */
export type OrgStats = { projects: number; todo: number; inProgress: number; done: number; members: number };

// The dashboard's counts: cached per org, invalidated by every recorded activity (each write to projects, tasks and
// members records one), so the next dashboard after a change shows it.
const orgStats = defineCache<OrgStats>({ name: "org-stats", ttlSeconds: 900, tagOf: orgDataTag });

export async function getOrgStats({ actor, orgId }: { actor: Actor; orgId: string }): Promise<OrgStats> {
  await requirePermissionToRead(actor, orgId, orgPermissions["org:read"]);
  return orgStats.getOrSet(orgId, () => loadOrgStats(orgId));
}

/**
 * Task figures come from task_counts (a few rows per project, kept exact by triggers in each writing transaction), not
 * from counting the org's tasks: the same cost at a thousand tasks as at a million.
 */
export async function loadOrgStats(orgId: string, db: Db = getDb()): Promise<OrgStats> {
  const [row] = await db
    .select({
      projects: sql<number>`(select count(*)::int from ${projects} where ${projects.orgId} = ${orgId} and ${projects.archivedAt} is null)`,
      todo: sql<number>`coalesce(sum(${taskCounts.count}) filter (where ${taskCounts.status} = 'todo'), 0)::int`,
      inProgress: sql<number>`coalesce(sum(${taskCounts.count}) filter (where ${taskCounts.status} = 'in_progress'), 0)::int`,
      done: sql<number>`coalesce(sum(${taskCounts.count}) filter (where ${taskCounts.status} = 'done'), 0)::int`,
      members: sql<number>`(select count(*)::int from memberships where memberships.org_id = ${orgId})`,
    })
    .from(taskCounts)
    .where(eq(taskCounts.orgId, orgId));
  return row ?? { projects: 0, todo: 0, inProgress: 0, done: 0, members: 0 };
}
