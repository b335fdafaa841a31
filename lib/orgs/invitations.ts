import "server-only";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { invitations, memberships, organizations, users } from "@/db/schema";
import { recordActivity } from "@/lib/activity/record-activity";
import { generateToken, hashToken, parseLinkToken } from "@/lib/auth/tokens";
import { getDb, type Db } from "@/lib/db/client";
import { enforceRateLimit } from "@/lib/cache/rate-limit";
import { enforceMailLimits } from "@/lib/email/mail-limits";
import { withTx } from "@/lib/db/transaction";
import { invitationCreated } from "@/lib/orgs/events";
import { enqueueEvent } from "@/lib/jobs/outbox";
import { seal } from "@/lib/seal";
import { requireVerifiedEmail } from "@/lib/auth/require-verified-email";
import { invalidateSessionUser } from "@/lib/auth/user-cache";
import { invalidateMemberships } from "@/lib/orgs/membership-cache";
import { AppError, isUniqueViolation, parseOrThrow } from "@/lib/errors";
import { canManageRole, roleLabels, type Role, orgPermissions } from "@/lib/orgs/permissions";
import { type Actor, requirePermission, requirePermissionToRead } from "@/lib/orgs/require-permission";
import { createInvitationInput, revokeInvitationInput } from "@/lib/orgs/schemas";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const openInvitation = and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

/** Invites an address to the org. A new invitation to the same address replaces the open one. */
export async function createInvitation(
  { actor, input, now = new Date() }: { actor: Actor; input: unknown; now?: Date },
  db: Db = getDb(),
): Promise<{ id: string; token: string }> {
  const { orgId, email, role } = parseOrThrow(createInvitationInput, input);
  const actorRole = await requirePermission(actor, orgId, orgPermissions["invitation:create"], db);
  if (!canManageRole(actorRole, undefined, role)) {
    throw new AppError("forbidden", "Only an owner can invite another owner.");
  }
  // An invitation mails someone else, with text the org chose: only from a proven address (pre-account hijack).
  await requireVerifiedEmail(actor, "inviting anyone", db);
  // Each invitation sends mail to an address the org chose: cap it per org, so an account cannot be used to spam.
  await enforceRateLimit("invitations", orgId);
  const { token, tokenHash } = generateToken();
  const { invitation } = await withTx(async (tx) => {
    const [existingMember] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, orgId), eq(sql`lower(${users.email})`, email)))
      .limit(1);
    if (existingMember) throw new AppError("conflict", `${email} is already a member.`, { email: ["Already a member."] });
    // The invitation is its email: over the inviter's or the address's mail limit, nothing below is written.
    await enforceMailLimits("invitation", { senderId: actor.userId, recipient: email });

    await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.orgId, orgId), eq(sql`lower(${invitations.email})`, email), openInvitation));
    const [created] = await tx
      .insert(invitations)
      .values({ orgId, email, role, tokenHash, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS), invitedById: actor.userId })
      .returning({ id: invitations.id });
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "invitation.created",
      subjectType: "invitation",
      subjectId: created!.id,
      data: { email, role },
    });
    // The email goes out from a job (retried until delivered); the link's token travels sealed.
    await enqueueEvent(tx, invitationCreated, { invitationId: created!.id, orgId, sealedToken: await seal(token) }, { orgId });
    return { invitation: created! };
  }, db).catch((error: unknown) => {
    // A concurrent invitation to the same address (a double-submitted form) committed first.
    if (isUniqueViolation(error, "invitations_open_org_email_idx")) {
      throw new AppError("conflict", `An invitation to ${email} was just sent.`, { email: ["An invitation was just sent."] });
    }
    throw error;
  });

  return { id: invitation.id, token };
}

export type InvitationEmail = { email: string; orgName: string; inviterName: string; roleLabel: string; isOpen: boolean };

/** What the invitation email needs, and whether the invitation can still be accepted (the job skips closed ones). */
export async function getInvitationEmail(invitationId: string, now = new Date(), db: Db = getDb()): Promise<InvitationEmail | null> {
  const [row] = await db
    .select({
      email: invitations.email,
      role: invitations.role,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      expiresAt: invitations.expiresAt,
      orgName: organizations.name,
      inviterName: users.name,
      inviterEmail: users.email,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .leftJoin(users, eq(users.id, invitations.invitedById))
    .where(eq(invitations.id, invitationId))
    .limit(1);
  if (!row) return null;
  return {
    email: row.email,
    orgName: row.orgName,
    inviterName: row.inviterName ?? row.inviterEmail ?? "A teammate",
    roleLabel: roleLabels[row.role],
    isOpen: !row.acceptedAt && !row.revokedAt && row.expiresAt > now,
  };
}

export async function listOpenInvitations({ actor, orgId }: { actor: Actor; orgId: string }, db: Db = getDb()) {
  await requirePermissionToRead(actor, orgId, orgPermissions["invitation:list"]);
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), openInvitation))
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation({ actor, input }: { actor: Actor; input: unknown }, db: Db = getDb()) {
  const { orgId, invitationId } = parseOrThrow(revokeInvitationInput, input);
  await requirePermission(actor, orgId, orgPermissions["invitation:revoke"], db);
  await withTx(async (tx) => {
    const [revoked] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.id, invitationId), eq(invitations.orgId, orgId), openInvitation))
      .returning({ id: invitations.id, email: invitations.email });
    if (!revoked) throw new AppError("not_found", "That invitation is no longer open.");
    await recordActivity(tx, {
      orgId,
      actorId: actor.userId,
      type: "invitation.revoked",
      subjectType: "invitation",
      subjectId: revoked.id,
      data: { email: revoked.email },
    });
  }, db);
}

export type InvitationStatus = "open" | "accepted" | "revoked" | "expired";

/** What the invite page shows for a token; null when the token matches nothing. */
export async function getInvitationByToken(token: string, now = new Date(), db: Db = getDb()) {
  const [row] = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      orgName: organizations.name,
      orgSlug: organizations.slug,
      orgDeletedAt: organizations.deletedAt,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1);
  if (!row) return null;
  const { orgDeletedAt, ...invitation } = row;
  const status: InvitationStatus = row.acceptedAt
    ? "accepted"
    : row.revokedAt || orgDeletedAt
      ? "revoked"
      : row.expiresAt <= now
        ? "expired"
        : "open";
  return { ...invitation, status };
}

/** Accepts an invitation for the signed-in user, whose email must be the invited one. Single use. `token` as submitted. */
export async function acceptInvitation(
  { actor, token, now = new Date() }: { actor: Actor; token: unknown; now?: Date },
  db: Db = getDb(),
): Promise<{ orgSlug: string; role: Role }> {
  const linkToken = parseLinkToken(token);
  return withTx(async (tx) => {
    const [invitation] = await tx
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, hashToken(linkToken)))
      .for("update");
    if (!invitation) throw new AppError("not_found", "This invitation link is not valid.");
    if (invitation.acceptedAt) throw new AppError("gone", "This invitation has already been used.");
    if (invitation.revokedAt) throw new AppError("gone", "This invitation was withdrawn.");
    if (invitation.expiresAt <= now) throw new AppError("gone", "This invitation has expired. Ask for a new one.");

    const [user] = await tx
      .select({ email: users.email, emailVerified: users.emailVerified })
      .from(users)
      .where(eq(users.id, actor.userId));
    if (!user) throw new AppError("unauthenticated", "Please sign in again.");
    if (user.email.toLowerCase() !== invitation.email.toLowerCase()) {
      throw new AppError(
        "forbidden",
        `This invitation was sent to ${invitation.email}. Sign in with that address to accept it.`,
      );
    }

    const [org] = await tx
      .select({ slug: organizations.slug })
      .from(organizations)
      .where(and(eq(organizations.id, invitation.orgId), isNull(organizations.deletedAt)));
    if (!org) throw new AppError("gone", "This organization was deleted.");
    const inserted = await tx
      .insert(memberships)
      .values({ orgId: invitation.orgId, userId: actor.userId, role: invitation.role })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    await tx.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, invitation.id));
    // The link reached this inbox, which proves the address.
    if (!user.emailVerified) {
      await tx.update(users).set({ emailVerified: now }).where(eq(users.id, actor.userId));
      await invalidateSessionUser(tx, actor.userId);
    }
    await invalidateMemberships(tx, [actor.userId]);
    if (inserted.length > 0) {
      await recordActivity(tx, {
        orgId: invitation.orgId,
        actorId: actor.userId,
        type: "member.joined",
        subjectType: "member",
        subjectId: actor.userId,
        data: { role: invitation.role, invitationId: invitation.id },
      });
    }
    return { orgSlug: org!.slug, role: invitation.role };
  }, db);
}

/**
 * Deletes invitations that ended (expired, withdrawn or accepted) more than `graceDays` ago: maintenance job. The grace
 * keeps a recently expired link saying "expired" rather than "not valid".
 */
export async function purgeClosedInvitations({ now = new Date(), graceDays = 30 }: { now?: Date; graceDays?: number } = {}, db: Db = getDb()) {
  const cutoff = new Date(now.getTime() - graceDays * 24 * 3600 * 1000).toISOString();
  const deleted = await db
    .delete(invitations)
    .where(
      sql`${invitations.expiresAt} < ${cutoff}::timestamptz or ${invitations.revokedAt} < ${cutoff}::timestamptz or ${invitations.acceptedAt} < ${cutoff}::timestamptz`,
    )
    .returning({ id: invitations.id });
  return deleted.length;
}
