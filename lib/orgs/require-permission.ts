import "server-only";
import { and, eq } from "drizzle-orm";
import { memberships } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { can, type Permission, type Role } from "@/lib/orgs/permissions";

export type Actor = { userId: string };

/** The actor's role in the org, or a not_found AppError when they are not a member (existence is not revealed). */
export async function requireMembership(actor: Actor, orgId: string, db: Db = getDb()): Promise<Role> {
  const [membership] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, actor.userId)))
    .limit(1);
  if (!membership) throw new AppError("not_found", "Organization not found.");
  return membership.role;
}

/** Guard used by every org service: the actor is a member whose role grants `permission`. Returns the role. */
export async function requirePermission(
  actor: Actor,
  orgId: string,
  permission: Permission,
  db: Db = getDb(),
): Promise<Role> {
  const role = await requireMembership(actor, orgId, db);
  if (!can(role, permission)) {
    throw new AppError("forbidden", "Your role in this organization does not allow that.");
  }
  return role;
}
