import "server-only";
import { and, asc, eq, isNull } from "drizzle-orm";
import { cache } from "react";
import { memberships, organizations } from "@/db/schema";
import { defineCache, invalidateCacheTags } from "@/lib/cache/define-cache";
import { getDb, type Db } from "@/lib/db/client";
import { afterCommit } from "@/lib/db/transaction";
import type { Role } from "@/lib/orgs/permissions";

export type UserMembership = { orgId: string; name: string; slug: string; plan: string; role: Role };

// Every page under /[org] needs the user's role and the org's name, slug and plan, and the org switcher needs the list:
// one cached entry per user answers all three. Invalidated for the user on joining, leaving or a role change, and for
// every member when the org is renamed, re-slugged, re-planned, deleted or restored.
const userMemberships = defineCache<UserMembership[]>({
  name: "user-memberships",
  ttlSeconds: 600,
  tagOf: membershipsTag,
});

function membershipsTag(userId: string): string {
  return `user-orgs:${userId}`;
}

/**
 * The user's organizations, oldest membership first; from the cache on a warm request, and looked up once per request
 * (React `cache`): the layout, the org context and every read's permission check of a page share one lookup.
 */
export const getUserMemberships = cache((userId: string): Promise<UserMembership[]> =>
  userMemberships.getOrSet(userId, () => loadUserMemberships(userId)),
);

export async function loadUserMemberships(userId: string, db: Db = getDb()): Promise<UserMembership[]> {
  return db
    .select({
      orgId: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      plan: organizations.plan,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    // An organization scheduled for deletion is gone for every member at once (lib/orgs/delete-organization.ts).
    .where(and(eq(memberships.userId, userId), isNull(organizations.deletedAt)))
    .orderBy(asc(memberships.createdAt));
}

/** After the transaction `db` commits: these users' memberships are stale everywhere. */
export function invalidateMemberships(db: Db, userIds: string[]): Promise<void> {
  return afterCommit(db, () => invalidateCacheTags(userIds.map(membershipsTag)));
}

/** For changes to the org itself (name, slug, plan, deletion): every member's entry. Call it before deleting the org. */
export async function invalidateOrgMembers(db: Db, orgId: string): Promise<void> {
  const rows = await db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.orgId, orgId));
  await invalidateMemberships(
    db,
    rows.map((r) => r.userId),
  );
}
