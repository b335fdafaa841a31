import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { memberships, organizations } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getUserMemberships } from "@/lib/orgs/membership-cache";
import { can, type Permission, type Role } from "@/lib/orgs/permissions";

export type Actor = { userId: string };

/**
 * The actor's role in the org, read from the database (inside a write's transaction it sees that transaction's locks),
 * or a not_found AppError when they are not a member (existence is not revealed) or the org is scheduled for deletion.
 * Writes authorize with this.
 */
export async function requireMembership(actor: Actor, orgId: string, db: Db = getDb()): Promise<Role> {
  const [membership] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, actor.userId), isNull(organizations.deletedAt)))
    .limit(1);
  if (!membership) throw new AppError("not_found", "Organization not found.");
  return membership.role;
}

/** Guard used by every org service that writes: the actor is a member whose role grants `permission`. */
export async function requirePermission(actor: Actor, orgId: string, permission: Permission, db: Db = getDb()): Promise<Role> {
  return checkRole(await requireMembership(actor, orgId, db), permission);
}

/**
 * The same guard for reads, answered from the cached memberships (invalidated after every membership change commits),
 * so a warm page makes no query for it. Writes use requirePermission: a cache that missed an invalidation (Redis
 * down at that moment) must not let a removed member change anything.
 */
export async function requirePermissionToRead(actor: Actor, orgId: string, permission: Permission): Promise<Role> {
  const role = (await getUserMemberships(actor.userId)).find((m) => m.orgId === orgId)?.role;
  if (!role) throw new AppError("not_found", "Organization not found.");
  return checkRole(role, permission);
}

function checkRole(role: Role, permission: Permission): Role {
  if (!can(role, permission)) {
    throw new AppError("forbidden", "Your role in this organization does not allow that.");
  }
  return role;
}
