import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import { memberships, users } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { orgMembersTag } from "@/lib/activity/org-cache-tags";
import { defineCache } from "@/lib/cache/define-cache";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { isTransaction, withTx } from "@/lib/db/transaction";
import { invalidateMemberships } from "@/lib/orgs/membership-cache";
import { AppError, parseOrThrow } from "@/lib/errors";
import { canManageRole, type Role, orgPermissions } from "@/lib/orgs/permissions";
import { type Actor, requireMembership, requirePermission, requirePermissionToRead } from "@/lib/orgs/require-permission";
import { changeMemberRoleInput, removeMemberInput } from "@/lib/orgs/schemas";

export type Member = { userId: string; name: string | null; email: string; role: Role; joinedAt: Date };

// The members page and every assignee picker. Joins, leaves and role changes record member activity, and a profile
// rename invalidates the orgs of the renamed user (lib/auth/account.ts), so both end this entry; a task write does not.
const orgMembers = defineCache<Member[]>({ name: "org-members", ttlSeconds: 900, tagOf: orgMembersTag });

/** The org's members, oldest first; from the cache outside a transaction. */
export async function listMembers({ actor, orgId }: { actor: Actor; orgId: string }, db: Db = getDb()): Promise<Member[]> {
  await requirePermissionToRead(actor, orgId, orgPermissions["member:list"]);
  return isTransaction(db) ? selectMembers(db, orgId) : orgMembers.getOrSet(orgId, () => selectMembers(db, orgId));
}

// The assignee pickers of a task page: the members as { userId, label } options, cached as the JSON string the page
// hands to its forms, so a render neither decodes nor serializes a thousand objects (app/(app)/[org]/projects/
// [projectId]/_components/member-list.ts). Same tag as the list above.
const orgMemberOptions = defineCache<string>({ name: "org-member-options", ttlSeconds: 900, tagOf: orgMembersTag });

/** The org's members as assignee options, oldest first, as JSON: `[{ userId, label }]`, the label the name or else the email. */
export async function getMemberOptionsJson({ actor, orgId }: { actor: Actor; orgId: string }, db: Db = getDb()): Promise<string> {
  await requirePermissionToRead(actor, orgId, orgPermissions["member:list"]);
  const load = async () => JSON.stringify((await selectMembers(db, orgId)).map((m) => ({ userId: m.userId, label: m.name ?? m.email })));
  return isTransaction(db) ? load() : orgMemberOptions.getOrSet(orgId, load);
}

function selectMembers(db: Db, orgId: string): Promise<Member[]> {
  return db
    .select({
      userId: memberships.userId,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    // id breaks ties: the members page shows this list in pages, which must neither repeat nor skip anyone.
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
}

// Locks the org's owner rows so two concurrent demotions cannot both see "another owner exists". Taken first and in
// id order, before the target's row: two owners demoting each other at once would otherwise deadlock.
async function lockOwners(tx: Tx, orgId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")))
    .orderBy(asc(memberships.id))
    .for("update");
  return rows.map((r) => r.userId);
}

async function getTargetRole(tx: Tx, orgId: string, userId: string): Promise<Role> {
  const [target] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .for("update");
  if (!target) throw new AppError("not_found", "That person is not a member of this organization.");
  return target.role;
}

export async function changeMemberRole({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, userId, role } = parseOrThrow(changeMemberRoleInput, input);
  await requirePermission(actor, orgId, orgPermissions["member:change-role"], db);
  await withTx(async (tx) => {
    const owners = await lockOwners(tx, orgId);
    // Re-read under the owner locks: the actor may have been demoted since the check above.
    const actorRole = await requirePermission(actor, orgId, orgPermissions["member:change-role"], tx);
    const current = await getTargetRole(tx, orgId, userId);
    if (current === role) return;
    if (!canManageRole(actorRole, current, role)) {
      throw new AppError("forbidden", "Only an owner can change an owner's role or make someone an owner.");
    }
    if (current === "owner" && owners.length <= 1) {
      throw new AppError("conflict", "The last owner cannot be demoted. Make someone else an owner first.");
    }
    await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    await invalidateMemberships(tx, [userId]);
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "member.role_changed",
      subjectType: "member",
      subjectId: userId,
      data: { from: current, to: role },
    });
  }, db);
}

/** Removes a member; anyone may remove themselves (leave), managers may remove others within canManageRole. */
export async function removeMember({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, userId } = parseOrThrow(removeMemberInput, input);
  const isSelf = userId === actor.userId;
  const checkActor = (conn: Db) =>
    isSelf ? requireMembership(actor, orgId, conn) : requirePermission(actor, orgId, orgPermissions["member:remove"], conn);
  await checkActor(db);
  await withTx(async (tx) => {
    const owners = await lockOwners(tx, orgId);
    // Re-read under the owner locks: the actor may have been demoted since the check above.
    const actorRole = await checkActor(tx);
    const current = await getTargetRole(tx, orgId, userId);
    if (!isSelf && !canManageRole(actorRole, current)) {
      throw new AppError("forbidden", "Only an owner can remove an owner.");
    }
    if (current === "owner" && owners.length <= 1) {
      throw new AppError("conflict", "The last owner cannot be removed. Make someone else an owner first.");
    }
    await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
    await invalidateMemberships(tx, [userId]);
    // Their tasks are unassigned by a trigger on memberships that the projects module owns
    // (drizzle/0012_unassign_removed_members.sql), in this transaction.
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "member.removed",
      subjectType: "member",
      subjectId: userId,
      data: { role: current, left: isSelf },
    });
  }, db);
}

export async function countMembers(orgId: string, db: Db = getDb()): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(eq(memberships.orgId, orgId));
  return row?.n ?? 0;
}
