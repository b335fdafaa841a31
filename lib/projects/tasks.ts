import "server-only";
import { and, desc, eq, ilike, isNull, sql, type SQL } from "drizzle-orm";
import { memberships, projects, tasks, users } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { getReadDb } from "@/lib/db/replicas";
import { withTx } from "@/lib/db/transaction";
import { taskAssigned } from "@/lib/projects/events";
import { enforceMailLimits } from "@/lib/email/mail-limits";
import { enqueueEvent } from "@/lib/jobs/outbox";
import { requireVerifiedEmail } from "@/lib/auth/require-verified-email";
import { AppError, parseOrThrow } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/projects/cursor";
import { type Actor, requirePermission, requirePermissionToRead } from "@/lib/orgs/require-permission";
import { projectPermissions } from "@/lib/projects/permissions";
import {
  createTaskInput,
  deleteTaskInput,
  taskFiltersInput,
  updateTaskInput,
  type TaskStatus,
} from "@/lib/projects/schemas";

const ASSIGNING_OTHERS = "assigning tasks to others (they are told by email)";

async function requireAssignableMember(tx: Db | Tx, orgId: string, assigneeId: string | null | undefined) {
  if (!assigneeId) return;
  const [member] = await tx
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, assigneeId)))
    .limit(1);
  if (!member) {
    throw new AppError("invalid_input", "The assignee must be a member of this organization.", {
      assigneeId: ["Choose a member of this organization."],
    });
  }
}

/** Locks the task for the change (returning its current assignee); archived projects are read-only. */
async function requireEditableTask(tx: Tx, orgId: string, taskId: string): Promise<{ assigneeId: string | null }> {
  const [row] = await tx
    .select({ archivedAt: projects.archivedAt, assigneeId: tasks.assigneeId })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(and(eq(tasks.id, taskId), eq(tasks.orgId, orgId)))
    .for("update", { of: tasks });
  if (!row) throw new AppError("not_found", "Task not found.");
  if (row.archivedAt) throw new AppError("conflict", "This project is archived. Restore it to change its tasks.");
  return { assigneeId: row.assigneeId };
}

export async function createTask({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const data = parseOrThrow(createTaskInput, input);
  await requirePermission(actor, data.orgId, projectPermissions["task:create"], db);
  return withTx(async (tx) => {
    const [project] = await tx
      .select({ archivedAt: projects.archivedAt })
      .from(projects)
      .where(and(eq(projects.id, data.projectId), eq(projects.orgId, data.orgId)))
      .limit(1);
    if (!project) throw new AppError("not_found", "Project not found.");
    if (project.archivedAt) throw new AppError("conflict", "This project is archived. Restore it to add tasks.");
    await requireAssignableMember(tx, data.orgId, data.assigneeId);
    const [task] = await tx
      .insert(tasks)
      .values({
        orgId: data.orgId,
        projectId: data.projectId,
        title: data.title,
        status: data.status,
        assigneeId: data.assigneeId ?? null,
        dueOn: data.dueOn ?? null,
        createdById: actor.userId,
      })
      .returning({ id: tasks.id, title: tasks.title, projectId: tasks.projectId });
    await recordActivity(tx, {
      orgId: data.orgId,
      actorId: actor.userId,
      type: "task.created",
      subjectType: "task",
      subjectId: task!.id,
      data: { title: data.title, projectId: data.projectId },
    });
    // Someone else's new task: they hear about it by email, from a job (the request does not wait for SMTP).
    // Only a verified account may make the app mail someone else; the whole change is refused, not half done.
    if (data.assigneeId && data.assigneeId !== actor.userId) {
      // Over a mail limit the whole change is refused too (the transaction rolls back).
      await requireVerifiedEmail(actor, ASSIGNING_OTHERS, tx);
      await enforceMailLimits("task-assigned", { senderId: actor.userId, recipient: data.assigneeId });
      await enqueueEvent(tx, taskAssigned, { taskId: task!.id, orgId: data.orgId, assigneeId: data.assigneeId, actorId: actor.userId }, { orgId: data.orgId });
    }
    return task!;
  }, db);
}

export async function updateTask({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, taskId, ...changes } = parseOrThrow(updateTaskInput, input);
  await requirePermission(actor, orgId, projectPermissions["task:update"], db);
  const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<{
    title: string;
    status: TaskStatus;
    assigneeId: string | null;
    dueOn: string | null;
  }>;
  if (Object.keys(set).length === 0) throw new AppError("invalid_input", "Nothing to change.");
  return withTx(async (tx) => {
    const before = await requireEditableTask(tx, orgId, taskId);
    await requireAssignableMember(tx, orgId, set.assigneeId);
    const [task] = await tx
      .update(tasks)
      .set({ ...set, updatedAt: new Date() })
      .where(and(eq(tasks.id, taskId), eq(tasks.orgId, orgId)))
      .returning({ id: tasks.id, title: tasks.title, projectId: tasks.projectId });
    if (!task) throw new AppError("not_found", "Task not found.");
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "task.updated",
      subjectType: "task",
      subjectId: taskId,
      data: { title: task.title, projectId: task.projectId, changes: set },
    });
    // Only a change of assignee notifies (the edit form sends the current assignee with every change).
    if (set.assigneeId && set.assigneeId !== before.assigneeId && set.assigneeId !== actor.userId) {
      await requireVerifiedEmail(actor, ASSIGNING_OTHERS, tx);
      await enforceMailLimits("task-assigned", { senderId: actor.userId, recipient: set.assigneeId });
      await enqueueEvent(tx, taskAssigned, { taskId, orgId, assigneeId: set.assigneeId, actorId: actor.userId }, { orgId });
    }
    return { id: task.id, projectId: task.projectId };
  }, db);
}

export async function deleteTask({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, taskId } = parseOrThrow(deleteTaskInput, input);
  await requirePermission(actor, orgId, projectPermissions["task:delete"], db);
  return withTx(async (tx) => {
    await requireEditableTask(tx, orgId, taskId);
    const [task] = await tx
      .delete(tasks)
      .where(and(eq(tasks.id, taskId), eq(tasks.orgId, orgId)))
      .returning({ id: tasks.id, title: tasks.title, projectId: tasks.projectId });
    if (!task) throw new AppError("not_found", "Task not found.");
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "task.deleted",
      subjectType: "task",
      subjectId: taskId,
      data: { title: task.title, projectId: task.projectId },
    });
    return { id: task.id, projectId: task.projectId };
  }, db);
}

export type TaskListItem = {
  id: string;
  title: string;
  status: TaskStatus;
  dueOn: string | null;
  createdAt: Date;
  assignee: { id: string; name: string | null; email: string } | null;
};

export const TASK_PAGE_SIZE = 25;

/**
 * One page of a project's tasks, newest first, filtered; one query whatever the page size (assignees are joined).
 * Served by tasks_project_created_idx / tasks_project_status_created_idx. Read from a replica when there are some
 * (uncached, and lag-tolerant: the reader's own writes are seen, lib/db/replicas.ts).
 */
export async function listTasks(
  {
    actor,
    orgId,
    projectId,
    filters,
    limit = TASK_PAGE_SIZE,
  }: { actor: Actor; orgId: string; projectId: string; filters: unknown; limit?: number },
  db: Db = getReadDb(),
): Promise<{ items: TaskListItem[]; nextCursor: string | null }> {
  await requirePermissionToRead(actor, orgId, projectPermissions["task:read"]);
  const f = parseOrThrow(taskFiltersInput, filters ?? {});
  const conditions: SQL[] = [eq(tasks.orgId, orgId), eq(tasks.projectId, projectId)];
  if (f.status) conditions.push(eq(tasks.status, f.status));
  if (f.assignee === "me") conditions.push(eq(tasks.assigneeId, actor.userId));
  else if (f.assignee === "none") conditions.push(isNull(tasks.assigneeId));
  else if (f.assignee) conditions.push(eq(tasks.assigneeId, f.assignee));
  if (f.q) conditions.push(ilike(tasks.title, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    // A row comparison, so the index can start right after the cursor instead of filtering every newer row.
    conditions.push(sql`(${tasks.createdAt}, ${tasks.id}) < (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await db
    .select({
      id: tasks.id,
      title: tasks.title,
      status: tasks.status,
      dueOn: tasks.dueOn,
      createdAt: tasks.createdAt,
      createdAtText: sql<string>`${tasks.createdAt}::text`,
      assigneeId: users.id,
      assigneeName: users.name,
      assigneeEmail: users.email,
    })
    .from(tasks)
    .leftJoin(users, eq(users.id, tasks.assigneeId))
    .where(and(...conditions))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      dueOn: r.dueOn,
      createdAt: r.createdAt,
      assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName, email: r.assigneeEmail! } : null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtText, last.id) : null,
  };
}

export type TaskDetail = {
  id: string;
  projectId: string;
  projectName: string;
  projectArchived: boolean;
  title: string;
  status: TaskStatus;
  dueOn: string | null;
  createdAt: Date;
  updatedAt: Date;
  assignee: { id: string; label: string } | null;
  createdBy: string | null;
};

/**
 * One task with its project, assignee and author, for the task's page: one query (the people are joined). Scoped by
 * org and project as well as by id, so a task of another project or tenant is not found. Read like listTasks.
 */
export async function getTaskOrThrow(
  { actor, orgId, projectId, taskId }: { actor: Actor; orgId: string; projectId: string; taskId: string },
  db: Db = getReadDb(),
): Promise<TaskDetail> {
  await requirePermissionToRead(actor, orgId, projectPermissions["task:read"]);
  const creators = alias(users, "creators");
  const [row] = await db
    .select({
      id: tasks.id,
      projectId: tasks.projectId,
      projectName: projects.name,
      projectArchivedAt: projects.archivedAt,
      title: tasks.title,
      status: tasks.status,
      dueOn: tasks.dueOn,
      createdAt: tasks.createdAt,
      updatedAt: tasks.updatedAt,
      assigneeId: users.id,
      assigneeLabel: sql<string | null>`coalesce(${users.name}, ${users.email})`,
      createdBy: sql<string | null>`coalesce(${creators.name}, ${creators.email})`,
    })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .leftJoin(users, eq(users.id, tasks.assigneeId))
    .leftJoin(creators, eq(creators.id, tasks.createdById))
    .where(and(eq(tasks.orgId, orgId), eq(tasks.projectId, projectId), eq(tasks.id, taskId)))
    .limit(1);
  if (!row) throw new AppError("not_found", "Task not found.");
  const { projectArchivedAt, assigneeId, assigneeLabel, ...task } = row;
  return {
    ...task,
    projectArchived: projectArchivedAt !== null,
    assignee: assigneeId ? { id: assigneeId, label: assigneeLabel ?? "" } : null,
  };
}

/** What the "assigned to you" email needs; null when the task is gone or no longer assigned to that person. */
export async function getTaskAssignmentEmail({ taskId, assigneeId, actorId }: { taskId: string; assigneeId: string; actorId: string }, db: Db = getDb()) {
  const [row] = await db
    .select({
      title: tasks.title,
      projectId: tasks.projectId,
      projectName: projects.name,
      currentAssigneeId: tasks.assigneeId,
      assigneeEmail: users.email,
      orgSlug: sql<string>`(select slug from organizations where organizations.id = ${tasks.orgId})`,
      actorName: sql<string | null>`(select coalesce(name, email) from users a where a.id = ${actorId}::uuid)`,
    })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .innerJoin(users, eq(users.id, assigneeId))
    .where(eq(tasks.id, taskId));
  if (!row || row.currentAssigneeId !== assigneeId) return null;
  return row;
}
