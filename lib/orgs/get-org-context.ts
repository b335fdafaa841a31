import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getUncheckedSessionUserId } from "@/lib/auth/current-user";
import { getUserMemberships } from "@/lib/orgs/membership-cache";
import type { Role } from "@/lib/orgs/permissions";

export type OrgContext = { org: { id: string; name: string; slug: string; plan: string }; role: Role };

/** The org with this slug and the user's role in it; null when it does not exist or they are not a member. */
export async function findOrgForMember(userId: string, slug: string): Promise<OrgContext | null> {
  const wanted = slug.toLowerCase();
  const membership = (await getUserMemberships(userId)).find((m) => m.slug === wanted);
  if (!membership) return null;
  const { orgId, role, ...org } = membership;
  return { org: { id: orgId, ...org }, role };
}

/** For pages under /[org]: memoized per request; a non-member gets the same 404 as a missing org. */
export const getOrgContextOrNotFound = cache(async (userId: string, slug: string): Promise<OrgContext> => {
  const context = await findOrgForMember(userId, slug);
  if (!context) notFound();
  return context;
});

/**
 * Starts loading the memberships of the user the session cookie names while the session itself is being checked, so
 * both lookups reach the cache store in one round trip instead of two. Nothing is read from it here: the page reads
 * the memberships after getCurrentUser has passed, through the same per-request `cache`, so only for that user.
 */
export async function prefetchSessionMemberships(): Promise<void> {
  // A failure surfaces where the session and the memberships are read; here it must not become an unhandled rejection
  // (callers do not await this).
  const userId = await getUncheckedSessionUserId().catch(() => null);
  if (userId) getUserMemberships(userId).catch(() => {});
}

/** The organizations a user belongs to (org switcher), oldest membership first. */
export async function listUserOrganizations(userId: string) {
  return (await getUserMemberships(userId)).map(({ orgId, name, slug, role }) => ({ id: orgId, name, slug, role }));
}
