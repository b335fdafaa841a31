import "server-only";
import { and, eq } from "drizzle-orm";
import { memberships } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import { isTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors";
import { getUserMemberships } from "@/lib/orgs/membership-cache";
import { can, type Permission, type Role } from "@/lib/orgs/permissions";

export type Actor = { userId: string };

/**
 * The actor's role in the org, or a not_found AppError when they are not a member (existence is not revealed).
 * Outside a transaction it comes from the cached memberships (invalidated by every membership change); inside one it is
 * read from the database, so a write re-checks the role under its own locks.
 */
export async function requireMembership(actor: Actor, orgId: string, db: Db = getDb()): Promise<Role> {
  const role = isTransaction(db)
    ? (
        await db
          .select({ role: memberships.role })
          .from(memberships)
          .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, actor.userId)))
          .limit(1)
      )[0]?.role
    : (await getUserMemberships(actor.userId)).find((m) => m.orgId === orgId)?.role;
  if (!role) throw new AppError("not_found", "Organization not found.");
  return role;
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
