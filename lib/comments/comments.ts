import "server-only";
import { and, asc, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import { memberships, organizations, projects, taskComments, tasks, users } from "@/db/schema";
import { orgDataTag } from "@/lib/activity/org-cache-tags";
import { recordActivity } from "@/lib/activity/record-activity";
import { requireVerifiedEmail } from "@/lib/auth/require-verified-email";
import { defineCache } from "@/lib/cache/define-cache";
import { commentMentioned } from "@/lib/comments/events";
import { resolveMentions, type Mentionable } from "@/lib/comments/mentions";
import { commentPermissions } from "@/lib/comments/permissions";
import { commentListInput, createCommentInput, deleteCommentInput, updateCommentInput } from "@/lib/comments/schemas";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { getReadDb } from "@/lib/db/replicas";
import { withTx } from "@/lib/db/transaction";
import { enforceMailLimitsForEach } from "@/lib/email/mail-limits";
import { AppError, parseOrThrow } from "@/lib/errors";
import { enqueueEvent } from "@/lib/jobs/outbox";
import { can } from "@/lib/orgs/permissions";
import { type Actor, requireMembership, requirePermission, requirePermissionToRead } from "@/lib/orgs/require-permission";
import { decodeCursor, encodeCursor } from "@/lib/projects/cursor";

const MENTIONING_OTHERS = "mentioning members (they are told by email)";
export const MAX_MENTIONS = 20;

/** The task a comment is on, locked against deletion while the comment is written; archived projects are read-only. */
async function requireOpenTask(tx: Tx, orgId: string, taskId: string) {
  const [task] = await tx
    .select({ id: tasks.id, title: tasks.title, projectId: tasks.projectId, archivedAt: projects.archivedAt })
    .from(tasks)
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(and(eq(tasks.orgId, orgId), eq(tasks.id, taskId)))
    .for("share", { of: tasks });
  if (!task) throw new AppError("not_found", "Task not found.");
  if (task.archivedAt) throw new AppError("conflict", "This project is archived. Restore it to change its comments.");
  return task;
}

/** A comment with its task, locked for the change; not_found across tenants. */
async function requireOpenComment(tx: Tx, orgId: string, commentId: string) {
  const [row] = await tx
    .select({
      id: taskComments.id,
      authorId: taskComments.authorId,
      mentionedUserIds: taskComments.mentionedUserIds,
      taskId: tasks.id,
      title: tasks.title,
      projectId: tasks.projectId,
      archivedAt: projects.archivedAt,
    })
    .from(taskComments)
    .innerJoin(tasks, eq(tasks.id, taskComments.taskId))
    .innerJoin(projects, eq(projects.id, tasks.projectId))
    .where(and(eq(taskComments.orgId, orgId), eq(taskComments.id, commentId)))
    .for("update", { of: taskComments });
  if (!row) throw new AppError("not_found", "Comment not found.");
  if (row.archivedAt) throw new AppError("conflict", "This project is archived. Restore it to change its comments.");
  return row;
}

/**
 * Whom the body mentions among the org's members (read in the writing transaction: a member who just left is not).
 * A name two members share mentions nobody: the comment is refused with a message asking for an email address.
 */
async function mentionedMembers(tx: Tx, orgId: string, body: string): Promise<string[]> {
  if (!body.includes("@")) return [];
  const people: Mentionable[] = await tx
    .select({ userId: memberships.userId, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
  const { userIds, ambiguous } = resolveMentions(body, people);
  if (ambiguous.length > 0) {
    const message = `More than one member is called ${ambiguous.map((text) => `“${text}”`).join(", ")}: mention them by email address instead.`;
    throw new AppError("invalid_input", message, { body: [message] });
  }
  if (userIds.length > MAX_MENTIONS) {
    throw new AppError("invalid_input", `Mention at most ${MAX_MENTIONS} members in one comment.`, {
      body: [`Mention at most ${MAX_MENTIONS} members in one comment.`],
    });
  }
  return userIds;
}

/**
 * One email job per member the comment newly mentions (never the author), in the writing transaction: the comment and
 * its jobs commit together. Only a verified account may make the app mail others, within the mail limits; over either
 * the whole change is refused, and the mails counted for the others are given back. (A member mentioned, edited out
 * and mentioned again is emailed again: the mail limits bound that.)
 */
async function notifyMentioned(tx: Tx, actor: Actor, orgId: string, commentId: string, userIds: string[]) {
  const others = userIds.filter((id) => id !== actor.userId);
  if (others.length === 0) return;
  await requireVerifiedEmail(actor, MENTIONING_OTHERS, tx);
  await enforceMailLimitsForEach("comment-mention", { senderId: actor.userId, recipients: others });
  for (const userId of others) {
    await enqueueEvent(tx, commentMentioned, { commentId, orgId, userId, actorId: actor.userId }, { orgId });
  }
}

export type CommentChange = { id: string; taskId: string; projectId: string };

export async function createComment({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()): Promise<CommentChange> {
  const data = parseOrThrow(createCommentInput, input);
  await requirePermission(actor, data.orgId, commentPermissions["comment:create"], db);
  return withTx(async (tx) => {
    const task = await requireOpenTask(tx, data.orgId, data.taskId);
    const mentioned = await mentionedMembers(tx, data.orgId, data.body);
    const [comment] = await tx
      .insert(taskComments)
      .values({ orgId: data.orgId, taskId: task.id, authorId: actor.userId, body: data.body, mentionedUserIds: mentioned })
      .returning({ id: taskComments.id });
    await recordActivity(tx, {
      orgId: data.orgId,
      actorId: actor.userId,
      type: "comment.created",
      subjectType: "task",
      subjectId: task.id,
      data: { title: task.title, projectId: task.projectId, commentId: comment!.id },
    });
    await notifyMentioned(tx, actor, data.orgId, comment!.id, mentioned);
    return { id: comment!.id, taskId: task.id, projectId: task.projectId };
  }, db);
}

/** Its author edits a comment; members it newly mentions are emailed, those it already mentioned are not again. */
export async function updateComment({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()): Promise<CommentChange> {
  const data = parseOrThrow(updateCommentInput, input);
  await requirePermission(actor, data.orgId, commentPermissions["comment:create"], db);
  return withTx(async (tx) => {
    const comment = await requireOpenComment(tx, data.orgId, data.commentId);
    if (comment.authorId !== actor.userId) throw new AppError("forbidden", "Only its author can edit a comment.");
    const mentioned = await mentionedMembers(tx, data.orgId, data.body);
    await tx
      .update(taskComments)
      .set({ body: data.body, mentionedUserIds: mentioned, editedAt: new Date() })
      .where(and(eq(taskComments.orgId, data.orgId), eq(taskComments.id, comment.id)));
    await recordActivity(tx, {
      orgId: data.orgId,
      actorId: actor.userId,
      type: "comment.edited",
      subjectType: "task",
      subjectId: comment.taskId,
      data: { title: comment.title, projectId: comment.projectId, commentId: comment.id },
    });
    const before = new Set(comment.mentionedUserIds);
    await notifyMentioned(tx, actor, data.orgId, comment.id, mentioned.filter((id) => !before.has(id)));
    return { id: comment.id, taskId: comment.taskId, projectId: comment.projectId };
  }, db);
}

/** Its author deletes a comment, or a manager anyone's. */
export async function deleteComment({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()): Promise<CommentChange> {
  const data = parseOrThrow(deleteCommentInput, input);
  await requirePermission(actor, data.orgId, commentPermissions["comment:read"], db);
  return withTx(async (tx) => {
    // The role as of this transaction: a manager demoted a moment ago may no longer delete others' comments.
    const role = await requireMembership(actor, data.orgId, tx);
    const comment = await requireOpenComment(tx, data.orgId, data.commentId);
    if (comment.authorId !== actor.userId && !can(role, commentPermissions["comment:delete-any"])) {
      throw new AppError("forbidden", "Only its author or an admin can delete a comment.");
    }
    await tx.delete(taskComments).where(and(eq(taskComments.orgId, data.orgId), eq(taskComments.id, comment.id)));
    await recordActivity(tx, {
      orgId: data.orgId,
      actorId: actor.userId,
      type: "comment.deleted",
      subjectType: "task",
      subjectId: comment.taskId,
      data: { title: comment.title, projectId: comment.projectId, commentId: comment.id },
    });
    return { id: comment.id, taskId: comment.taskId, projectId: comment.projectId };
  }, db);
}

export type CommentItem = {
  id: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  author: { id: string; label: string } | null;
  /** The people the body mentions, to render their mentions (mentions.ts splitMentions). */
  mentioned: Mentionable[];
};

export const COMMENT_PAGE_SIZE = 50;

/**
 * A page of a task's comments, oldest first: one query whatever the page size (authors and mentioned people are
 * joined). Served by task_comments_task_created_idx; read like listTasks (a replica when there is one).
 */
export async function listTaskComments(
  { actor, orgId, taskId, page, limit = COMMENT_PAGE_SIZE }: { actor: Actor; orgId: string; taskId: string; page?: unknown; limit?: number },
  db: Db = getReadDb(),
): Promise<{ items: CommentItem[]; nextCursor: string | null }> {
  await requirePermissionToRead(actor, orgId, commentPermissions["comment:read"]);
  const { cursor } = parseOrThrow(commentListInput, page ?? {});
  const conditions: SQL[] = [eq(taskComments.orgId, orgId), eq(taskComments.taskId, taskId)];
  if (cursor) {
    const c = decodeCursor(cursor);
    conditions.push(sql`(${taskComments.createdAt}, ${taskComments.id}) > (${c.createdAt}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await db
    .select({
      id: taskComments.id,
      body: taskComments.body,
      createdAt: taskComments.createdAt,
      createdAtText: sql<string>`${taskComments.createdAt}::text`,
      editedAt: taskComments.editedAt,
      authorId: users.id,
      authorLabel: sql<string | null>`coalesce(${users.name}, ${users.email})`,
      mentioned: sql<Mentionable[]>`coalesce((
        select json_agg(json_build_object('userId', m.id, 'name', m.name, 'email', m.email))
        from users m where m.id = any(${taskComments.mentionedUserIds})
      ), '[]'::json)`,
    })
    .from(taskComments)
    .leftJoin(users, eq(users.id, taskComments.authorId))
    .where(and(...conditions))
    .orderBy(asc(taskComments.createdAt), asc(taskComments.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({
      id: r.id,
      body: r.body,
      createdAt: r.createdAt,
      editedAt: r.editedAt,
      author: r.authorId ? { id: r.authorId, label: r.authorLabel ?? "" } : null,
      mentioned: r.mentioned,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAtText, last.id) : null,
  };
}

export type CommentStats = { last30Days: number };

// The dashboard's figure: cached per org under the org's data tag, which every recorded activity (a comment's
// included) ends, so the next dashboard after a comment counts it.
const commentStats = defineCache<CommentStats>({ name: "org-comment-stats", ttlSeconds: 900, tagOf: orgDataTag });

/** How many comments the org's members wrote in the last 30 days (an index-only range of task_comments_org_created_idx). */
export async function getCommentStats({ actor, orgId }: { actor: Actor; orgId: string }, db: Db = getDb()): Promise<CommentStats> {
  await requirePermissionToRead(actor, orgId, commentPermissions["comment:read"]);
  return commentStats.getOrSet(orgId, async () => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(taskComments)
      .where(and(eq(taskComments.orgId, orgId), gt(taskComments.createdAt, sql`now() - interval '30 days'`)));
    return { last30Days: row?.n ?? 0 };
  });
}

/**
 * What the "you were mentioned" email needs; null when the comment is gone, no longer mentions them (edited away),
 * they left the org, or the org is scheduled for deletion: the job then sends nothing.
 */
export async function getMentionEmail({ commentId, userId, actorId }: { commentId: string; userId: string; actorId: string }, db: Db = getDb()) {
  const [row] = await db
    .select({
      body: taskComments.body,
      taskId: tasks.id,
      title: tasks.title,
      projectId: tasks.projectId,
      orgSlug: organizations.slug,
      recipientEmail: users.email,
      actorName: sql<string | null>`(select coalesce(name, email) from users a where a.id = ${actorId}::uuid)`,
    })
    .from(taskComments)
    .innerJoin(tasks, eq(tasks.id, taskComments.taskId))
    .innerJoin(organizations, eq(organizations.id, taskComments.orgId))
    .innerJoin(memberships, and(eq(memberships.orgId, taskComments.orgId), eq(memberships.userId, userId)))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(taskComments.id, commentId), isNull(organizations.deletedAt), sql`${userId}::uuid = any(${taskComments.mentionedUserIds})`));
  return row ?? null;
}
