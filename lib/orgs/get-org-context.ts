import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { notFound } from "next/navigation";
import { cache } from "react";
import { memberships, organizations } from "@/db/schema";
import { getDb, type Db } from "@/lib/db/client";
import type { Role } from "@/lib/orgs/permissions";

export type OrgContext = { org: { id: string; name: string; slug: string; plan: string }; role: Role };

/** The org with this slug and the user's role in it, in one query; null when it does not exist or they are not a member. */
export async function findOrgForMember(userId: string, slug: string, db: Db = getDb()): Promise<OrgContext | null> {
  const [row] = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      slug: organizations.slug,
      plan: organizations.plan,
      role: memberships.role,
    })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, userId)))
    .where(eq(organizations.slug, slug.toLowerCase()))
    .limit(1);
  if (!row) return null;
  const { role, ...org } = row;
  return { org, role };
}

/** For pages under /[org]: memoized per request; a non-member gets the same 404 as a missing org. */
export const getOrgContextOrNotFound = cache(async (userId: string, slug: string): Promise<OrgContext> => {
  const context = await findOrgForMember(userId, slug);
  if (!context) notFound();
  return context;
});

/** The organizations a user belongs to (org switcher), oldest membership first. */
export async function listUserOrganizations(userId: string, db: Db = getDb()) {
  return db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt));
}
