import "server-only";
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import { memberships, organizations, users } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { verifyPassword } from "@/lib/auth/password";
import { checkRateLimit, refundRateLimit } from "@/lib/cache/rate-limit";
import { getDb, type Db } from "@/lib/db/client";
import { withTx } from "@/lib/db/transaction";
import { getEnv } from "@/lib/env";
import { AppError, parseOrThrow } from "@/lib/errors";
import { invalidateOrgMembers } from "@/lib/orgs/membership-cache";
import { can, orgPermissions } from "@/lib/orgs/permissions";
import { requirePermission, type Actor } from "@/lib/orgs/require-permission";
import { deleteOrganizationInput, restoreOrganizationInput } from "@/lib/orgs/schemas";

const DAY_MS = 24 * 3600 * 1000;

/**
 * Schedules the organization for deletion: from this moment it is gone for every member (lists, pages, writes), its
 * owner can restore it until `purgeAfter`, and the purge job erases it after that (lib/orgs/purge-organizations.ts).
 * Owners only, and only with their password: a stolen session alone cannot erase a tenant. Wrong passwords count
 * against the account's sign-in limit, so this form is no way around it.
 */
export async function deleteOrganization(
  { actor, input, now = new Date() }: { actor: Actor; input: unknown; now?: Date },
  db: Db = getDb(),
): Promise<{ slug: string; purgeAfter: Date }> {
  const { orgId, password } = parseOrThrow(deleteOrganizationInput, input);
  await requirePermission(actor, orgId, orgPermissions["org:delete"], db);
  await requirePassword(actor, password, db);
  const purgeAfter = new Date(now.getTime() + getEnv().ORG_DELETION_GRACE_DAYS * DAY_MS);
  return withTx(async (tx) => {
    const [org] = await tx
      .update(organizations)
      .set({ deletedAt: now, purgeAfter, updatedAt: now })
      .where(and(eq(organizations.id, orgId), isNull(organizations.deletedAt)))
      .returning({ slug: organizations.slug });
    if (!org) throw new AppError("not_found", "Organization not found.");
    await invalidateOrgMembers(tx, orgId);
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "org.deleted",
      subjectType: "organization",
      subjectId: orgId,
      data: { purgeAfter: purgeAfter.toISOString() },
    });
    return { slug: org.slug, purgeAfter };
  }, db);
}

/** Undoes deleteOrganization within the grace period. Owners only; after `purgeAfter` the purge may have begun. */
export async function restoreOrganization(
  { actor, input, now = new Date() }: { actor: Actor; input: unknown; now?: Date },
  db: Db = getDb(),
): Promise<{ slug: string }> {
  const { orgId } = parseOrThrow(restoreOrganizationInput, input);
  return withTx(async (tx) => {
    // requirePermission hides deleted orgs, so the owner is checked here, on the row it is about to restore.
    const [target] = await tx
      .select({ role: memberships.role, purgeAfter: organizations.purgeAfter })
      .from(organizations)
      .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, actor.userId)))
      .where(and(eq(organizations.id, orgId), isNotNull(organizations.deletedAt)))
      .for("update", { of: organizations });
    if (!target) throw new AppError("not_found", "Organization not found.");
    if (!can(target.role, orgPermissions["org:delete"])) throw new AppError("forbidden", "Only an owner can restore the organization.");
    if (!target.purgeAfter || target.purgeAfter <= now) {
      throw new AppError("gone", "The grace period is over: the organization is being deleted and can no longer be restored.");
    }
    const [org] = await tx
      .update(organizations)
      .set({ deletedAt: null, purgeAfter: null, updatedAt: now })
      .where(eq(organizations.id, orgId))
      .returning({ slug: organizations.slug });
    await invalidateOrgMembers(tx, orgId);
    await recordActivity(tx, { orgId, actorId: actor.userId, type: "org.restored", subjectType: "organization", subjectId: orgId });
    return { slug: org!.slug };
  }, db);
}

export type DeletedOrganization = { id: string; name: string; slug: string; deletedAt: Date; purgeAfter: Date };

/** The organizations this user owns that are scheduled for deletion (the page that offers to undo it). */
export async function listDeletedOrganizations({ actor }: { actor: Actor }, db: Db = getDb()): Promise<DeletedOrganization[]> {
  const rows = await db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug, deletedAt: organizations.deletedAt, purgeAfter: organizations.purgeAfter })
    .from(organizations)
    .innerJoin(memberships, and(eq(memberships.orgId, organizations.id), eq(memberships.userId, actor.userId), eq(memberships.role, "owner")))
    .where(isNotNull(organizations.deletedAt))
    .orderBy(asc(organizations.purgeAfter));
  return rows.map((r) => ({ ...r, deletedAt: r.deletedAt!, purgeAfter: r.purgeAfter! }));
}

async function requirePassword(actor: Actor, password: string, db: Db) {
  const [user] = await db.select({ email: users.email, passwordHash: users.passwordHash }).from(users).where(eq(users.id, actor.userId));
  if (!user) throw new AppError("unauthenticated", "Please sign in again.");
  if (!user.passwordHash) {
    throw new AppError("invalid_input", "Your account has no password yet. Set one with \"Forgot password\" on the sign-in page, then try again.", {
      password: ["Your account has no password yet."],
    });
  }
  // Counted before the check and given back on success, as at sign-in: a burst of guesses gets no more through.
  if (!(await checkRateLimit("sign-in-email", user.email)).success) {
    throw new AppError("rate_limited", "Too many wrong passwords. Wait a few minutes, then try again.");
  }
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw new AppError("invalid_input", "Your password is not correct.", { password: ["Your password is not correct."] });
  }
  await refundRateLimit("sign-in-email", user.email);
}
